package api

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/gostack/gostack/compute/computeapi"
	"github.com/gostack/gostack/compute/objects"
	"github.com/gostack/gostack/services/auth"
	"github.com/gostack/gostack/services/fault"
	"github.com/gostack/gostack/services/httpapi"
)

// ImageWriter creates and deletes Glance images as the caller (createImage,
// shelve); *Glance implements it.
type ImageWriter interface {
	// CreateImage creates a queued image record and returns its id.
	CreateImage(ctx context.Context, userToken string, image map[string]any) (string, error)
	// DeleteImage deletes an image; one already gone is not an error.
	DeleteImage(ctx context.Context, userToken, id string) error
	// ImageURL is the image's URL in the image service (the Location of
	// createImage before 2.45).
	ImageURL(ctx context.Context, id string) (string, error)
}

// SnapshotCompute casts the lifecycle methods to nova-compute;
// *computeapi.Client implements it.
type SnapshotCompute interface {
	SnapshotInstance(ctx context.Context, a computeapi.SnapshotInstanceArgs) error
	RebuildInstance(ctx context.Context, a computeapi.RebuildInstanceArgs) error
	ConfirmResize(ctx context.Context, host string, a computeapi.ResizeArgs) error
	RevertResize(ctx context.Context, host string, a computeapi.ResizeArgs) error
	ShelveInstance(ctx context.Context, a computeapi.ShelveInstanceArgs) error
	ShelveOffloadInstance(ctx context.Context, a computeapi.ShelveInstanceArgs) error
	RescueInstance(ctx context.Context, a computeapi.RescueInstanceArgs) error
	UnrescueInstance(ctx context.Context, inst objects.Instance) error
}

var (
	_ ImageWriter     = (*Glance)(nil)
	_ SnapshotCompute = (*computeapi.Client)(nil)
)

func (g *Glance) call(ctx context.Context, userToken, method, path string, body any, out any, ok ...int) error {
	endpoint, err := g.Auth.Endpoint(ctx, auth.EndpointFilter{ServiceType: "image"})
	if err != nil {
		return fault.Wrap(err, fault.Unavailable, "The image service is not in the service catalog.")
	}
	if userToken == "" {
		if userToken, err = g.Auth.Token(ctx); err != nil {
			return fault.Wrap(err, fault.Unavailable, "Nova cannot authenticate to reach the image service.")
		}
	}
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, strings.TrimRight(endpoint, "/")+path, rd)
	if err != nil {
		return err
	}
	req.Header.Set("X-Auth-Token", userToken)
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if _, ok := body.(jsonPatch); ok { // images.go
		req.Header.Set("Content-Type", "application/openstack-images-v2.1-json-patch")
	}
	resp, err := g.HTTP.Do(req)
	if err != nil {
		return fault.Wrap(err, fault.Unavailable, "The image service is not reachable.")
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return fault.Wrap(err, fault.Unavailable, "The image service did not answer.")
	}
	for _, code := range ok {
		if resp.StatusCode == code {
			if out != nil {
				return json.Unmarshal(data, out)
			}
			return nil
		}
	}
	cause := fmt.Errorf("glance %s %s: %d %s", method, path, resp.StatusCode, data)
	switch resp.StatusCode {
	case http.StatusNotFound:
		return fault.Wrap(cause, fault.NotFound, "The image could not be found.")
	case http.StatusForbidden:
		return fault.Wrap(cause, fault.Forbidden, "The image service refused: %s", glanceMessage(data))
	case http.StatusRequestEntityTooLarge:
		return fault.Wrap(cause, fault.OverLimit, "The image service refused: %s", glanceMessage(data))
	case http.StatusBadRequest, http.StatusConflict:
		return fault.Wrap(cause, fault.Invalid, "The image service refused: %s", glanceMessage(data))
	}
	return fault.Wrap(cause, fault.Unavailable, "The image service failed (HTTP %d).", resp.StatusCode)
}

// glanceMessage digs the message out of a Glance error body.
func glanceMessage(data []byte) string {
	s := strings.TrimSpace(string(data))
	if i := strings.LastIndex(s, "<br /><br />"); i >= 0 {
		s = s[i+len("<br /><br />"):]
		s = strings.TrimSpace(strings.Split(s, "\n")[0])
	}
	if len(s) > 300 {
		s = s[:300]
	}
	return s
}

// CreateImage implements ImageWriter.
func (g *Glance) CreateImage(ctx context.Context, userToken string, image map[string]any) (string, error) {
	var out struct {
		ID string `json:"id"`
	}
	if err := g.call(ctx, userToken, http.MethodPost, "/v2/images", image, &out, http.StatusCreated, http.StatusOK); err != nil {
		return "", err
	}
	return out.ID, nil
}

