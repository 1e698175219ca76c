package api

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sort"

	"github.com/go-chi/chi/v5"

	"github.com/gostack/gostack/services/auth"
	"github.com/gostack/gostack/services/fault"
	"github.com/gostack/gostack/services/httpapi/microversion"
	"github.com/gostack/gostack/volume/store"
)

// reimage is api-ref "Reimage a volume" (os-reimage, 3.68): the image's
// data replaces the volume's, as cinder's volume API reimage. The volume
// must be available or error, or reserved with reimage_reserved (Nova's
// rebuild of a volume-backed server); the image must be active and fit
// the volume. 202; the volume is downloading until the backend is done.
// Below 3.68 the action does not exist (404).
func (a *API) reimage(w http.ResponseWriter, r *http.Request, arg json.RawMessage) {
	if !microversion.Of(r).AtLeast(3, 68) {
		fail(w, r, fault.New(fault.NotFound, "The resource could not be found."))
		return
	}
	imageID, reserved, err := reimageArgs(arg)
	if err != nil {
		fail(w, r, err)
		return
	}
	c, err := callerOf(r)
	if err != nil {
		fail(w, r, err)
		return
	}
	ctx := r.Context()
	v, err := a.getVolume(ctx, c, chi.URLParam(r, "id"))
	if err != nil {
		fail(w, r, err)
		return
	}
	im, err := a.glance.Get(ctx, imageID)
	if fault.KindOf(err) == fault.NotFound {
		err = fault.New(fault.NotFound, "Image %s could not be found.", imageID)
	}
	if err != nil {
		fail(w, r, err)
		return
	}
	rule := "volume:reimage"
	if v.Status == "reserved" {
		rule = "volume:reimage_reserved"
	}
	if err := a.authorize(c, rule, v.ProjectID); err != nil {
		fail(w, r, err)
		return
	}
	atts, err := a.db.ListAttachments(ctx, store.AttachmentFilter{VolumeIDs: []string{v.ID}})
	if err != nil {
		fail(w, r, err)
		return
	}
	if len(atts) > 1 {
		fail(w, r, fault.New(fault.Conflict, "Cannot re-image a volume which is attached to more than one server."))
		return
	}
	from := []string{"available", "error"}
	if reserved {
		from = append(from, "reserved")
	}
	prev, downloading := &v.Status, "downloading"
	if cur, err := a.db.UpdateVolume(ctx, v.ID, from, store.VolumeUpdate{Status: &downloading, PreviousStatus: &prev}); err != nil {
		if fault.KindOf(err) == fault.Invalid && cur.ID != "" { // the status forbids it
			err = fault.New(fault.Invalid, "Invalid volume: Volume %s status must be %s, but current status is %s.", v.ID, orStr(from), cur.Status)
		}
		fail(w, r, err)
		return
	}
	back := func() {
		none := (*string)(nil)
		if _, err := a.db.UpdateVolume(ctx, v.ID, []string{"downloading"}, store.VolumeUpdate{Status: &v.Status, PreviousStatus: &none}); err != nil {
			a.log.ErrorContext(ctx, "cannot return a volume to its status", "volume", v.ID, "err", err)
		}
	}
	if err := checkImageForVolume(im.ID, im.Status, im.Size, im.MinDisk, v.Size); err != nil {
		back()
		fail(w, r, err)
		return
	}
	if err := a.rpc.Reimage(auth.WithRPC(ctx), v.Host, v.ID, im.ID); err != nil {
		back()
		fail(w, r, fault.Wrap(err, fault.Unavailable, "The volume service is unavailable."))
		return
	}
	w.WriteHeader(http.StatusAccepted)
}

// reimageArgs validates os-reimage's body as cinder's schema: image_id
// (a UUID) required, reimage_reserved a boolean, nothing else.
func reimageArgs(arg json.RawMessage) (string, bool, error) {
	var m map[string]any
	if err := json.Unmarshal(arg, &m); err != nil || m == nil {
		return "", false, fault.New(fault.Invalid, "Invalid input for field/attribute os-reimage. Value: %s. %s is not of type 'object'", short(string(arg)), short(string(arg)))
	}
	var extra []string
	for k := range m {
		if k != "image_id" && k != "reimage_reserved" {
			extra = append(extra, fmt.Sprintf("'%s'", k))
		}
	}
	if len(extra) > 0 {
		sort.Strings(extra)
		verb := "was"
		if len(extra) > 1 {
			verb = "were"
		}
		return "", false, fault.New(fault.Invalid, "Invalid input for field/attribute os-reimage. Value: %s. Additional properties are not allowed (%s %s unexpected)", short(string(arg)), joinComma(extra), verb)
	}
	raw, ok := m["image_id"]
	if !ok {
		return "", false, fault.New(fault.Invalid, "Invalid input for field/attribute os-reimage. Value: %s. 'image_id' is a required property", short(string(arg)))
	}
	id, _ := raw.(string)
	if !store.IsUUID(id) {
		return "", false, fault.New(fault.Invalid, "Invalid input for field/attribute image_id. Value: %v. '%v' is not a 'uuid'", raw, raw)
	}
	reserved := false
	if _, ok := m["reimage_reserved"]; ok {
		b, err := boolArg(arg, "reimage_reserved")
		if err != nil {
			return "", false, err
		}
		reserved = b
	}
	return id, reserved, nil
}

// checkImageForVolume is cinder's check_image_metadata: the image is
// active, its size (rounded up to GiB) fits the volume, and so does its
// min_disk.
func checkImageForVolume(id, status string, size int64, minDisk, volSize int) error {
	if status != "active" {
		return invalid("Image %s is not active.", id)
	}
	if gb := int((size + (1<<30 - 1)) >> 30); gb > volSize {
		return invalid("Size of specified image %dGB is larger than volume size %dGB.", gb, volSize)
	}
	if volSize < minDisk {
		return invalid("Volume size %dGB cannot be smaller than the image minDisk size %dGB.", volSize, minDisk)
	}
	return nil
}

func joinComma(list []string) string {
	s := ""
	for i, x := range list {
		if i > 0 {
			s += ", "
		}
		s += x
	}
	return s
}
