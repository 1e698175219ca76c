package api

import (
	"context"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/gostack/gostack/services/auth"
	"github.com/gostack/gostack/services/fault"
	"github.com/gostack/gostack/services/httpapi"
	"github.com/gostack/gostack/services/httpapi/pagination"
	"github.com/gostack/gostack/services/httpapi/timefmt"
)

// The image proxy (GET/DELETE /images, /images/{id}/metadata) is
// deprecated: nova serves it up to 2.35 and answers 404 from 2.36, where
// clients talk to Glance directly.
const imagesMaxMinor = 35

// ImageCatalog is what the image proxy needs of Glance (*Glance has it):
// raw Image API v2 image records, as the caller may see them.
type ImageCatalog interface {
	ListImages(ctx context.Context, userToken string, q url.Values) ([]map[string]any, error)
	GetImage(ctx context.Context, userToken, id string) (map[string]any, error)
	PatchImage(ctx context.Context, userToken, id string, ops []map[string]any) (map[string]any, error)
	DeleteImage(ctx context.Context, userToken, id string) error
}

var _ ImageCatalog = (*Glance)(nil)

// jsonPatch is a Glance PATCH body (sent as
// application/openstack-images-v2.1-json-patch).
type jsonPatch []map[string]any

// ListImages implements ImageCatalog: every page of GET /v2/images.
func (g *Glance) ListImages(ctx context.Context, userToken string, q url.Values) ([]map[string]any, error) {
	var all []map[string]any
	path := "/v2/images?" + q.Encode()
	for path != "" {
		var page struct {
			Images []map[string]any `json:"images"`
			Next   string           `json:"next"`
		}
		if err := g.call(ctx, userToken, http.MethodGet, path, nil, &page, http.StatusOK); err != nil {
			return nil, err
		}
		all = append(all, page.Images...)
		path = page.Next
		if q.Get("limit") != "" {
			break // the caller pages
		}
	}
	return all, nil
}

// GetImage implements ImageCatalog.
func (g *Glance) GetImage(ctx context.Context, userToken, id string) (map[string]any, error) {
	var img map[string]any
	err := g.call(ctx, userToken, http.MethodGet, "/v2/images/"+url.PathEscape(id), nil, &img, http.StatusOK)
	return img, err
}

// PatchImage implements ImageCatalog.
func (g *Glance) PatchImage(ctx context.Context, userToken, id string, ops []map[string]any) (map[string]any, error) {
	var img map[string]any
	err := g.call(ctx, userToken, http.MethodPatch, "/v2/images/"+url.PathEscape(id), jsonPatch(ops), &img, http.StatusOK)
	return img, err
}

// imageCatalog is Glance for an image proxy request, or false with the
// error written (404 from 2.36, 401 without a caller).
func (a *API) imageCatalog(w http.ResponseWriter, r *http.Request) (ImageCatalog, bool) {
	if atLeast(r, imagesMaxMinor+1) {
		writeErr(w, r, fault.New(fault.NotFound, httpapi.MsgNotFound))
		return nil, false
	}
	if _, err := callerOf(r); err != nil {
		writeErr(w, r, err)
		return nil, false
	}
	ic, ok := a.images.(ImageCatalog)
	if !ok {
		writeErr(w, r, fault.New(fault.NotImplemented, "The image service is not configured."))
		return nil, false
	}
	return ic, true
}

// urlImage is imageCatalog and the URL's image, or false with the error
// written.
func (a *API) urlImage(w http.ResponseWriter, r *http.Request) (ImageCatalog, map[string]any, bool) {
	ic, ok := a.imageCatalog(w, r)
	if !ok {
		return nil, nil, false
	}
	img, err := imageOf(r, ic)
	if err != nil {
		writeErr(w, r, err)
		return nil, nil, false
	}
	return ic, img, true
}

func userToken(r *http.Request) string {
	if c, ok := auth.FromContext(r.Context()); ok {
		return c.AuthToken
	}
	return ""
}

// imageProperties are a Glance image's extra properties: nova's
// "metadata" of an image.
func imageProperties(img map[string]any) map[string]string {
	out := map[string]string{}
	for k, v := range img {
		if s, ok := v.(string); ok && !imageBase[k] {
			out[k] = s
		}
	}
	return out
}

