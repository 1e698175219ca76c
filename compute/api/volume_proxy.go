package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"regexp"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5"

	"github.com/gostack/gostack/compute/volumeapi"
	"github.com/gostack/gostack/services/fault"
	"github.com/gostack/gostack/services/httpapi"
)

// The deprecated volume proxy (nova's VolumeController and
// SnapshotController of nova/api/openstack/compute/volumes.py):
// /os-volumes and /os-snapshots pass the caller's requests on to Cinder
// and render its answers in nova's camelCase views. Nova serves them up
// to 2.35 (MAX_PROXY_API_SUPPORT_VERSION) and answers 404 from 2.36,
// where clients talk to Cinder directly.
const volumeProxyMaxMinor = 35

// VolumeProxy is what the volume proxy asks of Cinder (*volumeapi.Client
// has it): full views, every page of the lists, and deletes that report
// a missing resource.
type VolumeProxy interface {
	ListVolumes(ctx context.Context, token string) ([]volumeapi.VolumeDetail, error)
	ShowVolume(ctx context.Context, token, id string) (volumeapi.VolumeDetail, error)
	CreateVolume(ctx context.Context, token string, req volumeapi.CreateRequest) (volumeapi.VolumeDetail, error)
	RemoveVolume(ctx context.Context, token, id string) error
	ListSnapshots(ctx context.Context, token string) ([]volumeapi.SnapshotDetail, error)
	ShowSnapshot(ctx context.Context, token, id string) (volumeapi.SnapshotDetail, error)
	NewSnapshot(ctx context.Context, token string, req volumeapi.SnapshotRequest) (volumeapi.SnapshotDetail, error)
	RemoveSnapshot(ctx context.Context, token, id string) error
}

var _ VolumeProxy = (*volumeapi.Client)(nil)

func (a *API) volumeProxyRoutes(r chi.Router) {
	r.Get("/os-volumes", a.listProxyVolumes)
	r.Get("/os-volumes/detail", a.listProxyVolumesDetail)
	r.Post("/os-volumes", a.createProxyVolume)
	r.Get("/os-volumes/{volume_id}", a.showProxyVolume)
	r.Delete("/os-volumes/{volume_id}", a.deleteProxyVolume)
	r.Get("/os-snapshots", a.listProxySnapshots)
	r.Get("/os-snapshots/detail", a.listProxySnapshotsDetail)
	r.Post("/os-snapshots", a.createProxySnapshot)
	r.Get("/os-snapshots/{snapshot_id}", a.showProxySnapshot)
	r.Delete("/os-snapshots/{snapshot_id}", a.deleteProxySnapshot)
}

// volumeProxyCaller starts every proxy request: 404 from 2.36, then the
// caller. False when the answer is written.
func volumeProxyCaller(w http.ResponseWriter, r *http.Request) (caller, bool) {
	if atLeast(r, volumeProxyMaxMinor+1) {
		writeErr(w, r, fault.New(fault.NotFound, httpapi.MsgNotFound))
		return caller{}, false
	}
	c, err := callerOf(r)
	if err != nil {
		writeErr(w, r, err)
		return caller{}, false
	}
	return c, true
}

// volumeProxyFor checks the rule on the caller's project and returns
// Cinder. False when the answer is written.
func (a *API) volumeProxyFor(w http.ResponseWriter, r *http.Request, c caller, rule string) (Volumes, bool) {
	if err := a.can(c, rule, projectTarget(c.ProjectID)); err != nil {
		writeErr(w, r, err)
		return nil, false
	}
	if a.volumes == nil {
		writeErr(w, r, fault.New(fault.NotImplemented, "This cloud's compute API has no block storage service configured."))
		return nil, false
	}
	return a.volumes, true
}

// collectionWithSlash is a GET of the collection spelled with a trailing
// "/" (GET /os-volumes/): nova reads it as a member with an empty id and
// answers 404, where the path folding would list the collection.
func collectionWithSlash(r *http.Request) bool {
	p, _, _ := strings.Cut(r.RequestURI, "?")
	return len(p) > 1 && strings.HasSuffix(p, "/")
}

