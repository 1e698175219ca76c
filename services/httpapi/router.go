package httpapi

import (
	"net/http"
	"strings"

	"github.com/go-chi/chi/v5"

	"github.com/gostack/gostack/services/fault"
)

// NewRouter returns a chi router with the middleware every daemon runs, in
// this order: Config in the context, request id, access log, panic
// recovery, path folding. Its own 404 and 405 answers use the flavor's
// error shape, and a 405 lists the allowed methods in Allow; for Nova a
// method the folded path does not allow is a 404 when the path ended in
// "/" (an empty member id).
func NewRouter(cfg Config) *chi.Mux {
	mux := chi.NewRouter()
	mux.Use(WithConfig(cfg), RequestIDMiddleware, AccessLog, Recover, NormalizePath)
	mux.NotFound(func(w http.ResponseWriter, r *http.Request) {
		WriteError(w, r, fault.New(fault.NotFound, MsgNotFound))
	})
	mux.MethodNotAllowed(func(w http.ResponseWriter, r *http.Request) {
		// Nova: "DELETE /images/" names a member with an empty id, not
		// the collection it was folded into: not found, as upstream.
		if cfg.Flavor == Nova && hadTrailingSlash(r) {
			WriteError(w, r, fault.New(fault.NotFound, MsgNotFound))
			return
		}
		if allow := allowedMethods(mux, r.URL.Path); allow != "" {
			w.Header().Set("Allow", allow)
		}
		WriteError(w, r, fault.New(fault.NotAllowed, "The method %s is not allowed for this resource.", r.Method))
	})
	return mux
}

var routeMethods = []string{
	http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut,
	http.MethodPatch, http.MethodDelete, http.MethodOptions,
}

func allowedMethods(routes chi.Routes, path string) string {
	var allow []string
	for _, m := range routeMethods {
		if routes.Match(chi.NewRouteContext(), m, path) {
			allow = append(allow, m)
		}
	}
	return strings.Join(allow, ", ")
}
