// Package pagination reads list parameters (limit, marker, sort_key and
// sort_dir, or sort=key:dir,...) and builds "next" links, each in the way
// of the service named by the request's httpapi.Config flavor:
//
//   - Nova: limit must match ^[0-9]*$ and not be empty (the query schema
//     in nova/api/validation/parameter_types.py, pagination_parameters);
//     repeated sort_key/sort_dir; links as "servers_links": [{"rel":
//     "next", "href": absolute URL}] (nova/api/openstack/common.py,
//     ViewBuilder._get_collection_links).
//   - Cinder: "limit param must be an integer"/"... must be positive";
//     sort=key:dir,... or one sort_key/sort_dir, not both
//     (cinder/api/common.py); "volumes_links" like nova.
//   - Glance: the same limit messages; sort=... or repeated
//     sort_key/sort_dir with glance's messages; a relative
//     "next": "/v2/images?marker=..." (glance/api/v2/images.py).
//   - Keystone: "links": {"self", "previous", "next"} with absolute URLs
//     (keystone/server/flask/common.py, wrap_collection).
//
// Query values equal to "None" count as absent (httpapi.Query). A limit of
// 0, or none, means the default page size; any limit is capped at
// MaxLimit.
//
// Differences from upstream, on purpose: nova rebuilds the next link from a
// dict of the query, keeping only the last of repeated parameters; here
// every value is kept, so repeated sort_key survive into the next page.
package pagination
