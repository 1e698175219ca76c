package api

import (
	"context"
	"net/http"
	"regexp"
	"slices"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/google/uuid"

	"github.com/gostack/gostack/compute/computeapi"
	"github.com/gostack/gostack/compute/objects"
	"github.com/gostack/gostack/compute/store"
	"github.com/gostack/gostack/compute/volumeapi"
	"github.com/gostack/gostack/services/fault"
	"github.com/gostack/gostack/services/httpapi"
)

// VolumeCompute is what the API asks nova-compute hosts about volumes
// (*computeapi.Client has it; checked by type assertion so fakes of
// Compute need not).
type VolumeCompute interface {
	AttachVolume(ctx context.Context, inst objects.Instance, bdm objects.BlockDeviceMapping) (computeapi.AttachVolumeReply, error)
	DetachVolume(ctx context.Context, inst objects.Instance, bdm objects.BlockDeviceMapping) error
	ExternalInstanceEvent(ctx context.Context, host string, args computeapi.ExternalInstanceEventArgs) error
}

var _ VolumeCompute = (*computeapi.Client)(nil)

// volumeCallTimeout bounds an attach or detach on the host (a running
// guest may take a while to release a disk).
const volumeCallTimeout = 3 * time.Minute

func (a *API) volumeRoutes(r chi.Router) {
	r.Get("/servers/{server_id}/os-volume_attachments", a.listVolumeAttachments)
	r.Post("/servers/{server_id}/os-volume_attachments", a.attachVolume)
	r.Get("/servers/{server_id}/os-volume_attachments/{volume_id}", a.showVolumeAttachment)
	r.Put("/servers/{server_id}/os-volume_attachments/{volume_id}", a.updateVolumeAttachment)
	r.Delete("/servers/{server_id}/os-volume_attachments/{volume_id}", a.detachVolume)
	r.Post("/os-server-external-events", a.externalEvents)
}

// States a volume can be attached or detached in (nova's
// check_instance_state of attach_volume/detach_volume).
var volumeVMStates = []string{objects.VMActive, objects.VMPaused, objects.VMStopped, objects.VMResized,
	objects.VMSoftDeleted, objects.VMShelved, objects.VMShelvedOffloaded}

func (a *API) volumeCompute() (VolumeCompute, error) {
	vc, ok := a.compute.(VolumeCompute)
	if !ok || a.volumes == nil {
		return nil, fault.New(fault.NotImplemented, "This cloud's compute API has no block storage service configured.")
	}
	return vc, nil
}

// volumeAttachmentView is nova's volumeAttachment view at the request's
// microversion.
func volumeAttachmentView(r *http.Request, b objects.BlockDeviceMapping) map[string]any {
	m := map[string]any{"volumeId": b.VolumeID, "serverId": b.InstanceUUID}
	var dev any
	if b.DeviceName != "" {
		dev = b.DeviceName
	}
	m["device"] = dev
	if atLeast(r, 70) {
		var tag any
		if b.Tag != "" {
			tag = b.Tag
		}
		m["tag"] = tag
	}
	if atLeast(r, 79) {
		m["delete_on_termination"] = b.DeleteOnTermination
	}
	if atLeast(r, 89) {
		m["attachment_id"] = b.AttachmentID
		m["bdm_uuid"] = b.UUID
	} else {
		m["id"] = b.VolumeID
	}
	return m
}

// volumeBDMs are the instance's volume mappings.
func (a *API) volumeBDMs(ctx context.Context, uuid string) ([]objects.BlockDeviceMapping, error) {
	all, err := a.store.BlockDeviceMappings(ctx, []string{uuid})
	if err != nil {
		return nil, err
	}
	var out []objects.BlockDeviceMapping
	for _, b := range all[uuid] {
		if b.DestinationType == objects.DestinationVolume && b.VolumeID != "" {
			out = append(out, b)
		}
	}
	return out, nil
}

// listVolumeAttachments is api-ref "List volume attachments for an instance".
func (a *API) listVolumeAttachments(w http.ResponseWriter, r *http.Request) {
	c, err := callerOf(r)
	if err != nil {
		writeErr(w, r, err)
		return
	}
	in, err := a.instanceFor(r, c, "os_compute_api:os-volumes-attachments:index")
	if err != nil {
		writeErr(w, r, err)
		return
	}
	bdms, err := a.volumeBDMs(r.Context(), in.UUID)
	if err != nil {
		writeErr(w, r, err)
		return
	}
	items := []map[string]any{}
	for _, b := range bdms {
		items = append(items, volumeAttachmentView(r, b))
	}
	httpapi.WriteJSON(w, r, http.StatusOK, map[string]any{"volumeAttachments": items})
}

