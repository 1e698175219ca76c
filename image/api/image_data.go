package api

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"

	"github.com/go-chi/chi/v5"

	"github.com/gostack/gostack/image/registry"
	"github.com/gostack/gostack/image/store/rbd"
	"github.com/gostack/gostack/services/fault"
	"github.com/gostack/gostack/services/httpapi"
)

// uploadImage is PUT /v2/images/{image_id}/file (api-ref: Upload binary
// image data): the body, chunked or not, is streamed into the store; the
// image goes queued -> saving -> active, or back to queued with nothing
// stored when anything fails, as glance's _restore. 204.
func (a *API) uploadImage(w http.ResponseWriter, r *http.Request) {
	c, err := callerOf(r)
	if err != nil {
		httpapi.WriteError(w, r, err)
		return
	}
	if err := checkOctetStream(r); err != nil {
		httpapi.WriteError(w, r, err)
		return
	}
	if err := a.upload(r, c, chi.URLParam(r, "image_id")); err != nil {
		httpapi.WriteError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// checkOctetStream is glance's get_content_type(('application/octet-stream',)).
func checkOctetStream(r *http.Request) error {
	ct := r.Header.Get("Content-Type")
	if ct == "" {
		return fault.New(fault.Unsupported, "Invalid content type None")
	}
	if mt, _, err := mime.ParseMediaType(ct); err != nil || mt != "application/octet-stream" {
		return fault.New(fault.Unsupported, "Invalid content type %s", ct)
	}
	return nil
}

func (a *API) upload(r *http.Request, c caller, id string) error {
	ctx := r.Context()
	im, err := a.getImage(ctx, c, id)
	if err != nil {
		return err
	}
	if err := a.enforce(c, "upload_image", im); err != nil {
		return err
	}
	if err := a.checkMutable(c, im); err != nil {
		return fault.Wrap(err, fault.Forbidden, "Not allowed to upload image data for image %s", id)
	}
	if im.Status != registry.StatusQueued {
		return fault.New(fault.Conflict, "Image status transition from %s to saving is not allowed", im.Status)
	}
	if err := requireFormats(im); err != nil {
		return err
	}
	size := max(r.ContentLength, 0)
	remaining, err := a.remainingStorage(ctx, deref2(im.Owner), id, r.ContentLength)
	if err != nil {
		return err
	}
	im.Status = registry.StatusSaving
	saving, err := a.reg.Save(ctx, im, registry.SaveOptions{FromStatus: registry.StatusQueued})
	if err != nil {
		if k := fault.KindOf(err); k == fault.Conflict || k == fault.NotFound {
			return goneDuringUpload(err, id)
		}
		return err
	}
	s, err := a.storeStream(ctx, saving, a.limitData(r.Body, remaining), size)
	if err == nil {
		// glance checks the quota again with the size stored.
		if _, qerr := a.remainingStorage(ctx, deref2(im.Owner), id, s.Size); qerr != nil {
			a.removeData(ctx, id, s.Location.String())
			err = qerr
		}
	}
	if err != nil {
		a.restore(ctx, saving)
		if lerr := limitError(err); lerr != err {
			return lerr
		}
		return uploadError(id, err)
	}
	active := s.apply(saving)
	if _, err := a.reg.Save(context.WithoutCancel(ctx), active, registry.SaveOptions{FromStatus: registry.StatusSaving, Locations: true}); err != nil {
		a.removeData(context.WithoutCancel(ctx), id, s.Location.String())
		if k := fault.KindOf(err); k == fault.Conflict || k == fault.NotFound {
			return goneDuringUpload(err, id)
		}
		return err
	}
	return nil
}

func goneDuringUpload(err error, id string) error {
	return httpapi.WithStatus(fault.Wrap(err, fault.Conflict, "Image %s could not be found after upload. The image may have been deleted during the upload, cleaning up the chunks uploaded.", id), http.StatusGone)
}

// requireFormats is the domain's rule that data needs both formats.
func requireFormats(im registry.Image) error {
	var missing []string
	if im.DiskFormat == nil || *im.DiskFormat == "" {
		missing = append(missing, "disk_format")
	}
	if im.ContainerFormat == nil || *im.ContainerFormat == "" {
		missing = append(missing, "container_format")
	}
	switch len(missing) {
	case 1:
		return fault.New(fault.Invalid, "Property %s must be set prior to saving data.", missing[0])
	case 2:
		return fault.New(fault.Invalid, "Properties %s, %s must be set prior to saving data.", missing[0], missing[1])
	}
	return nil
}

// withData is the image made active with its stored data.
func withData(im registry.Image, s rbd.Stored) registry.Image {
	size, sum, algo, hash := s.Size, s.Checksum, s.HashAlgo, s.HashValue
	im.Size, im.Checksum, im.OSHashAlgo, im.OSHashValue = &size, &sum, &algo, &hash
	// glance's format inspector: a raw, bare image's virtual size is its
	// size; other formats are not inspected yet.
	if im.VirtualSize == nil && size > 0 && *im.DiskFormat == "raw" && *im.ContainerFormat == "bare" {
		vs := size
		im.VirtualSize = &vs
	}
	im.Status = registry.StatusActive
	im.Locations = []registry.Location{{URL: s.Location.String(), Metadata: map[string]any{}, Status: "active"}}
	return im
}

// restore puts a failed upload back to queued, as glance's _restore.
func (a *API) restore(ctx context.Context, im registry.Image) {
	im.Status = registry.StatusQueued
	im.Size, im.VirtualSize = nil, nil
	if _, err := a.reg.Save(context.WithoutCancel(ctx), im, registry.SaveOptions{FromStatus: registry.StatusSaving}); err != nil {
		a.log.ErrorContext(ctx, "could not restore image to queued after a failed upload",
			"image_id", im.ID, "error", err.Error())
	}
}

// uploadError is what the client hears of a failed upload.
func uploadError(id string, err error) error {
	var fe *fault.Error
	if !errors.As(err, &fe) {
		// Reading the body failed: the client went away or sent less.
		return fault.Wrap(err, fault.Invalid, "The image data for %s could not be read completely; the upload was discarded.", id)
	}
	return err
}

// downloadImage is GET /v2/images/{image_id}/file (api-ref: Download
// binary image data): 200 with the data streamed, or 206 for a Range;
// Content-MD5 is the image's checksum; 204 when the image has no data.
func (a *API) downloadImage(w http.ResponseWriter, r *http.Request) {
	c, err := callerOf(r)
	if err != nil {
		httpapi.WriteError(w, r, err)
		return
	}
	ctx := r.Context()
	im, err := a.getImage(ctx, c, chi.URLParam(r, "image_id"))
	if err == nil && im.Status == registry.StatusDeactivated && !c.isAdmin() {
		err = fault.New(fault.Forbidden, "The requested image has been deactivated. Image data download is forbidden.")
	}
	if err == nil {
		err = a.enforce(c, "download_image", im)
	}
	if err != nil {
		httpapi.WriteError(w, r, err)
		return
	}
	if len(im.Locations) == 0 || im.Size == nil {
		w.WriteHeader(http.StatusNoContent)
		return
	}
	size := *im.Size
	br, err := parseRange(r.Header.Get("Range"), size)
	if err != nil {
		httpapi.WriteError(w, r, err)
		return
	}
	status, length := http.StatusOK, size
	h := w.Header()
	h.Set("Content-Type", "application/octet-stream")
	if br.partial {
		status, length = http.StatusPartialContent, br.length
		h.Set("Content-Range", br.contentRange(size))
	}
	if im.Checksum != nil {
		h.Set("Content-MD5", *im.Checksum)
	}
	h.Set("Content-Length", strconv.FormatInt(length, 10))
	lw := &lazyWriter{w: w, status: status}
	n, err := a.store.Get(ctx, im.Locations[0].URL, lw, br.offset, br.length)
	if err != nil && !lw.started {
		h.Del("Content-Range")
		h.Del("Content-MD5")
		httpapi.WriteError(w, r, fmt.Errorf("download image %s: %w", im.ID, err))
		return
	}
	if err != nil || n != length {
		// Headers are gone: cut the connection so the client sees a short body.
		a.log.ErrorContext(ctx, "image download interrupted", "image_id", im.ID, "sent", n, "want", length, "error", fmt.Sprint(err))
		panic(http.ErrAbortHandler)
	}
	if !lw.started {
		w.WriteHeader(status)
	}
}

// lazyWriter sends the status line with the first byte, so that a store
// failure before any data can still be answered with an error.
type lazyWriter struct {
	w       http.ResponseWriter
	status  int
	started bool
}

func (l *lazyWriter) Write(p []byte) (int, error) {
	if !l.started {
		l.started = true
		l.w.WriteHeader(l.status)
	}
	return l.w.Write(p)
}

var _ io.Writer = (*lazyWriter)(nil)