// DeleteImage implements ImageWriter.
func (g *Glance) DeleteImage(ctx context.Context, userToken, id string) error {
	err := g.call(ctx, userToken, http.MethodDelete, "/v2/images/"+url.PathEscape(id), nil, nil, http.StatusNoContent, http.StatusOK)
	if fault.KindOf(err) == fault.NotFound {
		return nil
	}
	return err
}

// ImageURL implements ImageWriter: nova's generate_image_url.
func (g *Glance) ImageURL(ctx context.Context, id string) (string, error) {
	endpoint, err := g.Auth.Endpoint(ctx, auth.EndpointFilter{ServiceType: "image"})
	if err != nil {
		return "", fault.Wrap(err, fault.Unavailable, "The image service is not in the service catalog.")
	}
	return strings.TrimRight(endpoint, "/") + "/images/" + id, nil
}

// nonInheritable are image properties a snapshot does not take from the
// instance's image (nova's non_inheritable_image_properties, plus what
// Glance computes or nova records itself).
var nonInheritable = map[string]bool{
	"cache_in_nova": true, "bittorrent": true, "img_signature_hash_method": true, "img_signature": true,
	"img_signature_key_type": true, "img_signature_certificate_uuid": true,
	"min_disk": true, "min_ram": true, "disk_format": true, "container_format": true, "base_image_ref": true,
	"owner_specified.openstack.md5": true, "owner_specified.openstack.sha256": true, "owner_specified.openstack.object": true,
}

// snapshotImage is the Glance image record of a snapshot of in (nova's
// create_image with _initialize_instance_snapshot_metadata): the
// instance's image properties, min_disk and min_ram, the snapshot marks
// and the user's extra metadata.
func snapshotImage(c caller, in objects.Instance, name string, extra map[string]string) map[string]any {
	img := map[string]any{"name": name}
	sys := in.SystemMetadata
	df, cf := sys["image_disk_format"], sys["image_container_format"]
	if df == "" {
		df = "raw"
	}
	if cf == "" {
		cf = "bare"
	}
	img["disk_format"], img["container_format"] = df, cf
	minDisk, minRAM := in.Flavor.RootGB, 0
	var n int
	if _, err := fmt.Sscan(sys["image_min_disk"], &n); err == nil && n > minDisk {
		minDisk = n
	}
	if _, err := fmt.Sscan(sys["image_min_ram"], &n); err == nil {
		minRAM = n
	}
	img["min_disk"], img["min_ram"] = minDisk, minRAM
	for k, v := range sys {
		p, ok := strings.CutPrefix(k, "image_")
		if !ok || nonInheritable[p] || imageBase[p] {
			continue
		}
		img[p] = v
	}
	img["instance_uuid"] = in.UUID
	img["image_type"] = "snapshot"
	img["user_id"] = c.UserID
	img["owner_project_name"] = c.ProjectName
	img["owner_user_name"] = c.UserName
	if in.ImageRef != "" {
		img["base_image_ref"] = in.ImageRef
	}
	for k, v := range extra {
		img[k] = v
	}
	return img
}

func (a *API) imageWriter() (ImageWriter, error) {
	w, ok := a.images.(ImageWriter)
	if !ok {
		return nil, fault.New(fault.Unavailable, "nova-api cannot create images.")
	}
	return w, nil
}

func (a *API) lifecycleCompute() (SnapshotCompute, error) {
	sc, ok := a.compute.(SnapshotCompute)
	if !ok {
		return nil, fault.New(fault.Unavailable, "nova-api cannot reach compute hosts for this action.")
	}
	return sc, nil
}

// createImage is api-ref "Create Image (createImage Action)" for a server
// booted from an image: nova-api creates the queued Glance image, then
// the compute host snapshots the root disk into it (snapshot_instance).
// 202 with {"image_id"} from 2.45, a Location header before.
func (a *API) createImage(w http.ResponseWriter, r *http.Request, c caller, arg any) {
	a.snapshotAction(w, r, c, arg, "createImage")
}

// createBackup is api-ref "Create Server Back Up (createBackup Action)":
// createImage with image_type backup and backup_type, after which the
// server's backups of that type beyond the rotation newest are deleted.
func (a *API) createBackup(w http.ResponseWriter, r *http.Request, c caller, arg any) {
	a.snapshotAction(w, r, c, arg, "createBackup")
}

