package api

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"

	"github.com/gostack/gostack/compute/objects"
	"github.com/gostack/gostack/compute/volumeapi"
	"github.com/gostack/gostack/services/auth"
	"github.com/gostack/gostack/services/fault"
	"github.com/gostack/gostack/services/httpapi"
)

// Snapshots of servers booted from volume (nova's snapshot_volume_backed)
// and servers booted from such a snapshot (nova's _get_image_defined_bdms).

// volumeSnapshotter is the part of the block storage client a
// volume-backed snapshot needs (*volumeapi.Client).
type volumeSnapshotter interface {
	CreateSnapshot(ctx context.Context, token, volumeID, name, description string, force bool) (volumeapi.Snapshot, error)
	WaitSnapshot(ctx context.Context, token, id string, timeout time.Duration) (volumeapi.Snapshot, error)
	DeleteSnapshot(ctx context.Context, token, id string) error
}

// snapshotWait bounds the wait for Cinder's snapshots of the server's
// volumes (RBD snapshots: quick).
const snapshotWait = 2 * time.Minute

// imageBDM is one entry of an image's block_device_mapping property.
type imageBDM struct {
	BootIndex           *int   `json:"boot_index"`
	SourceType          string `json:"source_type"`
	DestinationType     string `json:"destination_type"`
	SnapshotID          string `json:"snapshot_id,omitempty"`
	VolumeID            string `json:"volume_id,omitempty"`
	ImageID             string `json:"image_id,omitempty"`
	VolumeSize          int    `json:"volume_size,omitempty"`
	DeviceName          string `json:"device_name,omitempty"`
	DeviceType          string `json:"device_type,omitempty"`
	DiskBus             string `json:"disk_bus,omitempty"`
	GuestFormat         string `json:"guest_format,omitempty"`
	Tag                 string `json:"tag,omitempty"`
	DeleteOnTermination bool   `json:"delete_on_termination"`
	NoDevice            *bool  `json:"no_device"`
}

// snapshotVolumeBacked is createImage for a server booted from volume:
// a Cinder snapshot of each of its volumes (forced: they are in use) and
// an image without data whose block_device_mapping names them, so a
// server booted from the image gets volumes made from the snapshots.
func (a *API) snapshotVolumeBacked(w http.ResponseWriter, r *http.Request, c caller, in objects.Instance, name string, meta map[string]string) {
	g, ok := a.images.(*Glance)
	snap, ok2 := a.volumes.(volumeSnapshotter)
	if !ok || !ok2 {
		writeErr(w, r, fault.New(fault.Unavailable, "nova-api cannot snapshot servers booted from volume here."))
		return
	}
	if err := a.checkLocked(c, in); err != nil {
		writeErr(w, r, err)
		return
	}
	if err := checkStates("createImage", in, []string{objects.VMActive, objects.VMStopped, objects.VMPaused, objects.VMSuspended}, []string{""}); err != nil {
		writeErr(w, r, err)
		return
	}
	ctx := r.Context()
	bdms, err := a.volumeBDMs(ctx, in.UUID)
	if err != nil {
		writeErr(w, r, err)
		return
	}
	sort.SliceStable(bdms, func(i, j int) bool { return bootOrderOf(bdms[i]) < bootOrderOf(bdms[j]) })
	if _, err := a.store.CreateAction(ctx, in.UUID, a.action(r, c, objects.ActionCreateImage)); err != nil {
		writeErr(w, r, err)
		return
	}
	var made []string
	undo := func() {
		dctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
		defer cancel()
		for _, id := range made {
			if err := snap.DeleteSnapshot(dctx, c.AuthToken, id); err != nil {
				a.log.ErrorContext(ctx, "cannot delete the volume snapshot of a failed createImage", "snapshot", id, "error", err.Error())
			}
		}
	}
	var mapping []imageBDM
	for _, b := range bdms {
		s, err := snap.CreateSnapshot(ctx, c.AuthToken, b.VolumeID, "snapshot for "+name, "", true)
		if err == nil {
			made = append(made, s.ID)
			s, err = snap.WaitSnapshot(ctx, c.AuthToken, s.ID, snapshotWait)
		}
		if err != nil {
			undo()
			writeErr(w, r, err)
			return
		}
		size := s.Size
		if b.VolumeSize > size {
			size = b.VolumeSize
		}
		mapping = append(mapping, imageBDM{BootIndex: b.BootIndex, SourceType: objects.SourceSnapshot,
			DestinationType: objects.DestinationVolume, SnapshotID: s.ID, VolumeSize: size, DeviceName: b.DeviceName,
			DeviceType: b.DeviceType, DiskBus: b.DiskBus, GuestFormat: b.GuestFormat, Tag: b.Tag,
			DeleteOnTermination: b.DeleteOnTermination})
	}
	props := snapshotImage(c, in, name, meta)
	bdmJSON, _ := json.Marshal(mapping)
	props["block_device_mapping"] = string(bdmJSON)
	props["bdm_v2"] = "True"
	props["root_device_name"] = "/dev/vda"
	props["min_disk"] = 0
	for k, v := range props {
		if s, ok := v.(string); ok && s == "" && k != "name" {
			delete(props, k)
		}
	}
	imageID, err := g.CreateImage(ctx, c.AuthToken, props)
	if err != nil {
		undo()
		writeErr(w, r, err)
		return
	}
	if err := g.uploadEmpty(ctx, c.AuthToken, imageID); err != nil {
		_ = g.DeleteImage(context.WithoutCancel(ctx), c.AuthToken, imageID)
		undo()
		writeErr(w, r, err)
		return
	}
	if atLeast(r, 45) {
		httpapi.WriteJSON(w, r, http.StatusAccepted, map[string]string{"image_id": imageID})
		return
	}
	if u, err := g.ImageURL(ctx, imageID); err == nil {
		w.Header().Set("Location", u)
	}
	w.WriteHeader(http.StatusAccepted)
}

