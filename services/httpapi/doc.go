// Package httpapi is the HTTP plumbing every API daemon shares: a chi
// router with the middleware upstream OpenStack services put in their paste
// pipelines (request id, panic recovery, access log, path folding), an
// http.Server runner with graceful shutdown, and the one place where errors
// become HTTP responses.
//
// Each daemon picks a Flavor (Nova, Cinder, Keystone, Glance) in its Config.
// NewRouter stores the Config in every request's context, so WriteError,
// DecodeJSON and BaseURL render and read requests the way that service does
// upstream without the caller repeating which service it is:
//
//   - Nova, Cinder: {"itemNotFound": {"code": 404, "message": "..."}}, fault
//     names from nova/api/openstack/wsgi.py and cinder/api/openstack/wsgi.py
//     (class Fault, _fault_names; anything else is "computeFault").
//     A 401 is rendered as keystonemiddleware's auth_token does, because
//     that is where upstream 401s come from.
//   - Keystone: {"error": {"code": 401, "title": "Unauthorized", "message": "..."}}
//     (keystone/server/flask/application.py, _handle_keystone_exception).
//   - Glance: webob's own error page, negotiated on Accept: text/html, JSON
//     {"message", "code": "404 Not Found", "title"} or text/plain
//     (webob/exc.py, WSGIHTTPException.generate_response).
//
// The fault kind of an error (services/fault) decides the status; the
// user-facing message is fault.MessageOf; the internal cause is only logged,
// with the request id.
//
// Sub-packages: microversion (OpenStack-API-Version negotiation),
// pagination (limit/marker/sort and next links), discovery (version
// documents) and timefmt (each service's timestamp formats).
package httpapi
