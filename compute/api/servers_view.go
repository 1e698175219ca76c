package api

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"time"

	"github.com/gostack/gostack/compute/network/rpcapi"
	"github.com/gostack/gostack/compute/objects"
	"github.com/gostack/gostack/services/httpapi/timefmt"
	"github.com/gostack/gostack/services/servicegroup"
)

// viewCtx is what rendering a page of servers needs once: the caller's
// view rights and the related rows of every server on the page.
type viewCtx struct {
	c              caller
	extendedAttrs  bool
	extraSpecs     bool
	hostStatus     int // 0 none, 1 unknown only, 2 all
	faults         map[string]objects.Fault
	bdms           map[string][]objects.BlockDeviceMapping
	computeService map[string]servicegroup.Service
	// vifs are the page's ports by instance (nil: ask per server).
	vifs map[string][]rpcapi.VIF
	// ownVIFs are those asked per server, kept for the second use.
	ownVIFs map[string][]rpcapi.VIF
	// groupNames are the names of the security groups of the page's
	// ports by id, looked up once (nil: not yet).
	groupNames map[string]string
	now        time.Time
	// updateView is nova's PUT /servers/{id} response below 2.75: no
	// AZ, config drive, key, usage, extended status, attributes,
	// volumes or host status.
	updateView bool
}

func (a *API) newViewCtx(r *http.Request, c caller, list []objects.Instance, target map[string]any) (*viewCtx, error) {
	v := &viewCtx{c: c, now: a.now()}
	var tgt map[string]any
	if target != nil {
		tgt = target
	}
	v.extendedAttrs = a.allowed(c, "os_compute_api:os-extended-server-attributes", tgt)
	if atLeast(r, 47) {
		v.extraSpecs = a.allowed(c, "os_compute_api:servers:show:flavor-extra-specs", tgt)
	}
	if atLeast(r, 16) {
		switch {
		case a.allowed(c, "os_compute_api:servers:show:host_status", tgt):
			v.hostStatus = 2
		case a.allowed(c, "os_compute_api:servers:show:host_status:unknown-only", tgt):
			v.hostStatus = 1
		}
	}
	uuids := make([]string, len(list))
	var failed []string
	for i, in := range list {
		uuids[i] = in.UUID
		if s := in.Status(); s == "ERROR" || s == "DELETED" || in.Deleted() {
			failed = append(failed, in.UUID)
		}
	}
	var err error
	if v.faults, err = a.store.LatestFaults(r.Context(), failed); err != nil {
		return nil, err
	}
	if v.bdms, err = a.store.BlockDeviceMappings(r.Context(), uuids); err != nil {
		return nil, err
	}
	if v.computeService, err = a.computeServices(r.Context()); err != nil {
		return nil, err
	}
	if len(list) > 1 {
		v.vifs = a.vifsOfAll(r, list)
	}
	return v, nil
}

// computeServices returns the nova-compute services by host.
func (a *API) computeServices(ctx context.Context) (map[string]servicegroup.Service, error) {
	list, err := a.services.List(ctx, servicegroup.Filter{Binary: "nova-compute"})
	if err != nil {
		return nil, err
	}
	out := make(map[string]servicegroup.Service, len(list))
	for _, s := range list {
		out[s.Host] = s
	}
	return out, nil
}

// hostStatus is nova's get_instance_host_status.
func (a *API) hostStatus(v *viewCtx, in objects.Instance) string {
	if in.Host == "" {
		return ""
	}
	svc, ok := v.computeService[in.Host]
	switch {
	case !ok:
		return "UNKNOWN"
	case svc.ForcedDown:
		return "DOWN"
	case svc.Disabled:
		return "MAINTENANCE"
	case servicegroup.IsUp(svc, v.now, a.set.ServiceDownTime):
		return "UP"
	}
	return "UNKNOWN"
}

// hostID is nova's generate_hostid: sha224 of project and host.
func hostID(host, project string) string {
	if host == "" {
		return ""
	}
	sum := sha256.Sum224([]byte(project + host))
	return hex.EncodeToString(sum[:])
}

func (a *API) instanceZone(v *viewCtx, in objects.Instance) string {
	if in.AvailabilityZone != "" {
		return in.AvailabilityZone
	}
	if in.Host != "" {
		if svc, ok := v.computeService[in.Host]; ok {
			return a.serviceZone(svc) // an aggregate's zone first (aggregates.go)
		}
		return a.set.DefaultAvailabilityZone
	}
	return ""
}

// serverBasic is the entry of "List Servers".
func serverBasic(r *http.Request, in objects.Instance) map[string]any {
	return map[string]any{"id": in.UUID, "name": in.Name, "links": links(r, "servers", in.UUID)}
}