// imageView is nova's image view (views/images.py) of a Glance record.
func imageView(r *http.Request, img map[string]any, detail bool) map[string]any {
	id, _ := img["id"].(string)
	v := map[string]any{"id": id, "name": img["name"], "links": imageLinks(r, id)}
	if !detail {
		return v
	}
	status, _ := img["status"].(string)
	num := func(k string) int { f, _ := img[k].(float64); return int(f) }
	props := imageProperties(img)
	v["minRam"], v["minDisk"] = num("min_ram"), num("min_disk")
	v["metadata"] = props
	v["created"] = glanceTime(img["created_at"])
	v["updated"] = glanceTime(img["updated_at"])
	v["status"] = map[string]string{"active": "ACTIVE", "queued": "SAVING", "saving": "SAVING", "importing": "SAVING",
		"deleted": "DELETED", "pending_delete": "DELETED", "killed": "ERROR"}[status]
	if v["status"] == "" {
		v["status"] = "UNKNOWN"
	}
	v["progress"] = map[string]int{"queued": 25, "saving": 50, "active": 100}[status]
	v["OS-EXT-IMG-SIZE:size"] = img["size"]
	if server := props["instance_uuid"]; server != "" {
		v["server"] = map[string]any{"id": server, "links": links(r, "servers", server)}
	}
	if adc, ok := props["auto_disk_config"]; ok {
		if b, err := strconv.ParseBool(adc); err == nil && b {
			v["OS-DCF:diskConfig"] = "AUTO"
		} else {
			v["OS-DCF:diskConfig"] = "MANUAL"
		}
	}
	return v
}

func imageLinks(r *http.Request, id string) []map[string]string {
	out := []map[string]string{}
	for _, l := range links(r, "images", id) {
		out = append(out, map[string]string{"rel": l.Rel, "href": l.Href})
	}
	return out
}

// glanceTime renders Glance's RFC 3339 time as nova's "…T…Z" (no
// fraction).
func glanceTime(v any) any {
	s, _ := v.(string)
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return nil
	}
	return timefmt.Seconds(t)
}

// imageQuery turns nova's image list filters into Glance's (nova's
// SUPPORTED_FILTERS and _extract_query_params_v2).
func imageQuery(r *http.Request) url.Values {
	in, out := httpapi.QueryOf(r).URLValues(), url.Values{}
	for k, vs := range in {
		if len(vs) == 0 {
			continue
		}
		v := vs[len(vs)-1]
		switch {
		case k == "name":
			out.Set("name", v)
		case k == "status":
			out.Set("status", strings.ToLower(v))
		case k == "changes-since":
			out.Set("updated_at", "gte:"+v)
		case k == "server":
			out.Set("instance_uuid", v[strings.LastIndex(v, "/")+1:])
		case k == "type":
			out.Set("image_type", v)
		case k == "minRam":
			out.Set("min_ram", v)
		case k == "minDisk":
			out.Set("min_disk", v)
		case strings.HasPrefix(k, "property-"):
			out.Set(strings.TrimPrefix(k, "property-"), v)
		case k == "limit" || k == "marker" || k == "sort_key" || k == "sort_dir":
			out.Set(k, v)
		}
	}
	return out
}

func (a *API) listImages(w http.ResponseWriter, r *http.Request)       { a.imageList(w, r, false) }
func (a *API) listImagesDetail(w http.ResponseWriter, r *http.Request) { a.imageList(w, r, true) }

// imageList is api-ref "List Images" and "List Images With Details".
func (a *API) imageList(w http.ResponseWriter, r *http.Request, detail bool) {
	ic, ok := a.imageCatalog(w, r)
	if !ok {
		return
	}
	p, err := pagination.Parse(r, pagination.Options{MaxLimit: a.set.MaxLimit})
	if err != nil {
		writeErr(w, r, err)
		return
	}
	q := imageQuery(r)
	q.Set("limit", strconv.Itoa(p.Limit))
	if p.Zero {
		httpapi.WriteJSON(w, r, http.StatusOK, map[string]any{"images": []any{}})
		return
	}
	list, err := ic.ListImages(r.Context(), userToken(r), q)
	if err != nil {
		writeErr(w, r, err)
		return
	}
	out := make([]map[string]any, 0, len(list))
	last := ""
	for _, img := range list {
		out = append(out, imageView(r, img, detail))
		last, _ = img["id"].(string)
	}
	body := map[string]any{"images": out}
	if l := nextLinks(r, p, len(out), last); l != nil {
		body["images_links"] = l
	}
	httpapi.WriteJSON(w, r, http.StatusOK, body)
}

