package api

import (
	"net/http"
	"strconv"

	"github.com/gostack/gostack/image/schema"
)

// imageSchema answers GET /v2/schemas/image (api-ref: Show image schema).
func (a *API) imageSchema(w http.ResponseWriter, r *http.Request) {
	writeRawJSON(w, http.StatusOK, schema.ImageJSON())
}

// imagesSchema answers GET /v2/schemas/images (api-ref: Show images
// schema).
func (a *API) imagesSchema(w http.ResponseWriter, r *http.Request) {
	writeRawJSON(w, http.StatusOK, schema.ImagesJSON())
}

func writeRawJSON(w http.ResponseWriter, status int, b []byte) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// memberSchema answers GET /v2/schemas/member (api-ref: Show image member
// schema).
func (a *API) memberSchema(w http.ResponseWriter, r *http.Request) {
	writeRawJSON(w, http.StatusOK, schema.MemberJSON())
}

// membersSchema answers GET /v2/schemas/members (api-ref: Show image
// members schema).
func (a *API) membersSchema(w http.ResponseWriter, r *http.Request) {
	writeRawJSON(w, http.StatusOK, schema.MembersJSON())
}
