package api

import (
	"context"
	"net/http"
	"strings"

	"github.com/gostack/gostack/compute/network/rpcapi"
	"github.com/gostack/gostack/services/fault"
)

// securityGroupAction serves addSecurityGroup and removeSecurityGroup
// ({"addSecurityGroup": {"name": "web"}}): the network service adds the
// group (by name or id, of the server's project) to every port of the
// server, or removes it, and the hosts' agents apply it. 202; 404 for an
// unknown group or a server without ports, 400 for a group the server
// does not have (remove) or a port without port security (add), 409 for
// a name that matches several groups. False when name is another action.
func (a *API) securityGroupAction(w http.ResponseWriter, r *http.Request, c caller, name string, arg any) bool {
	remove := false
	switch name {
	case "addSecurityGroup":
	case "removeSecurityGroup":
		remove = true
	default:
		return false
	}
	rule := "os_compute_api:os-security-groups:add"
	if remove {
		rule = "os_compute_api:os-security-groups:remove"
	}
	in, err := a.instanceFor(r, c, rule)
	if err != nil {
		writeErr(w, r, err)
		return true
	}
	m, ok := arg.(map[string]any)
	if !ok {
		writeErr(w, r, invalid("Missing parameter dict"))
		return true
	}
	group, _ := m["name"].(string)
	if strings.TrimSpace(group) == "" {
		writeErr(w, r, invalid("Security group name cannot be empty"))
		return true
	}
	if a.network == nil {
		writeErr(w, r, fault.New(fault.NotFound, "instance_id %s could not be found as device id on any ports", in.UUID))
		return true
	}
	ctx, cancel := context.WithTimeout(rpcCtx(r), networkTimeout)
	defer cancel()
	err = a.network.InstanceGroup(ctx, rpcapi.InstanceGroupArgs{InstanceUUID: in.UUID, ProjectID: in.ProjectID, Group: group, Remove: remove})
	if err != nil {
		writeErr(w, r, err)
		return true
	}
	w.WriteHeader(http.StatusAccepted)
	return true
}