func bootOrderOf(b objects.BlockDeviceMapping) int {
	if b.BootIndex == nil || *b.BootIndex < 0 {
		return 1 << 30
	}
	return *b.BootIndex
}

// uploadEmpty gives an image zero bytes of data, so a volume-backed
// snapshot's image (all in its block_device_mapping) is active as nova's.
func (g *Glance) uploadEmpty(ctx context.Context, userToken, id string) error {
	endpoint, err := g.Auth.Endpoint(ctx, auth.EndpointFilter{ServiceType: "image"})
	if err != nil {
		return fault.Wrap(err, fault.Unavailable, "The image service is not in the service catalog.")
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPut, strings.TrimRight(endpoint, "/")+"/v2/images/"+url.PathEscape(id)+"/file", http.NoBody)
	if err != nil {
		return err
	}
	req.Header.Set("X-Auth-Token", userToken)
	req.Header.Set("Content-Type", "application/octet-stream")
	resp, err := g.HTTP.Do(req)
	if err != nil {
		return fault.Wrap(err, fault.Unavailable, "The image service is not reachable.")
	}
	resp.Body.Close()
	if resp.StatusCode >= 300 {
		return fault.New(fault.Unavailable, "The image service refused the (empty) data of snapshot image %s (HTTP %d).", id, resp.StatusCode)
	}
	return nil
}

// imageDefinedBDMs are the mappings an image carries (a snapshot of a
// server booted from volume): the server boots from volumes made from
// their snapshots. None for an ordinary image.
func imageDefinedBDMs(img objects.ImageMeta) ([]objects.BlockDeviceMapping, error) {
	raw := img.Properties["block_device_mapping"]
	if raw == "" {
		return nil, nil
	}
	var list []imageBDM
	if err := json.Unmarshal([]byte(raw), &list); err != nil {
		return nil, invalid("Image %s has a block_device_mapping property Nova cannot read: %s", img.ID, err)
	}
	var out []objects.BlockDeviceMapping
	for _, x := range list {
		if x.NoDevice != nil && *x.NoDevice {
			continue
		}
		b := objects.BlockDeviceMapping{BootIndex: x.BootIndex, SourceType: x.SourceType, DestinationType: x.DestinationType,
			SnapshotID: x.SnapshotID, VolumeID: x.VolumeID, ImageID: x.ImageID, VolumeSize: x.VolumeSize,
			DeviceName: x.DeviceName, DeviceType: x.DeviceType, DiskBus: x.DiskBus, GuestFormat: x.GuestFormat,
			Tag: x.Tag, DeleteOnTermination: x.DeleteOnTermination}
		if b.DeviceType == "" {
			b.DeviceType = "disk"
		}
		if b.DestinationType == "" {
			b.DestinationType = objects.DestinationVolume
		}
		out = append(out, b)
	}
	return out, nil
}

// withImageBDMs adds an image's own mappings to the request's (nova's
// _get_image_defined_bdms then _merge_bdms, the request's winning by
// device name and boot index) and reports whether the image boots from
// a volume.
func (a *API) withImageBDMs(ctx context.Context, c caller, imageRef string, bdms []objects.BlockDeviceMapping) ([]objects.BlockDeviceMapping, bool, error) {
	if imageRef == "" {
		return bdms, false, nil
	}
	for _, b := range bdms {
		if b.BootIndex != nil && *b.BootIndex == 0 {
			return bdms, false, nil // the request names its own root
		}
	}
	img, err := a.images.Image(ctx, c.AuthToken, imageRef)
	if err != nil {
		return bdms, false, nil // create() reports the image's errors
	}
	own, err := imageDefinedBDMs(img)
	if err != nil || len(own) == 0 {
		return bdms, false, err
	}
	taken := map[string]bool{}
	for _, b := range bdms {
		if b.DeviceName != "" {
			taken[b.DeviceName] = true
		}
	}
	out := append([]objects.BlockDeviceMapping(nil), bdms...)
	root := false
	for _, b := range own {
		if b.DeviceName != "" && taken[b.DeviceName] {
			continue
		}
		if b.BootIndex != nil && *b.BootIndex == 0 {
			root = true
		}
		out = append(out, b)
	}
	return out, root, nil
}