func notAttached(server, volume string) error {
	return fault.New(fault.NotFound, "Instance %s is not attached to volume %s", server, volume)
}

// showVolumeAttachment is api-ref "Show a detail of a volume attachment".
func (a *API) showVolumeAttachment(w http.ResponseWriter, r *http.Request) {
	c, err := callerOf(r)
	if err != nil {
		writeErr(w, r, err)
		return
	}
	in, err := a.instanceFor(r, c, "os_compute_api:os-volumes-attachments:show")
	if err != nil {
		writeErr(w, r, err)
		return
	}
	volumeID := chi.URLParam(r, "volume_id")
	bdms, err := a.volumeBDMs(r.Context(), in.UUID)
	if err != nil {
		writeErr(w, r, err)
		return
	}
	for _, b := range bdms {
		if b.VolumeID == volumeID {
			httpapi.WriteJSON(w, r, http.StatusOK, map[string]any{"volumeAttachment": volumeAttachmentView(r, b)})
			return
		}
	}
	writeErr(w, r, notAttached(in.UUID, volumeID))
}

var devicePattern = regexp.MustCompile(`(^/dev/x{0,1}[a-z]{0,1}d{0,1})([a-z]+)[0-9]*$`)

// attachVolume is api-ref "Attach a volume to an instance": Cinder
// reserves the volume for the server (an attachment), the server's host
// connects and hot-plugs it (live and in the guest's definition) and
// completes the attachment. A volume attached elsewhere (and not
// multiattach) is refused by Cinder: 400 as nova's InvalidInput.
func (a *API) attachVolume(w http.ResponseWriter, r *http.Request) {
	c, err := callerOf(r)
	if err != nil {
		writeErr(w, r, err)
		return
	}
	in, err := a.instanceFor(r, c, "os_compute_api:os-volumes-attachments:create")
	if err != nil {
		writeErr(w, r, err)
		return
	}
	b, err := decodeBody(r, "volumeAttachment")
	if err != nil {
		writeErr(w, r, err)
		return
	}
	allowed := []string{"volumeId", "device"}
	if atLeast(r, 49) {
		allowed = append(allowed, "tag")
	}
	if atLeast(r, 79) {
		allowed = append(allowed, "delete_on_termination")
	}
	if err := b.only("volumeAttachment", allowed...); err != nil {
		writeErr(w, r, err)
		return
	}
	volumeID, _, err := b.str("volumeId", true, false, 0, 0)
	if err != nil {
		writeErr(w, r, err)
		return
	}
	if _, perr := uuid.Parse(volumeID); perr != nil || len(volumeID) != 36 {
		writeErr(w, r, badField("volumeId", volumeID, "%s is not a 'uuid'", repr(volumeID)))
		return
	}
	device, _, err := b.str("device", false, true, 0, 0)
	if err != nil {
		writeErr(w, r, err)
		return
	}
	if device != "" && !devicePattern.MatchString(device) {
		writeErr(w, r, badField("device", device, "%s does not match '(^/dev/x{0,1}[a-z]{0,1}d{0,1})([a-z]+)[0-9]*$'", repr(device)))
		return
	}
	tag, _, err := b.str("tag", false, false, 1, 60)
	if err != nil {
		writeErr(w, r, err)
		return
	}
	deleteOnTermination, _, err := b.boolField("delete_on_termination")
	if err != nil {
		writeErr(w, r, err)
		return
	}
	if err := a.checkLocked(c, in); err != nil {
		writeErr(w, r, err)
		return
	}
	if !slices.Contains(volumeVMStates, in.VMState) {
		writeErr(w, r, invalidState("attach_volume", in, false))
		return
	}
	if in.TaskState != "" {
		writeErr(w, r, invalidState("attach_volume", in, true))
		return
	}
	// A shelved-offloaded server (2.20+) gets the volume reserved and
	// marked attached in Cinder; the host that unshelves it connects it.
	offloaded := in.Host == "" && in.VMState == objects.VMShelvedOffloaded
	switch {
	case offloaded && !atLeast(r, 20):
		writeErr(w, r, invalidState("attach_volume", in, false))
		return
	case in.Host == "" && !offloaded:
		writeErr(w, r, fault.New(fault.Conflict, "Instance %s has no host: attaching a volume to a server that is not on a host is not supported.", in.UUID))
		return
	}
	var vc VolumeCompute
	if !offloaded {
		if vc, err = a.volumeCompute(); err != nil {
			writeErr(w, r, err)
			return
		}
	}
	ctx := r.Context()
	bdms, err := a.volumeBDMs(ctx, in.UUID)
	if err != nil {
		writeErr(w, r, err)
		return
	}
	for _, x := range bdms {
		if x.VolumeID == volumeID {
			writeErr(w, r, invalid("Invalid volume: volume %s already attached", volumeID))
			return
		}
	}
	v, err := a.volumes.Get(ctx, c.AuthToken, volumeID)
	if err != nil {
		if fault.KindOf(err) == fault.NotFound {
			err = fault.New(fault.NotFound, "Volume %s could not be found.", volumeID)
		}
		writeErr(w, r, err)
		return
	}
	if err := multiattachAllowed(r, v); err != nil {
		writeErr(w, r, err)
		return
	}
	at, err := a.volumes.AttachmentCreate(ctx, c.AuthToken, volumeID, in.UUID)
	if err != nil {
		if fault.KindOf(err) == fault.Invalid {
			err = fault.Wrap(err, fault.Invalid, "Invalid input received: %s", faultText(err))
		}
		writeErr(w, r, err)
		return
	}
	bdm, err := a.store.CreateBlockDeviceMapping(ctx, objects.BlockDeviceMapping{InstanceUUID: in.UUID,
		SourceType: objects.SourceVolume, DestinationType: objects.DestinationVolume, DeviceType: "disk",
		VolumeID: volumeID, AttachmentID: at.ID, DeviceName: device, Tag: tag, DeleteOnTermination: deleteOnTermination})
	if err != nil {
		a.undoAttach(r, c, at.ID, "")
		writeErr(w, r, err)
		return
	}
	if _, err := a.store.CreateAction(ctx, in.UUID, a.action(r, c, "attach_volume")); err != nil {
		a.undoAttach(r, c, at.ID, bdm.UUID)
		writeErr(w, r, err)
		return
	}
	if offloaded {
		if err := a.volumes.AttachmentComplete(ctx, c.AuthToken, at.ID); err != nil {
			a.undoAttach(r, c, at.ID, bdm.UUID)
			writeErr(w, r, err)
			return
		}
		httpapi.WriteJSON(w, r, http.StatusOK, map[string]any{"volumeAttachment": volumeAttachmentView(r, bdm)})
		return
	}
	cctx, cancel := context.WithTimeout(rpcCtx(r), volumeCallTimeout)
	defer cancel()
	reply, err := vc.AttachVolume(cctx, in, bdm)
	if err != nil {
		a.undoAttach(r, c, at.ID, bdm.UUID)
		writeErr(w, r, err)
		return
	}
	bdm, err = a.store.UpdateBlockDeviceMapping(ctx, in.UUID, bdm.UUID, store.BDMUpdate{DeviceName: &reply.Device, ConnectionInfo: &reply.ConnectionInfo})
	if err != nil {
		writeErr(w, r, err)
		return
	}
	httpapi.WriteJSON(w, r, http.StatusOK, map[string]any{"volumeAttachment": volumeAttachmentView(r, bdm)})
}

