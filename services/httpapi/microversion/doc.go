// Package microversion negotiates OpenStack API microversions as nova and
// cinder do.
//
// The requested version is read from the standard header
// "OpenStack-API-Version: <service> X.Y" (several services may be listed,
// comma-separated, the last entry for the service wins), then from the
// legacy headers ("X-OpenStack-Nova-API-Version: X.Y", last comma-separated
// value), following microversion_parse.get_version. "latest" means the
// maximum; no header means the minimum (2.1 for compute, 3.0 for volume).
// A malformed value is 400 and a version outside [min, max] is 406, with
// the messages of nova/exception.py (InvalidAPIVersionString,
// InvalidGlobalAPIVersion), rendered in the service's error shape by
// httpapi.WriteError. Accept is never consulted: an empty or */* Accept
// never leads to 406.
//
// Responses echo the negotiated version as nova does
// (nova/api/openstack/wsgi.py): "OpenStack-API-Version: compute 2.1",
// "X-OpenStack-Nova-API-Version: 2.1" and Vary naming both headers; cinder
// sends only "OpenStack-API-Version: volume 3.0" and "Vary:
// OpenStack-API-Version" (cinder/api/openstack/wsgi.py). On a 406 the
// requested version is echoed, because upstream assigns it before checking
// the range; on a 400 nothing is.
//
// Differences from upstream, on purpose: cinder reads only the standard
// header and answers 400 when it lacks a "volume" entry; here both services
// fall back to their legacy header and then to the minimum, as nova does.
package microversion
