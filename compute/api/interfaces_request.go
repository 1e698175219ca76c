package api

import (
	"encoding/json"
	"net/http"
	"net/netip"
	"slices"

	"github.com/google/uuid"

	"github.com/gostack/gostack/compute/network/rpcapi"
	"github.com/gostack/gostack/compute/objects"
)

// interfaceRequest is a validated os-interface create body.
type interfaceRequest struct {
	NetworkID, PortID, IP, Tag string
}

// parseInterfaceAttachment checks the body of POST os-interface as
// nova's schema (schemas/attach_interfaces.py create, create_v249 with
// tag) and the controller's checks do. The body, and its
// interfaceAttachment, may be absent: the project's one network.
func parseInterfaceAttachment(r *http.Request) (interfaceRequest, error) {
	var out interfaceRequest
	if r.ContentLength == 0 {
		return out, nil
	}
	top, err := decodeBody(r, "")
	if err != nil {
		return out, err
	}
	if err := top.only("body", "interfaceAttachment"); err != nil {
		return out, err
	}
	v, ok := top["interfaceAttachment"]
	if !ok {
		return out, nil
	}
	m, ok := v.(map[string]any)
	if !ok {
		return out, badField("interfaceAttachment", v, "%s is not of type 'object'", repr(v))
	}
	b := body(m)
	allowed := []string{"net_id", "port_id", "fixed_ips"}
	if atLeast(r, 49) {
		allowed = append(allowed, "tag")
	}
	if err := b.only("interfaceAttachment", allowed...); err != nil {
		return out, err
	}
	for _, f := range []struct {
		key string
		dst *string
	}{{"net_id", &out.NetworkID}, {"port_id", &out.PortID}} {
		s, ok, err := b.str(f.key, false, false, 0, 0)
		if err != nil {
			return out, err
		}
		if ok {
			if _, perr := uuid.Parse(s); perr != nil {
				return out, badField(f.key, s, "%s is not a 'uuid'", repr(s))
			}
			*f.dst = s
		}
	}
	if out.IP, err = parseFixedIPs(b); err != nil {
		return out, err
	}
	if out.Tag, _, err = b.str("tag", false, false, 1, 60); err != nil {
		return out, err
	}
	if out.NetworkID != "" && out.PortID != "" {
		return out, invalid("Must not input both network_id and port_id")
	}
	if out.IP != "" && out.NetworkID == "" {
		return out, invalid("Must input network_id when request IP address")
	}
	return out, nil
}

// parseFixedIPs reads fixed_ips: one object with an ip_address.
func parseFixedIPs(b body) (string, error) {
	v, ok := b["fixed_ips"]
	if !ok {
		return "", nil
	}
	list, ok := v.([]any)
	switch {
	case !ok:
		return "", badField("fixed_ips", v, "%s is not of type 'array'", repr(v))
	case len(list) == 0:
		return "", badField("fixed_ips", v, "%s is too short", repr(v))
	case len(list) > 1:
		return "", badField("fixed_ips", v, "%s is too long", repr(v))
	}
	m, ok := list[0].(map[string]any)
	if !ok {
		return "", badField("fixed_ips", list[0], "%s is not of type 'object'", repr(list[0]))
	}
	if err := body(m).only("fixed_ips", "ip_address"); err != nil {
		return "", err
	}
	ip, ok := m["ip_address"]
	if !ok {
		return "", badField("fixed_ips", list[0], "'ip_address' is a required property")
	}
	s, _ := ip.(string)
	if _, err := netip.ParseAddr(s); err != nil {
		return "", badField("ip_address", ip, "%s is not valid under any of the given schemas", repr(ip))
	}
	return s, nil
}

// interfaceTagsKey is the system metadata key of the tags given to
// attached interfaces (2.49), by port id: nova keeps them on its
// virtual_interfaces records and shows them from 2.70.
const interfaceTagsKey = "interface_tags"

func interfaceTags(in objects.Instance) map[string]string {
	tags := map[string]string{}
	_ = json.Unmarshal([]byte(in.SystemMetadata[interfaceTagsKey]), &tags)
	return tags
}

// recordInterfaceRequest keeps the instance's network request in step
// with an attach, before the host makes it, so every path that reads
// the request (server views, delete on the host or without it, rebuild,
// moves) knows the instance has the port even while the attach runs: a
// user's port joins the requests (released by unbinding, nova's
// preserve_on_delete); an instance that asked for no network now asks
// for the network (or, with neither, the project's one network). It
// reports whether it changed the request. A detach leaves the request as
// it is: an entry for a port the instance no longer has changes nothing,
// and the request keeps saying it has ports.
func recordInterfaceRequest(sys map[string]string, req interfaceRequest) (bool, error) {
	r, err := rpcapi.DecodeRequested(sys[rpcapi.SysMetaKey])
	if err != nil {
		return false, err
	}
	switch {
	case req.PortID != "":
		if slices.ContainsFunc(r.Requests, func(q rpcapi.NetworkRequest) bool { return q.PortID == req.PortID }) {
			return false, nil
		}
		r.Requests = append(r.Requests, rpcapi.NetworkRequest{PortID: req.PortID})
	case r.Wanted():
		return false, nil
	case req.NetworkID != "":
		r.Requests = append(r.Requests, rpcapi.NetworkRequest{NetworkID: req.NetworkID})
	default:
		r.Auto = true
	}
	r.None = false
	sys[rpcapi.SysMetaKey] = r.Encode()
	return true, nil
}

// setInterfaceTag records (or, with "", removes) a port's tag.
func setInterfaceTag(sys map[string]string, portID, tag string) error {
	tags := map[string]string{}
	if s := sys[interfaceTagsKey]; s != "" {
		if err := json.Unmarshal([]byte(s), &tags); err != nil {
			return err
		}
	}
	if _, had := tags[portID]; !had && tag == "" {
		return nil
	}
	if tag == "" {
		delete(tags, portID)
	} else {
		tags[portID] = tag
	}
	if len(tags) == 0 {
		delete(sys, interfaceTagsKey)
		return nil
	}
	b, _ := json.Marshal(tags)
	sys[interfaceTagsKey] = string(b)
	return nil
}