// multiattachAllowed refuses a multiattach volume below 2.60, as nova's
// MultiattachNotSupportedOldMicroversion.
func multiattachAllowed(r *http.Request, v volumeapi.Volume) error {
	if v.Multiattach && !atLeast(r, 60) {
		return invalid("Multiattach volumes are only supported starting with compute API version 2.60.")
	}
	return nil
}

// faultText is the user-facing message of err.
func faultText(err error) string {
	if f, ok := err.(*fault.Error); ok && f.Message != "" {
		return f.Message
	}
	return err.Error()
}

// undoAttach deletes the Cinder attachment and the mapping of a failed
// attach, so the volume is available again.
func (a *API) undoAttach(r *http.Request, c caller, attachmentID, bdmUUID string) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), time.Minute)
	defer cancel()
	if err := a.volumes.AttachmentDelete(ctx, c.AuthToken, attachmentID); err != nil {
		a.log.ErrorContext(ctx, "cannot delete the volume attachment of a failed attach", "attachment", attachmentID, "error", err.Error())
	}
	if bdmUUID != "" {
		if err := a.store.DeleteBlockDeviceMapping(ctx, bdmUUID); err != nil {
			a.log.ErrorContext(ctx, "cannot delete the block device mapping of a failed attach", "bdm", bdmUUID, "error", err.Error())
		}
	}
}

