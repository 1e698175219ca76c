package api

import (
	"context"
	"net/http"
	"slices"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/gostack/gostack/compute/computeapi"
	"github.com/gostack/gostack/compute/network/rpcapi"
	"github.com/gostack/gostack/compute/objects"
	"github.com/gostack/gostack/services/fault"
	"github.com/gostack/gostack/services/httpapi"
)

// InterfaceCompute is what the API asks nova-compute hosts about NICs
// (*computeapi.Client has it; checked by type assertion so fakes of
// Compute need not).
type InterfaceCompute interface {
	AttachInterface(ctx context.Context, a computeapi.AttachInterfaceArgs) (computeapi.AttachInterfaceReply, error)
	DetachInterface(ctx context.Context, a computeapi.DetachInterfaceArgs) error
}

var _ InterfaceCompute = (*computeapi.Client)(nil)

// PortReader is what the API reads of the network service's ports for
// os-interface (*rpcapi.Client has it; checked by type assertion).
type PortReader interface {
	ShowPort(ctx context.Context, id string) (rpcapi.Port, error)
	ListPorts(ctx context.Context, device string) ([]rpcapi.Port, error)
}

var _ PortReader = (*rpcapi.Client)(nil)

// interfaceCallTimeout bounds an attach or detach on the host (a running
// guest may take a while to release a NIC).
const interfaceCallTimeout = 3 * time.Minute

// States an interface can be attached or detached in (nova's
// check_instance_state of attach_interface/detach_interface).
var interfaceVMStates = []string{objects.VMActive, objects.VMPaused, objects.VMStopped}

func (a *API) interfaceRoutes(r chi.Router) {
	r.Get("/servers/{server_id}/os-interface", a.listInterfaces)
	r.Post("/servers/{server_id}/os-interface", a.attachInterface)
	r.Get("/servers/{server_id}/os-interface/{port_id}", a.showInterface)
	r.Delete("/servers/{server_id}/os-interface/{port_id}", a.detachInterface)
}

func (a *API) portReader() (PortReader, error) {
	pr, ok := a.network.(PortReader)
	if a.network == nil || !ok {
		return nil, fault.New(fault.NotImplemented, "Network driver does not support this function.")
	}
	return pr, nil
}

// interfaceView is nova's interfaceAttachment view of a port: the tag
// from 2.70.
func interfaceView(r *http.Request, p rpcapi.Port, tags map[string]string) map[string]any {
	ips := make([]map[string]any, 0, len(p.FixedIPs))
	for _, f := range p.FixedIPs {
		ips = append(ips, map[string]any{"subnet_id": f.SubnetID, "ip_address": f.IPAddress})
	}
	m := map[string]any{"net_id": p.NetworkID, "port_id": p.ID, "mac_addr": p.MAC, "port_state": p.Status, "fixed_ips": ips}
	if atLeast(r, 70) {
		var tag any
		if t := tags[p.ID]; t != "" {
			tag = t
		}
		m["tag"] = tag
	}
	return m
}

// listInterfaces is api-ref "List Port Interfaces": the ports whose
// device is the server.
func (a *API) listInterfaces(w http.ResponseWriter, r *http.Request) {
	c, err := callerOf(r)
	if err != nil {
		writeErr(w, r, err)
		return
	}
	in, err := a.instanceFor(r, c, "os_compute_api:os-attach-interfaces:list")
	if err != nil {
		writeErr(w, r, err)
		return
	}
	pr, err := a.portReader()
	if err != nil {
		writeErr(w, r, err)
		return
	}
	ctx, cancel := context.WithTimeout(rpcCtx(r), networkTimeout)
	defer cancel()
	ports, err := pr.ListPorts(ctx, in.UUID)
	if err != nil {
		writeErr(w, r, err)
		return
	}
	tags := interfaceTags(in)
	items := make([]map[string]any, 0, len(ports))
	for _, p := range ports {
		items = append(items, interfaceView(r, p, tags))
	}
	httpapi.WriteJSON(w, r, http.StatusOK, map[string]any{"interfaceAttachments": items})
}

// showInterface is api-ref "Show Port Interface Details".
func (a *API) showInterface(w http.ResponseWriter, r *http.Request) {
	c, err := callerOf(r)
	if err != nil {
		writeErr(w, r, err)
		return
	}
	in, err := a.instanceFor(r, c, "os_compute_api:os-attach-interfaces:show")
	if err != nil {
		writeErr(w, r, err)
		return
	}
	a.writeInterface(w, r, c, in, chi.URLParam(r, "port_id"))
}

// writeInterface answers the server's port: nova's 404s for a port the
// caller cannot see and for one of another device.
func (a *API) writeInterface(w http.ResponseWriter, r *http.Request, c caller, in objects.Instance, portID string) {
	pr, err := a.portReader()
	if err != nil {
		writeErr(w, r, err)
		return
	}
	ctx, cancel := context.WithTimeout(rpcCtx(r), networkTimeout)
	defer cancel()
	p, err := pr.ShowPort(ctx, portID)
	if err == nil && p.ProjectID != c.ProjectID && !c.IsAdmin {
		err = fault.New(fault.NotFound, "Port id %s could not be found.", portID)
	}
	if err != nil {
		writeErr(w, r, err)
		return
	}
	if p.DeviceID != in.UUID {
		writeErr(w, r, fault.New(fault.NotFound, "Instance %s does not have a port with id %s", in.UUID, portID))
		return
	}
	httpapi.WriteJSON(w, r, http.StatusOK, map[string]any{"interfaceAttachment": interfaceView(r, p, interfaceTags(in))})
}