func (a *API) snapshotAction(w http.ResponseWriter, r *http.Request, c caller, arg any, action string) {
	m, ok := arg.(map[string]any)
	if !ok {
		writeErr(w, r, badField(action, arg, "%s is not of type 'object'", repr(arg)))
		return
	}
	b := body(m)
	backup := action == "createBackup"
	allowed := []string{"name", "metadata"}
	if backup {
		allowed = append(allowed, "backup_type", "rotation")
	}
	if err := b.only(action, allowed...); err != nil {
		writeErr(w, r, err)
		return
	}
	name, _, err := b.str("name", true, false, 0, 255)
	if err != nil {
		writeErr(w, r, err)
		return
	}
	if strings.TrimSpace(name) == "" || strings.TrimSpace(name) != name {
		writeErr(w, r, badField(action+".name", name, "%s does not match '^(?! )[a-zA-Z0-9. _-]+(?<! )$'", repr(name)))
		return
	}
	var backupType string
	var rotation *int
	if backup {
		if backupType, _, err = b.str("backup_type", true, false, 0, 255); err != nil {
			writeErr(w, r, err)
			return
		}
		n, _, err := b.intField("rotation", true, 0, 1<<31-1, true)
		if err != nil {
			writeErr(w, r, err)
			return
		}
		rot := int(n)
		rotation = &rot
	}
	var meta map[string]string
	if v, ok := m["metadata"]; ok {
		if meta, err = stringMap(action+".metadata", v); err != nil {
			writeErr(w, r, err)
			return
		}
	}
	if backup {
		if meta == nil {
			meta = map[string]string{}
		}
		meta["image_type"], meta["backup_type"] = "backup", backupType
	}
	rule, task, act := "os_compute_api:servers:create_image", objects.TaskImageSnapshot, objects.ActionCreateImage
	if backup {
		rule, task, act = "os_compute_api:os-create-backup", "image_backup", "createBackup"
	}
	in, err := a.instanceFor(r, c, rule)
	if err != nil {
		writeErr(w, r, err)
		return
	}
	if in.ImageRef == "" {
		a.snapshotVolumeBacked(w, r, c, in, name, meta) // bdm_snapshot.go
		return
	}
	iw, err := a.imageWriter()
	if err != nil {
		writeErr(w, r, err)
		return
	}
	sc, err := a.lifecycleCompute()
	if err != nil {
		writeErr(w, r, err)
		return
	}
	if err := a.checkLocked(c, in); err != nil {
		writeErr(w, r, err)
		return
	}
	if err := checkStates(action, in, []string{objects.VMActive, objects.VMStopped, objects.VMPaused, objects.VMSuspended}, []string{""}); err != nil {
		writeErr(w, r, err)
		return
	}
	imageID, err := iw.CreateImage(r.Context(), c.AuthToken, snapshotImage(c, in, name, meta))
	if err != nil {
		writeErr(w, r, err)
		return
	}
	dropImage := func() {
		if derr := iw.DeleteImage(context.WithoutCancel(r.Context()), c.AuthToken, imageID); derr != nil {
			a.log.ErrorContext(r.Context(), "cannot delete the image of a snapshot that did not start", "image", imageID, "error", derr.Error())
		}
	}
	in, err = a.transition(r, c, in, action, act,
		[]string{objects.VMActive, objects.VMStopped, objects.VMPaused, objects.VMSuspended}, []string{""}, task)
	if err != nil {
		dropImage()
		writeErr(w, r, err)
		return
	}
	if err := a.castOrRevert(r, in, func() error {
		return sc.SnapshotInstance(rpcCtx(r), computeapi.SnapshotInstanceArgs{Instance: in, ImageID: imageID, Pool: imagePoolOf(in),
			BackupType: backupType, Rotation: rotation})
	}); err != nil {
		dropImage()
		writeErr(w, r, err)
		return
	}
	if atLeast(r, 45) {
		httpapi.WriteJSON(w, r, http.StatusAccepted, map[string]string{"image_id": imageID})
		return
	}
	if u, err := iw.ImageURL(r.Context(), imageID); err == nil {
		w.Header().Set("Location", u)
	}
	w.WriteHeader(http.StatusAccepted)
}

// imagePoolOf is the Glance RBD pool the instance's image lives in (the
// snapshot goes next to it); "" lets the compute host use its default.
func imagePoolOf(in objects.Instance) string {
	return in.SystemMetadata["image_rbd_pool"] // not recorded today: the compute default (images) applies
}

// checkStates is nova's check_instance_state without the task change.
func checkStates(method string, in objects.Instance, vms, tasks []string) error {
	okVM, okTask := false, false
	for _, s := range vms {
		okVM = okVM || s == in.VMState
	}
	for _, s := range tasks {
		okTask = okTask || s == in.TaskState
	}
	if !okVM {
		return invalidState(method, in, false)
	}
	if !okTask {
		return invalidState(method, in, true)
	}
	return nil
}
