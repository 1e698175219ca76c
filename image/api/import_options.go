package api

import (
	"net/url"
	"slices"
	"strconv"

	"github.com/gostack/gostack/services/config"
)

// The import options, with glance's names. copy-image is not offered:
// there is one store.
var (
	EnabledImportMethods = config.List("DEFAULT", "enabled_import_methods", []string{"glance-direct", "web-download"},
		"Import methods offered by POST /v2/images/{id}/import (glance-direct, web-download).")
	AllowedSchemes = config.List("import_filtering_opts", "allowed_schemes", []string{"http", "https"},
		"URL schemes web-download may fetch; when set, disallowed_schemes is ignored.")
	DisallowedSchemes = config.List("import_filtering_opts", "disallowed_schemes", nil,
		"URL schemes web-download may not fetch.")
	AllowedHosts = config.List("import_filtering_opts", "allowed_hosts", nil,
		"Hosts web-download may fetch from; when set, disallowed_hosts is ignored.")
	DisallowedHosts = config.List("import_filtering_opts", "disallowed_hosts", nil,
		"Hosts web-download may not fetch from.")
	AllowedPorts = config.List("import_filtering_opts", "allowed_ports", []string{"80", "443"},
		"Ports web-download may fetch from; when set, disallowed_ports is ignored.")
	DisallowedPorts = config.List("import_filtering_opts", "disallowed_ports", nil,
		"Ports web-download may not fetch from.")
)

// ImportFilter is glance's [import_filtering_opts].
type ImportFilter struct {
	AllowedSchemes, DisallowedSchemes []string
	AllowedHosts, DisallowedHosts     []string
	AllowedPorts, DisallowedPorts     []string
}

// ImportFilterFrom reads the filter from conf.
func ImportFilterFrom(conf *config.Config) ImportFilter {
	return ImportFilter{
		AllowedSchemes: AllowedSchemes.Get(conf), DisallowedSchemes: DisallowedSchemes.Get(conf),
		AllowedHosts: AllowedHosts.Get(conf), DisallowedHosts: DisallowedHosts.Get(conf),
		AllowedPorts: AllowedPorts.Get(conf), DisallowedPorts: DisallowedPorts.Get(conf),
	}
}

// Allows is glance's validate_import_uri: an allow list, when given,
// wins over its deny list; a URL without scheme or host is refused.
func (f ImportFilter) Allows(raw string) bool {
	u, err := url.Parse(raw)
	if err != nil || raw == "" {
		return false
	}
	scheme, host, port := u.Scheme, u.Hostname(), u.Port()
	check := func(v string, allow, deny []string) bool {
		if len(allow) > 0 {
			return slices.Contains(allow, v)
		}
		return !slices.Contains(deny, v)
	}
	if scheme == "" || !check(scheme, f.AllowedSchemes, f.DisallowedSchemes) {
		return false
	}
	if host == "" || !check(host, f.AllowedHosts, f.DisallowedHosts) {
		return false
	}
	if port != "" {
		if _, err := strconv.Atoi(port); err != nil {
			return false
		}
		if !check(port, f.AllowedPorts, f.DisallowedPorts) {
			return false
		}
	}
	return true
}
