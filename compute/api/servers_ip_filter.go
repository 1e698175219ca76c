package api

import (
	"net/http"

	"github.com/gostack/gostack/compute/store"
	"github.com/gostack/gostack/services/httpapi"
)

// ipFilter applies the ip and ip6 list filters as nova does with a
// network service that has neutron's ip-substring-filtering: the ports
// the caller sees with a fixed IP containing the value name the servers
// (nova's _ip_filter_using_neutron), which join any uuid filter. noMatch
// is true when no port matched: the list is empty. Without a network
// service the filters are not applied.
func (a *API) ipFilter(r *http.Request, c caller, f *store.InstanceFilter) (noMatch bool, err error) {
	q := httpapi.QueryOf(r)
	ip, ip6 := q.Get("ip"), q.Get("ip6")
	if (ip == "" && ip6 == "") || a.netapi == nil {
		return false, nil
	}
	var uuids []string
	for _, addr := range []string{ip, ip6} {
		if addr == "" {
			continue
		}
		devices, err := a.netapi.DevicesByIPSubstring(r.Context(), c.AuthToken, addr)
		if err != nil {
			return false, err
		}
		uuids = append(uuids, devices...)
	}
	if len(uuids) == 0 {
		return true, nil
	}
	f.UUIDs = append(f.UUIDs, uuids...)
	return false, nil
}