var nonNegativeInt = regexp.MustCompile(`^[0-9]*$`)

// limitedRange is nova's common.limited over n items, after the index
// query schema (limit and offset non-negative integers): the bounds of
// items[offset:offset+limit], limit 0 or absent meaning [api] max_limit.
func (a *API) limitedRange(r *http.Request, n int) (start, end int, err error) {
	q := r.URL.Query()
	read := func(key string) (int, error) {
		values := q[key]
		if len(values) == 0 {
			return 0, nil
		}
		for _, v := range values {
			if !nonNegativeInt.MatchString(v) {
				return 0, invalid("Invalid input for query parameters %s. Value: %s. '%s' does not match '^[0-9]*$'", key, v, v)
			}
			if v == "" {
				return 0, invalid("Invalid input for query parameters %s. Value: . '' is too short", key)
			}
		}
		x, perr := strconv.Atoi(values[len(values)-1])
		if perr != nil {
			if errors.Is(perr, strconv.ErrRange) {
				return math.MaxInt, nil
			}
			return 0, invalid("%s param must be an integer", key)
		}
		return x, nil
	}
	limit, err := read("limit")
	if err != nil {
		return 0, 0, err
	}
	offset, err := read("offset")
	if err != nil {
		return 0, 0, err
	}
	if limit == 0 || limit > a.set.MaxLimit {
		limit = a.set.MaxLimit
	}
	start = min(offset, n)
	end = start + min(limit, n-start)
	return start, end, nil
}

// volumeNotFound is nova's VolumeNotFound for a Cinder 404, and
// cinderError the rest of nova's translation of Cinder's errors.
func volumeNotFound(err error, id string) error {
	if fault.KindOf(err) == fault.NotFound {
		return fault.Wrap(err, fault.NotFound, "Volume %s could not be found.", id)
	}
	return cinderError(err)
}

func snapshotNotFound(err error, id string) error {
	if fault.KindOf(err) == fault.NotFound {
		return fault.Wrap(err, fault.NotFound, "Snapshot %s could not be found.", id)
	}
	return cinderError(err)
}

// cinderError is nova's translate_cinder_exception: Cinder's 400 is
// InvalidInput, quota (413) is a 403 with Cinder's message; the others
// keep their kind.
func cinderError(err error) error {
	switch fault.KindOf(err) {
	case fault.Invalid:
		return fault.Wrap(err, fault.Invalid, "Invalid input received: %s (HTTP 400)", fault.MessageOf(err))
	case fault.OverLimit:
		return fault.Wrap(err, fault.Forbidden, "%s", fault.MessageOf(err))
	}
	return err
}

// volumeProxyView is nova's _translate_volume_summary_view (the detail
// view is the same): the first attachment only, [{}] when there is none.
func volumeProxyView(v volumeapi.VolumeDetail) map[string]any {
	m := map[string]any{
		"id":                 v.ID,
		"status":             v.Status,
		"size":               v.Size,
		"availabilityZone":   v.AvailabilityZone,
		"createdAt":          v.CreatedAt,
		"displayName":        nullString(v.Name),
		"displayDescription": nullString(v.Description),
		"volumeType":         nullString(v.VolumeType),
		"snapshotId":         nullString(v.SnapshotID),
	}
	att := map[string]any{}
	if len(v.Attachments) > 0 {
		first := v.Attachments[0]
		att = map[string]any{"id": v.ID, "volumeId": v.ID, "serverId": first.ServerID}
		if first.Device != "" {
			att["device"] = first.Device
		}
	}
	m["attachments"] = []map[string]any{att}
	md := map[string]string{}
	for k, x := range v.Metadata {
		md[k] = x
	}
	m["metadata"] = md
	return m
}

func nullString(s *string) any {
	if s == nil {
		return nil
	}
	return *s
}

// listProxyVolumes is api-ref "List Volumes" (GET /os-volumes).
func (a *API) listProxyVolumes(w http.ResponseWriter, r *http.Request) {
	a.listVolumesVia(w, r, "os_compute_api:os-volumes:list")
}

