// Package api is the Image v2 API of glance-api (glance Zed,
// glance/api/v2/): version discovery, images (create, list, show, JSON
// patch update, delete), image data upload and download streamed to and
// from the RBD store, tags, image members (sharing), deactivate and
// reactivate, and the image and member schemas.
//
// Per resource, decoding and validation of requests (*_request.go,
// patch.go), handling (images.go, image_data.go, ...) and response shaping
// (views.go) are kept apart. Every /v2 request is authenticated by the
// middleware passed to Handler (services/auth); handlers read the caller
// with auth.FromContext and decide as glance does with enforce_secure_rbac
// off: policy rules (image/policy) plus the legacy owner-or-admin checks,
// and the database's visibility rules. An image the caller may not see is
// 404, never 403.
//
// The api-ref is api-ref/image/README.md, which lists every deliberate
// difference from upstream.
package api
