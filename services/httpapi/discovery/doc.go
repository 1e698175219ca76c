// Package discovery builds the version documents clients fetch before
// anything else (COMPAT §2.1, §6.2), in the three shapes upstream serves:
//
//   - List: {"versions": [...]}, the roots of nova, cinder and glance
//     (nova/api/openstack/compute/views/versions.py build_versions,
//     cinder/api/views/versions.py, glance/api/versions.py);
//   - Values: {"versions": {"values": [...]}}, keystone's root, the only
//     shape gophercloud parses there (keystone/api/discovery.py);
//   - Single: {"version": {...}}, nova's /v2.1 and keystone's /v3.
//
// Status is one of CURRENT, SUPPORTED, DEPRECATED or stable: keystoneauth
// drops other statuses and gophercloud rejects EXPERIMENTAL, so Validate
// refuses anything else. Self hrefs end with "/", as every upstream's do.
package discovery