// listProxyVolumesDetail is api-ref "List Volumes With Details".
func (a *API) listProxyVolumesDetail(w http.ResponseWriter, r *http.Request) {
	a.listVolumesVia(w, r, "os_compute_api:os-volumes:detail")
}

func (a *API) listVolumesVia(w http.ResponseWriter, r *http.Request, rule string) {
	c, ok := volumeProxyCaller(w, r)
	if !ok {
		return
	}
	if collectionWithSlash(r) {
		writeErr(w, r, fault.New(fault.NotFound, httpapi.MsgNotFound))
		return
	}
	// The query schema is checked before the policy, as nova's
	// validation decorator runs first.
	if _, _, err := a.limitedRange(r, 0); err != nil {
		writeErr(w, r, err)
		return
	}
	vols, ok := a.volumeProxyFor(w, r, c, rule)
	if !ok {
		return
	}
	list, err := vols.ListVolumes(r.Context(), c.AuthToken)
	if err != nil {
		writeErr(w, r, cinderError(err))
		return
	}
	start, end, _ := a.limitedRange(r, len(list))
	out := make([]map[string]any, 0, end-start)
	for _, v := range list[start:end] {
		out = append(out, volumeProxyView(v))
	}
	httpapi.WriteJSON(w, r, http.StatusOK, map[string]any{"volumes": out})
}

// showProxyVolume is api-ref "Show Volume Details".
func (a *API) showProxyVolume(w http.ResponseWriter, r *http.Request) {
	c, ok := volumeProxyCaller(w, r)
	if !ok {
		return
	}
	vols, ok := a.volumeProxyFor(w, r, c, "os_compute_api:os-volumes:show")
	if !ok {
		return
	}
	id := chi.URLParam(r, "volume_id")
	v, err := vols.ShowVolume(r.Context(), c.AuthToken, id)
	if err != nil {
		writeErr(w, r, volumeNotFound(err, id))
		return
	}
	httpapi.WriteJSON(w, r, http.StatusOK, map[string]any{"volume": volumeProxyView(v)})
}

// deleteProxyVolume is api-ref "Delete Volume": 202.
func (a *API) deleteProxyVolume(w http.ResponseWriter, r *http.Request) {
	c, ok := volumeProxyCaller(w, r)
	if !ok {
		return
	}
	vols, ok := a.volumeProxyFor(w, r, c, "os_compute_api:os-volumes:delete")
	if !ok {
		return
	}
	id := chi.URLParam(r, "volume_id")
	if err := vols.RemoveVolume(r.Context(), c.AuthToken, id); err != nil {
		writeErr(w, r, volumeNotFound(err, id))
		return
	}
	w.WriteHeader(http.StatusAccepted)
}

// badValue is badField with the value as nova renders it (%s: a string
// unquoted).
func badValue(field string, v any, format string, args ...any) error {
	if s, ok := v.(string); ok {
		return fault.New(fault.Invalid, "Invalid input for field/attribute %s. Value: %s. %s", field, s, fmt.Sprintf(format, args...))
	}
	return badField(field, v, format, args...)
}

var volumeSizePattern = regexp.MustCompile(`^[0-9]+$`)

