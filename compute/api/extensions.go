package api

import (
	"net/http"

	"github.com/go-chi/chi/v5"

	"github.com/gostack/gostack/services/fault"
	"github.com/gostack/gostack/services/httpapi"
)

// extension is one entry of nova's (deprecated, frozen) extension list:
// the v2.1 API has no extensions any more, but clients still read the
// list to learn what a cloud serves.
type extension struct{ alias, name, description string }

// extensions are those of nova's list whose API this nova serves.
var extensions = []extension{
	{"os-admin-actions", "AdminActions", "Enable admin-only server actions."},
	{"os-aggregates", "Aggregates", "Admin-only aggregate administration."},
	{"os-attach-interfaces", "AttachInterfaces", "Attach interface support."},
	{"os-availability-zone", "AvailabilityZone", "Availability zones: in server create and listed."},
	{"os-config-drive", "ConfigDrive", "Config drive in server create."},
	{"os-console-auth-tokens", "ConsoleAuthTokens", "Console token authentication details."},
	{"os-console-output", "ConsoleOutput", "Console log output of a server."},
	{"os-consoles", "Consoles", "Interactive console support."},
	{"os-extended-availability-zone", "ExtendedAvailabilityZone", "The server's availability zone in its details."},
	{"os-extended-server-attributes", "ExtendedServerAttributes", "Extended server attributes for admins."},
	{"os-extended-status", "ExtendedStatus", "Extended status in server details."},
	{"os-extended-volumes", "ExtendedVolumes", "Attached volumes in server details."},
	{"OS-EXT-IPS", "ExtendedIps", "Address types in server addresses."},
	{"OS-EXT-IPS-MAC", "ExtendedIpsMac", "MAC addresses in server addresses."},
	{"os-flavor-access", "FlavorAccess", "Flavor access (private flavors)."},
	{"os-flavor-extra-specs", "FlavorExtraSpecs", "Flavor extra specs."},
	{"os-flavor-manage", "FlavorManage", "Flavor create and delete."},
	{"OS-FLV-DISABLED", "FlavorDisabled", "Disabled flag of flavors."},
	{"OS-FLV-EXT-DATA", "FlavorExtraData", "Ephemeral disk size of flavors."},
	{"os-flavor-rxtx", "FlavorRxtx", "rxtx_factor of flavors."},
	{"flavors", "Flavors", "Flavors."},
	{"os-hide-server-addresses", "HideServerAddresses", "Server addresses hidden in some states."},
	{"os-hosts", "Hosts", "Admin-only host administration."},
	{"os-hypervisors", "Hypervisors", "Admin-only hypervisor administration."},
	{"os-instance-actions", "InstanceActions", "Actions taken on servers and their events."},
	{"os-instance_usage_audit_log", "OSInstanceUsageAuditLog", "Admin-only usage audit log."},
	{"images", "Images", "Image proxy to the image service (to 2.35)."},
	{"image-metadata", "ImageMetadata", "Image metadata proxy (to 2.35)."},
	{"OS-EXT-IMG-SIZE", "ImageSize", "Image size in image details."},
	{"ips", "Ips", "Server addresses."},
	{"os-keypairs", "Keypairs", "Key pairs."},
	{"limits", "Limits", "Limits."},
	{"os-lock-server", "LockServer", "Lock and unlock servers."},
	{"os-multiple-create", "MultipleCreate", "min_count and max_count in server create."},
	{"os-pause-server", "PauseServer", "Pause and unpause servers."},
	{"os-quota-class-sets", "QuotaClasses", "Quota classes."},
	{"os-quota-sets", "Quotas", "Quotas."},
	{"os-remote-consoles", "RemoteConsoles", "Remote consoles through a proxy."},
	{"OS-SCH-HNT", "SchedulerHints", "Scheduler hints in server create."},
	{"os-server-diagnostics", "ServerDiagnostics", "Server diagnostics for admins."},
	{"os-server-groups", "ServerGroups", "Server groups."},
	{"server-metadata", "ServerMetadata", "Server metadata."},
	{"os-server-password", "ServerPassword", "Server password."},
	{"os-server-usage", "ServerUsage", "Launch and termination times in server details."},
	{"servers", "Servers", "Servers."},
	{"os-services", "Services", "Compute services."},
	{"os-simple-tenant-usage", "SimpleTenantUsage", "Simple usage per project."},
	{"os-suspend-server", "SuspendServer", "Suspend and resume servers."},
	{"os-used-limits", "UsedLimits", "Usage in limits."},
	{"os-user-data", "UserData", "user_data in server create."},
	{"versions", "Versions", "API versions."},
}

func (e extension) view() map[string]any {
	return map[string]any{
		"alias": e.alias, "name": e.name, "description": e.description, "links": []any{},
		"namespace": "http://docs.openstack.org/compute/ext/fake_xml", "updated": "2014-12-03T00:00:00Z",
	}
}

// listExtensions is api-ref "List Extensions".
func (a *API) listExtensions(w http.ResponseWriter, r *http.Request) {
	c, err := callerOf(r)
	if err != nil {
		writeErr(w, r, err)
		return
	}
	if err := a.can(c, "os_compute_api:extensions", nil); err != nil {
		writeErr(w, r, err)
		return
	}
	out := make([]map[string]any, 0, len(extensions))
	for _, e := range extensions {
		out = append(out, e.view())
	}
	httpapi.WriteJSON(w, r, http.StatusOK, map[string]any{"extensions": out})
}

// showExtension is api-ref "Show Extension Details".
func (a *API) showExtension(w http.ResponseWriter, r *http.Request) {
	c, err := callerOf(r)
	if err != nil {
		writeErr(w, r, err)
		return
	}
	if err := a.can(c, "os_compute_api:extensions", nil); err != nil {
		writeErr(w, r, err)
		return
	}
	alias := chi.URLParam(r, "alias")
	for _, e := range extensions {
		if e.alias == alias {
			httpapi.WriteJSON(w, r, http.StatusOK, map[string]any{"extension": e.view()})
			return
		}
	}
	writeErr(w, r, fault.New(fault.NotFound, httpapi.MsgNotFound))
}