// serverView is "Show Server Details" at the request's microversion.
func (a *API) serverView(r *http.Request, v *viewCtx, in objects.Instance) map[string]any {
	status := in.Status()
	if in.Deleted() {
		status = "DELETED"
	}
	s := map[string]any{
		"id":                          in.UUID,
		"name":                        in.Name,
		"status":                      status,
		"tenant_id":                   in.ProjectID,
		"user_id":                     in.UserID,
		"metadata":                    orEmpty(in.Metadata),
		"hostId":                      hostID(in.Host, in.ProjectID),
		"created":                     timefmt.Seconds(in.CreatedAt),
		"updated":                     timefmt.Seconds(updatedOf(in)),
		"addresses":                   a.addressesOf(r, v, in),
		"accessIPv4":                  in.SystemMetadata["access_ip_v4"],
		"accessIPv6":                  in.SystemMetadata["access_ip_v6"],
		"links":                       links(r, "servers", in.UUID),
		"OS-DCF:diskConfig":           diskConfigOf(in),
		"OS-EXT-AZ:availability_zone": a.instanceZone(v, in),
		"config_drive":                configDrive(in),
		"key_name":                    nullable(in.KeyName),
		"OS-SRV-USG:launched_at":      timefmt.Nullable(timefmt.Naive, in.LaunchedAt),
		"OS-SRV-USG:terminated_at":    timefmt.Nullable(timefmt.Naive, in.TerminatedAt),
		"OS-EXT-STS:task_state":       nullable(in.TaskState),
		"OS-EXT-STS:vm_state":         in.VMState,
		"OS-EXT-STS:power_state":      in.PowerState,
	}
	if in.ImageRef != "" {
		s["image"] = map[string]any{"id": in.ImageRef, "links": bookmark(r, "images", in.ImageRef)}
	} else {
		s["image"] = ""
	}
	if atLeast(r, 47) {
		f := map[string]any{"vcpus": in.Flavor.VCPUs, "ram": in.Flavor.MemoryMB, "disk": in.Flavor.RootGB,
			"ephemeral": in.Flavor.EphemeralGB, "swap": in.Flavor.Swap, "original_name": in.Flavor.Name}
		if v.extraSpecs {
			f["extra_specs"] = orEmpty(in.Flavor.ExtraSpecs)
		}
		s["flavor"] = f
	} else {
		s["flavor"] = map[string]any{"id": in.Flavor.FlavorID, "links": bookmark(r, "flavors", in.Flavor.FlavorID)}
	}
	if status == "ERROR" || status == "DELETED" {
		if f, ok := v.faults[in.UUID]; ok {
			fv := map[string]any{"code": f.Code, "created": timefmt.Seconds(f.CreatedAt), "message": f.Message}
			if f.Details != "" && (v.c.IsAdmin || f.Code != 500) {
				fv["details"] = f.Details
			}
			s["fault"] = fv
		}
	}
	switch status {
	case "ACTIVE", "BUILD", "REBUILD", "RESIZE", "VERIFY_RESIZE", "MIGRATING":
		s["progress"] = in.Progress
	}
	if v.updateView {
		for _, k := range []string{"OS-EXT-AZ:availability_zone", "config_drive", "key_name", "OS-SRV-USG:launched_at",
			"OS-SRV-USG:terminated_at", "OS-EXT-STS:task_state", "OS-EXT-STS:vm_state", "OS-EXT-STS:power_state"} {
			delete(s, k)
		}
		a.addVersioned(r, s, in)
		return s
	}
	if v.extendedAttrs {
		s["OS-EXT-SRV-ATTR:host"] = nullable(in.Host)
		s["OS-EXT-SRV-ATTR:instance_name"] = instanceName(in)
		s["OS-EXT-SRV-ATTR:hypervisor_hostname"] = nullable(in.Node)
		if atLeast(r, 3) {
			s["OS-EXT-SRV-ATTR:reservation_id"] = in.ReservationID
			s["OS-EXT-SRV-ATTR:launch_index"] = in.LaunchIndex
			s["OS-EXT-SRV-ATTR:hostname"] = in.Hostname
			s["OS-EXT-SRV-ATTR:kernel_id"] = ""
			s["OS-EXT-SRV-ATTR:ramdisk_id"] = ""
			s["OS-EXT-SRV-ATTR:root_device_name"] = nullable(in.RootDeviceName)
			s["OS-EXT-SRV-ATTR:user_data"] = nullable(in.UserData)
		}
	}
	vols := []map[string]any{}
	for _, b := range v.bdms[in.UUID] {
		if b.VolumeID == "" || b.DestinationType != objects.DestinationVolume {
			continue
		}
		e := map[string]any{"id": b.VolumeID}
		if atLeast(r, 3) {
			e["delete_on_termination"] = b.DeleteOnTermination
		}
		vols = append(vols, e)
	}
	s["os-extended-volumes:volumes_attached"] = vols
	if groups := a.securityGroupsOf(r, v, in); len(groups) > 0 {
		s["security_groups"] = groups
	}
	if v.hostStatus > 0 {
		hs := a.hostStatus(v, in)
		if v.hostStatus == 2 || hs == "UNKNOWN" {
			s["host_status"] = hs
		}
	}
	a.addVersioned(r, s, in)
	return s
}

// addVersioned adds the fields later microversions brought.
func (a *API) addVersioned(r *http.Request, s map[string]any, in objects.Instance) {
	if atLeast(r, 9) {
		s["locked"] = in.Locked
	}
	if atLeast(r, 19) {
		s["description"] = nullable(in.Description)
	}
	if atLeast(r, 26) {
		tags := in.Tags
		if tags == nil {
			tags = []string{}
		}
		s["tags"] = tags
	}
	addServerFields59(r, s, in) // microversions_servers.go
}

func updatedOf(in objects.Instance) time.Time {
	if in.UpdatedAt != nil {
		return *in.UpdatedAt
	}
	return in.CreatedAt
}

func configDrive(in objects.Instance) string {
	if in.ConfigDrive {
		return "True"
	}
	return ""
}

// instanceName is nova's instance_name_template, instance-%08x.
func instanceName(in objects.Instance) string {
	const hexdigits = "0123456789abcdef"
	b := make([]byte, 8)
	id := in.ID
	for i := 7; i >= 0; i-- {
		b[i] = hexdigits[id&0xf]
		id >>= 4
	}
	return "instance-" + string(b)
}

func orEmpty(m map[string]string) map[string]string {
	if m == nil {
		return map[string]string{}
	}
	return m
}