// parseProxyVolume checks the body of POST /os-volumes against nova's
// volumes create schema, in jsonschema's order (the properties, then
// required, then additionalProperties).
func parseProxyVolume(b body) (volumeapi.CreateRequest, error) {
	var req volumeapi.CreateRequest
	strField := func(k string) (string, error) {
		v, ok := b[k]
		if !ok {
			return "", nil
		}
		s, isStr := v.(string)
		if !isStr {
			return "", badValue(k, v, "%s is not of type 'string'", repr(v))
		}
		return s, nil
	}
	var err error
	if req.VolumeType, err = strField("volume_type"); err != nil {
		return req, err
	}
	if v, ok := b["metadata"]; ok {
		m, isObj := v.(map[string]any)
		if !isObj {
			return req, badValue("metadata", v, "%s is not of type 'object'", repr(v))
		}
		// Nova passes any object on; Cinder takes string values only.
		if req.Metadata, err = stringMap("metadata", m); err != nil {
			return req, fault.Wrap(err, fault.Invalid, "Invalid input received: %s (HTTP 400)", fault.MessageOf(err))
		}
	}
	if req.SnapshotID, err = strField("snapshot_id"); err != nil {
		return req, err
	}
	if v, ok := b["size"]; ok {
		n, err := proxyVolumeSize(v)
		if err != nil {
			return req, err
		}
		req.Size = n
	}
	if req.AvailabilityZone, err = strField("availability_zone"); err != nil {
		return req, err
	}
	if req.Name, err = strField("display_name"); err != nil {
		return req, err
	}
	if req.Description, err = strField("display_description"); err != nil {
		return req, err
	}
	if !b.has("size") {
		return req, badField("volume", map[string]any(b), "'size' is a required property")
	}
	if err := b.only("volume", "volume_type", "metadata", "snapshot_id", "size", "availability_zone",
		"display_name", "display_description"); err != nil {
		return req, err
	}
	return req, nil
}

var integerLiteral = regexp.MustCompile(`^-?[0-9]+$`)

// proxyVolumeSize is the schema's size: an integer of at least 1, or a
// string of digits. The schema holds no string to the minimum and sets no
// maximum; Cinder refuses those sizes, with the messages here.
func proxyVolumeSize(v any) (int, error) {
	tooLarge := func(s string) error {
		return invalid("Invalid input received: Invalid input for field/attribute size. Value: %s. %s is greater than the maximum of 2147483647 (HTTP 400)", s, s)
	}
	switch t := v.(type) {
	case json.Number:
		if !integerLiteral.MatchString(t.String()) {
			break // a float: Draft 4 has it not an integer
		}
		n, err := strconv.ParseInt(t.String(), 10, 64)
		if err == nil && n < 1 {
			return 0, badValue("size", v, "%s is less than the minimum of 1", repr(v))
		}
		if err != nil || n > math.MaxInt32 {
			return 0, tooLarge(t.String())
		}
		return int(n), nil
	case string:
		if !volumeSizePattern.MatchString(t) {
			return 0, badValue("size", v, "%s does not match '^[0-9]+$'", repr(v))
		}
		n, err := strconv.ParseInt(t, 10, 64)
		if err != nil || n > math.MaxInt32 {
			return 0, tooLarge(repr(t))
		}
		if n < 1 {
			return 0, invalid("Invalid input received: Invalid volume size provided for create request: %s (size argument must be an integer (or string representation of an integer) and greater than zero). (HTTP 400)", t)
		}
		return int(n), nil
	}
	return 0, badValue("size", v, "%s is not of type 'integer', 'string'", repr(v))
}

// createProxyVolume is api-ref "Create Volume": 200 with the volume and a
// Location header. A snapshot_id is looked up first (404 when Cinder has
// none); imageRef is not part of nova's proxy (400).
func (a *API) createProxyVolume(w http.ResponseWriter, r *http.Request) {
	c, ok := volumeProxyCaller(w, r)
	if !ok {
		return
	}
	b, err := decodeBody(r, "volume")
	if err != nil {
		writeErr(w, r, err)
		return
	}
	req, err := parseProxyVolume(b)
	if err != nil {
		writeErr(w, r, err)
		return
	}
	vols, ok := a.volumeProxyFor(w, r, c, "os_compute_api:os-volumes:create")
	if !ok {
		return
	}
	ctx := r.Context()
	if b.has("snapshot_id") {
		if _, err := vols.ShowSnapshot(ctx, c.AuthToken, req.SnapshotID); err != nil {
			writeErr(w, r, snapshotNotFound(err, req.SnapshotID))
			return
		}
	}
	v, err := vols.CreateVolume(ctx, c.AuthToken, req)
	if err != nil {
		writeErr(w, r, cinderError(err))
		return
	}
	w.Header().Set("Location", links(r, "os-volumes", v.ID)[0].Href)
	httpapi.WriteJSON(w, r, http.StatusOK, map[string]any{"volume": volumeProxyView(v)})
}