// interfaceTarget checks what attach and detach share (nova's
// check_instance_lock and check_instance_state) and returns the host's
// client.
func (a *API) interfaceTarget(c caller, in objects.Instance, method string) (InterfaceCompute, error) {
	if err := a.checkLocked(c, in); err != nil {
		return nil, err
	}
	if !slices.Contains(interfaceVMStates, in.VMState) {
		return nil, invalidState(method, in, false)
	}
	if in.TaskState != "" {
		return nil, invalidState(method, in, true)
	}
	ic, ok := a.compute.(InterfaceCompute)
	if !ok || a.network == nil {
		return nil, fault.New(fault.NotImplemented, "Network driver does not support this function.")
	}
	return ic, nil
}

// attachInterface is api-ref "Create Interface": the server's host has
// the network service bind the user's port (or make one on the network)
// and hot-plugs the NIC, answering when it is plugged. nova's errors: a
// port or network the project cannot see 404, a port in use 409, both a
// port and a network 400.
func (a *API) attachInterface(w http.ResponseWriter, r *http.Request) {
	c, err := callerOf(r)
	if err != nil {
		writeErr(w, r, err)
		return
	}
	in, err := a.instanceFor(r, c, "os_compute_api:os-attach-interfaces:create")
	if err != nil {
		writeErr(w, r, err)
		return
	}
	req, err := parseInterfaceAttachment(r)
	if err != nil {
		writeErr(w, r, err)
		return
	}
	ic, err := a.interfaceTarget(c, in, "attach_interface")
	if err != nil {
		writeErr(w, r, err)
		return
	}
	ctx := r.Context()
	if _, err := a.store.CreateAction(ctx, in.UUID, a.action(r, c, "attach_interface")); err != nil {
		writeErr(w, r, err)
		return
	}
	// The request is recorded before the host binds the port, so a
	// delete meanwhile releases it as it should; a failed attach puts
	// back what was there.
	var before, recorded string
	changed := false
	in, err = a.store.UpdateSystemMetadata(ctx, in.UUID, func(sys map[string]string) error {
		var rerr error
		before = sys[rpcapi.SysMetaKey]
		changed, rerr = recordInterfaceRequest(sys, req)
		recorded = sys[rpcapi.SysMetaKey]
		return rerr
	})
	if err != nil {
		writeErr(w, r, err)
		return
	}
	cctx, cancel := context.WithTimeout(rpcCtx(r), interfaceCallTimeout)
	defer cancel()
	reply, err := ic.AttachInterface(cctx, computeapi.AttachInterfaceArgs{Instance: in, NetworkID: req.NetworkID,
		PortID: req.PortID, RequestedIP: req.IP, Tag: req.Tag})
	if err != nil {
		if changed {
			a.restoreRequest(r, in.UUID, before, recorded)
		}
		writeErr(w, r, err)
		return
	}
	if req.Tag != "" {
		in, err = a.store.UpdateSystemMetadata(ctx, in.UUID, func(sys map[string]string) error {
			return setInterfaceTag(sys, reply.PortID, req.Tag)
		})
		if err != nil {
			writeErr(w, r, err)
			return
		}
	}
	a.writeInterface(w, r, c, in, reply.PortID)
}

// restoreRequest puts back the network request an attach that failed
// had recorded (unless it changed since).
func (a *API) restoreRequest(r *http.Request, uuid, before, recorded string) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), networkTimeout)
	defer cancel()
	_, err := a.store.UpdateSystemMetadata(ctx, uuid, func(sys map[string]string) error {
		if sys[rpcapi.SysMetaKey] != recorded {
			return nil
		}
		if before == "" {
			delete(sys, rpcapi.SysMetaKey)
		} else {
			sys[rpcapi.SysMetaKey] = before
		}
		return nil
	})
	if err != nil {
		a.log.ErrorContext(ctx, "nova-api: could not put back the network request of a failed interface attach", "instance", uuid, "error", err)
	}
}

// detachInterface is api-ref "Detach Interface": the server's host
// unplugs the NIC and releases the port (deleted when nova made it,
// unbound and kept when the user did). Here the detach is a call, so a
// port the server does not have is a 404 at once (nova casts and records
// the failure in the action's events).
func (a *API) detachInterface(w http.ResponseWriter, r *http.Request) {
	c, err := callerOf(r)
	if err != nil {
		writeErr(w, r, err)
		return
	}
	in, err := a.instanceFor(r, c, "os_compute_api:os-attach-interfaces:delete")
	if err != nil {
		writeErr(w, r, err)
		return
	}
	ic, err := a.interfaceTarget(c, in, "detach_interface")
	if err != nil {
		writeErr(w, r, err)
		return
	}
	portID := chi.URLParam(r, "port_id")
	ctx := r.Context()
	if _, err := a.store.CreateAction(ctx, in.UUID, a.action(r, c, "detach_interface")); err != nil {
		writeErr(w, r, err)
		return
	}
	cctx, cancel := context.WithTimeout(rpcCtx(r), interfaceCallTimeout)
	defer cancel()
	if err := ic.DetachInterface(cctx, computeapi.DetachInterfaceArgs{Instance: in, PortID: portID}); err != nil {
		writeErr(w, r, err)
		return
	}
	if _, err := a.store.UpdateSystemMetadata(ctx, in.UUID, func(sys map[string]string) error {
		return setInterfaceTag(sys, portID, "")
	}); err != nil {
		a.log.WarnContext(ctx, "nova-api: could not drop a detached interface's tag", "instance", in.UUID, "port", portID, "error", err)
	}
	w.WriteHeader(http.StatusAccepted)
}