// detachVolume is api-ref "Detach a volume from an instance": the host
// unplugs the volume (waiting for a running guest to release it) and
// deletes the Cinder attachment. The root volume cannot be detached.
func (a *API) detachVolume(w http.ResponseWriter, r *http.Request) {
	c, err := callerOf(r)
	if err != nil {
		writeErr(w, r, err)
		return
	}
	in, err := a.instanceFor(r, c, "os_compute_api:os-volumes-attachments:delete")
	if err != nil {
		writeErr(w, r, err)
		return
	}
	if err := a.checkLocked(c, in); err != nil {
		writeErr(w, r, err)
		return
	}
	volumeID := chi.URLParam(r, "volume_id")
	ctx := r.Context()
	bdms, err := a.volumeBDMs(ctx, in.UUID)
	if err != nil {
		writeErr(w, r, err)
		return
	}
	var bdm *objects.BlockDeviceMapping
	for i := range bdms {
		if bdms[i].VolumeID == volumeID {
			bdm = &bdms[i]
		}
	}
	if bdm == nil {
		writeErr(w, r, notAttached(in.UUID, volumeID))
		return
	}
	if bdm.IsRoot() {
		writeErr(w, r, invalid("Cannot detach a root device volume"))
		return
	}
	if !slices.Contains(volumeVMStates, in.VMState) {
		writeErr(w, r, invalidState("detach_volume", in, false))
		return
	}
	if in.TaskState != "" {
		writeErr(w, r, invalidState("detach_volume", in, true))
		return
	}
	vc, err := a.volumeCompute()
	if err != nil {
		writeErr(w, r, err)
		return
	}
	if _, err := a.store.CreateAction(ctx, in.UUID, a.action(r, c, "detach_volume")); err != nil {
		writeErr(w, r, err)
		return
	}
	if in.Host == "" {
		if bdm.AttachmentID != "" {
			if err := a.volumes.AttachmentDelete(ctx, c.AuthToken, bdm.AttachmentID); err != nil {
				writeErr(w, r, err)
				return
			}
		}
	} else {
		cctx, cancel := context.WithTimeout(rpcCtx(r), volumeCallTimeout)
		defer cancel()
		if err := vc.DetachVolume(cctx, in, *bdm); err != nil {
			writeErr(w, r, err)
			return
		}
	}
	if err := a.store.DeleteBlockDeviceMapping(ctx, bdm.UUID); err != nil {
		writeErr(w, r, err)
		return
	}
	w.WriteHeader(http.StatusAccepted)
}

// volumeDeleter is the block storage client's volume delete.
type volumeDeleter interface {
	Delete(ctx context.Context, token, id string) error
}

// localVolumeCleanup is nova's _local_cleanup_bdm_volumes, for a server
// deleted without its host (never scheduled, or its host down): each
// volume's Cinder attachment is deleted and the delete_on_termination
// volumes with it. Failures are logged; the delete goes on.
func (a *API) localVolumeCleanup(r *http.Request, c caller, in objects.Instance) {
	if a.volumes == nil {
		return
	}
	ctx := context.WithoutCancel(r.Context())
	bdms, err := a.volumeBDMs(ctx, in.UUID)
	if err != nil {
		a.log.ErrorContext(ctx, "cannot read the volumes of a server deleted locally", "instance", in.UUID, "error", err.Error())
		return
	}
	for _, b := range bdms {
		if b.AttachmentID != "" {
			if err := a.volumes.AttachmentDelete(ctx, c.AuthToken, b.AttachmentID); err != nil {
				a.log.ErrorContext(ctx, "cannot delete a volume attachment of a server deleted locally", "instance", in.UUID, "volume", b.VolumeID, "error", err.Error())
				continue
			}
		}
		if d, ok := a.volumes.(volumeDeleter); ok && b.DeleteOnTermination {
			if err := d.Delete(ctx, c.AuthToken, b.VolumeID); err != nil {
				a.log.ErrorContext(ctx, "cannot delete a volume of a server deleted locally", "instance", in.UUID, "volume", b.VolumeID, "error", err.Error())
			}
		}
	}
}
