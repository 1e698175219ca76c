package api

import (
	"net/http"
	"sort"
	"strconv"
	"strings"

	"github.com/gostack/gostack/compute/store"
)

// serverQuery275 are the query parameters GET /servers and
// /servers/detail accept from 2.75, when unknown ones became a 400
// (nova's query_params_v275: the filters, the sort and page keys, and the
// instance fields nova accepts and ignores).
var serverQuery275 = map[string]bool{}

func init() {
	for _, k := range strings.Fields(`user_id project_id tenant_id launch_index image_ref image kernel_id ramdisk_id
		hostname key_name power_state vm_state task_state host node flavor reservation_id launched_at terminated_at
		availability_zone name display_name description display_description locked_by uuid root_device_name
		config_drive access_ip_v4 access_ip_v6 auto_disk_config progress sort_key sort_dir all_tenants soft_deleted
		deleted status changes-since changes-before ip ip6 created_at block_device_mapping services metadata
		pci_devices security_groups info_cache system_metadata tags tags-any not-tags not-tags-any limit marker
		locked fault architecture cell_name cleaned default_ephemeral_device default_swap_device ephemeral_gb
		ephemeral_key_uuid instance_type_id key_data memory_mb numa_topology os_type root_gb shutdown_terminate
		updated_at user_data vcpus vm_mode vcpu_model ec2_ids keypairs trusted_certs resources device_metadata
		migration_context flavor_id power_state task_state`) {
		serverQuery275[k] = true
	}
}

// checkServerQuery is 2.75's strict server list query: an unknown
// parameter is a 400 naming it.
func checkServerQuery(r *http.Request) error {
	if !atLeast(r, 75) {
		return nil
	}
	q := r.URL.Query()
	var extra []string
	for k := range q {
		if !serverQuery275[k] {
			extra = append(extra, "'"+k+"'")
		}
	}
	if len(extra) == 0 {
		return nil
	}
	sort.Strings(extra)
	verb := "was"
	if len(extra) > 1 {
		verb = "were"
	}
	return invalid("Invalid input for query parameters %s. Value: %s. Additional properties are not allowed (%s %s unexpected)",
		strings.Trim(extra[0], "'"), q.Get(strings.Trim(extra[0], "'")), strings.Join(extra, ", "), verb)
}

// serverFilters59 applies the server list filters of later versions:
//   - 2.66: changes-before only from this version (ignored below, as
//     nova ignores parameters it does not know);
//   - 2.73: locked (true/false);
//   - 2.83: non-admins may filter on availability_zone, config_drive
//     (ignored: stored, not filterable here), key_name, power_state,
//     task_state, vm_state and user_id too.
func serverFilters59(r *http.Request, admin bool, f *store.InstanceFilter) error {
	q := r.URL.Query()
	if !atLeast(r, 66) {
		f.ChangesBefore = nil
	}
	if atLeast(r, 73) && q.Has("locked") {
		v := strings.ToLower(q.Get("locked"))
		var b bool
		switch v {
		case "true", "1", "t", "yes", "y", "on":
			b = true
		case "false", "0", "f", "no", "n", "off":
		default:
			return invalid("Unrecognized value '%s', acceptable values are: '0', '1', 'f', 'false', 'n', 'no', 'off', 'on', 't', 'true', 'y', 'yes'", q.Get("locked"))
		}
		f.Locked = &b
	}
	if admin || !atLeast(r, 83) {
		return nil
	}
	if v := q.Get("availability_zone"); v != "" {
		f.AvailabilityZone = v
	}
	if v := q.Get("key_name"); v != "" {
		f.KeyName = v
	}
	if v := q.Get("user_id"); v != "" {
		f.UserID = v
	}
	f.VMStates = append(f.VMStates, q["vm_state"]...)
	f.TaskStates = append(f.TaskStates, q["task_state"]...)
	for _, v := range q["power_state"] {
		if n, err := strconv.Atoi(v); err == nil {
			f.PowerStates = append(f.PowerStates, n)
		}
	}
	return nil
}