// imageOf loads the URL's image, with nova's 404 message.
func imageOf(r *http.Request, ic ImageCatalog) (map[string]any, error) {
	img, err := ic.GetImage(r.Context(), userToken(r), chi.URLParam(r, "image_id"))
	if fault.KindOf(err) == fault.NotFound {
		return nil, fault.New(fault.NotFound, "Image not found.")
	}
	return img, err
}

// showImage is api-ref "Show Image Details".
func (a *API) showImage(w http.ResponseWriter, r *http.Request) {
	_, img, ok := a.urlImage(w, r)
	if !ok {
		return
	}
	httpapi.WriteJSON(w, r, http.StatusOK, map[string]any{"image": imageView(r, img, true)})
}

// deleteImage is api-ref "Delete Image".
func (a *API) deleteImage(w http.ResponseWriter, r *http.Request) {
	ic, _, ok := a.urlImage(w, r)
	if !ok {
		return
	}
	if err := ic.DeleteImage(r.Context(), userToken(r), chi.URLParam(r, "image_id")); err != nil {
		if fault.KindOf(err) == fault.Forbidden {
			err = fault.New(fault.Forbidden, "You are not allowed to delete the image.")
		}
		writeErr(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// showImageMetadata is api-ref "List Image Metadata".
func (a *API) showImageMetadata(w http.ResponseWriter, r *http.Request) {
	_, img, ok := a.urlImage(w, r)
	if !ok {
		return
	}
	httpapi.WriteJSON(w, r, http.StatusOK, map[string]any{"metadata": imageProperties(img)})
}

// showImageMetadataItem is api-ref "Show Image Metadata Item".
func (a *API) showImageMetadataItem(w http.ResponseWriter, r *http.Request) {
	_, img, ok := a.urlImage(w, r)
	if !ok {
		return
	}
	key := chi.URLParam(r, "key")
	v, found := imageProperties(img)[key]
	if !found {
		writeErr(w, r, fault.New(fault.NotFound, httpapi.MsgNotFound))
		return
	}
	httpapi.WriteJSON(w, r, http.StatusOK, map[string]any{"meta": map[string]string{key: v}})
}

// metadataBody reads {"metadata": {...}} or {"meta": {...}} of string
// values, nova's image metadata schemas.
func metadataBody(r *http.Request, root string) (map[string]string, error) {
	b, err := decodeBody(r, root)
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	for k, v := range b {
		s, ok := v.(string)
		if !ok {
			return nil, badField(root+"."+k, v, "%s is not of type 'string'", repr(v))
		}
		if len(k) < 1 || len(k) > 255 {
			return nil, badField(root, map[string]any(b), "'%s' does not match any of the regexes: '^[a-zA-Z0-9-_:. ]{1,255}$'", k)
		}
		if len(s) > 255 {
			return nil, badField(root+"."+k, v, "%s is too long", repr(v))
		}
		out[k] = s
	}
	return out, nil
}

// writeImageProperties makes the image's properties want: with purge, the
// others go (nova's update with purge_props). Beyond the metadata_items
// quota nova refuses with 403.
func (a *API) writeImageProperties(r *http.Request, ic ImageCatalog, img map[string]any, want map[string]string, purge bool) (map[string]string, error) {
	have := imageProperties(img)
	final := map[string]string{}
	if !purge {
		for k, v := range have {
			final[k] = v
		}
	}
	for k, v := range want {
		final[k] = v
	}
	if limit := a.limitFor(r, callerProject(r), "metadata_items"); limit >= 0 && len(final) > limit {
		return nil, fault.New(fault.Forbidden, "Image metadata limit exceeded")
	}
	keys := make([]string, 0, len(final))
	for k := range final {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var ops []map[string]any
	for _, k := range keys {
		op := "add"
		if _, ok := have[k]; ok {
			op = "replace"
		}
		ops = append(ops, map[string]any{"op": op, "path": "/" + jsonPointer(k), "value": final[k]})
	}
	for k := range have {
		if _, ok := final[k]; !ok {
			ops = append(ops, map[string]any{"op": "remove", "path": "/" + jsonPointer(k)})
		}
	}
	id, _ := img["id"].(string)
	updated, err := ic.PatchImage(r.Context(), userToken(r), id, ops)
	if err != nil {
		return nil, err
	}
	return imageProperties(updated), nil
}

func jsonPointer(k string) string {
	return strings.ReplaceAll(strings.ReplaceAll(k, "~", "~0"), "/", "~1")
}

func callerProject(r *http.Request) string {
	if c, ok := auth.FromContext(r.Context()); ok {
		return c.ProjectID
	}
	return ""
}

// setImageMetadata is api-ref "Create Image Metadata" (POST, merge) and
// "Update Image Metadata" (PUT, replace).
func (a *API) setImageMetadata(purge bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		ic, ok := a.imageCatalog(w, r)
		if !ok {
			return
		}
		want, err := metadataBody(r, "metadata")
		if err != nil {
			writeErr(w, r, err)
			return
		}
		img, err := imageOf(r, ic)
		if err != nil {
			writeErr(w, r, err)
			return
		}
		props, err := a.writeImageProperties(r, ic, img, want, purge)
		if err != nil {
			writeErr(w, r, err)
			return
		}
		if purge {
			props = want
		}
		httpapi.WriteJSON(w, r, http.StatusOK, map[string]any{"metadata": props})
	}
}

// setImageMetadataItem is api-ref "Create Or Update Image Metadata Item".
func (a *API) setImageMetadataItem(w http.ResponseWriter, r *http.Request) {
	ic, ok := a.imageCatalog(w, r)
	if !ok {
		return
	}
	meta, err := metadataBody(r, "meta")
	if err != nil {
		writeErr(w, r, err)
		return
	}
	key := chi.URLParam(r, "key")
	if _, ok := meta[key]; !ok || len(meta) != 1 {
		writeErr(w, r, invalid("Request body and URI mismatch"))
		return
	}
	img, err := imageOf(r, ic)
	if err != nil {
		writeErr(w, r, err)
		return
	}
	if _, err := a.writeImageProperties(r, ic, img, meta, false); err != nil {
		writeErr(w, r, err)
		return
	}
	httpapi.WriteJSON(w, r, http.StatusOK, map[string]any{"meta": meta})
}

// deleteImageMetadataItem is api-ref "Delete Image Metadata Item".
func (a *API) deleteImageMetadataItem(w http.ResponseWriter, r *http.Request) {
	ic, img, ok := a.urlImage(w, r)
	if !ok {
		return
	}
	key := chi.URLParam(r, "key")
	props := imageProperties(img)
	if _, ok := props[key]; !ok {
		writeErr(w, r, fault.New(fault.NotFound, "Invalid metadata key"))
		return
	}
	delete(props, key)
	if _, err := a.writeImageProperties(r, ic, img, props, true); err != nil {
		writeErr(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// imageRoutes are the image proxy's routes.
func (a *API) imageRoutes(r chi.Router) {
	r.Get("/images", a.listImages)
	r.Get("/images/detail", a.listImagesDetail)
	r.Get("/images/{image_id}", a.showImage)
	r.Delete("/images/{image_id}", a.deleteImage)
	r.Get("/images/{image_id}/metadata", a.showImageMetadata)
	r.Post("/images/{image_id}/metadata", a.setImageMetadata(false))
	r.Put("/images/{image_id}/metadata", a.setImageMetadata(true))
	r.Get("/images/{image_id}/metadata/{key}", a.showImageMetadataItem)
	r.Put("/images/{image_id}/metadata/{key}", a.setImageMetadataItem)
	r.Delete("/images/{image_id}/metadata/{key}", a.deleteImageMetadataItem)
}
