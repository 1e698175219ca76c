package ceph

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"strings"

	"github.com/gostack/gostack/services/fault"
)

// MonAddr is a monitor's address as libvirt's RBD disk source wants it:
// <host name='Host' port='Port'/>.
type MonAddr struct {
	Name string // the monitor's name, "" when known only from the conf
	Host string // IP address or host name, without brackets
	Port string
}

// MonAddrs returns the monitors' addresses from the monitor map (as Nova does
// with `ceph mon dump`), preferring each monitor's msgr v1 address, which
// every QEMU speaks. If the map cannot be read it falls back to the conf's
// mon_host.
func (c *Client) MonAddrs(ctx context.Context) ([]MonAddr, error) {
	out, err := c.monCommand(ctx, map[string]any{"prefix": "mon dump", "format": "json"})
	if err == nil {
		var addrs []MonAddr
		if addrs, err = parseMonDump(out); err == nil {
			return addrs, nil
		}
	}
	monHost, cerr := c.conn.GetConfigOption("mon_host")
	if cerr != nil {
		return nil, c.classify(errors.Join(err, cerr), "read", "the monitor addresses")
	}
	addrs, perr := parseMonHost(monHost)
	if perr != nil {
		return nil, fault.Wrap(errors.Join(err, perr), fault.Unavailable,
			"Cannot find the Ceph monitors' addresses (%s).", c.where)
	}
	return addrs, nil
}

// parseMonDump reads `mon dump --format json`.
func parseMonDump(out []byte) ([]MonAddr, error) {
	var dump struct {
		Mons []struct {
			Name        string `json:"name"`
			Addr        string `json:"addr"`
			PublicAddrs struct {
				Addrvec []struct {
					Type string `json:"type"`
					Addr string `json:"addr"`
				} `json:"addrvec"`
			} `json:"public_addrs"`
		} `json:"mons"`
	}
	if err := json.Unmarshal(out, &dump); err != nil {
		return nil, fmt.Errorf("decode mon dump: %w", err)
	}
	var addrs []MonAddr
	for _, m := range dump.Mons {
		chosen := ""
		for _, a := range m.PublicAddrs.Addrvec {
			if a.Type == "v1" {
				chosen = a.Addr
				break
			}
			if chosen == "" {
				chosen = a.Addr
			}
		}
		if chosen == "" {
			chosen = m.Addr
		}
		host, port, err := splitAddr(chosen)
		if err != nil {
			return nil, fmt.Errorf("monitor %s: %w", m.Name, err)
		}
		addrs = append(addrs, MonAddr{Name: m.Name, Host: host, Port: port})
	}
	if len(addrs) == 0 {
		return nil, errors.New("mon dump lists no monitors")
	}
	return addrs, nil
}

// parseMonHost reads a mon_host option: addresses separated by commas, spaces
// or semicolons, each plain (ip[:port]) or an address vector
// ([v2:ip:3300,v1:ip:6789]); v1 is preferred within a vector.
func parseMonHost(s string) ([]MonAddr, error) {
	var addrs []MonAddr
	rest := strings.TrimSpace(s)
	for rest != "" {
		var item string
		if strings.HasPrefix(rest, "[v") || strings.HasPrefix(rest, "[any:") {
			end := strings.Index(rest, "]")
			if end < 0 {
				return nil, fmt.Errorf("mon_host %q: unterminated address vector", s)
			}
			item, rest = rest[:end+1], rest[end+1:]
		} else {
			end := strings.IndexAny(rest, ", ;")
			if end < 0 {
				end = len(rest)
			}
			item, rest = rest[:end], rest[end:]
		}
		rest = strings.TrimLeft(rest, ", ;")
		if item == "" {
			continue
		}
		a, err := parseMonItem(item)
		if err != nil {
			return nil, fmt.Errorf("mon_host %q: %w", s, err)
		}
		addrs = append(addrs, a)
	}
	if len(addrs) == 0 {
		return nil, fmt.Errorf("mon_host %q names no monitor", s)
	}
	return addrs, nil
}

func parseMonItem(item string) (MonAddr, error) {
	if strings.HasPrefix(item, "[v") || strings.HasPrefix(item, "[any:") {
		chosen := ""
		for _, part := range strings.Split(strings.Trim(item, "[]"), ",") {
			typ, addr, ok := strings.Cut(part, ":")
			if !ok {
				return MonAddr{}, fmt.Errorf("bad address %q", part)
			}
			if typ == "v1" {
				chosen = addr
				break
			}
			if chosen == "" {
				chosen = addr
			}
		}
		host, port, err := splitAddr(chosen)
		return MonAddr{Host: host, Port: port}, err
	}
	for _, p := range []string{"v1:", "v2:", "any:"} {
		item = strings.TrimPrefix(item, p)
	}
	host, port, err := splitAddr(item)
	return MonAddr{Host: host, Port: port}, err
}

// splitAddr splits ip:port/nonce (or a bare ip) into host and port; a bare
// host gets the v1 default port 6789.
func splitAddr(a string) (host, port string, err error) {
	a, _, _ = strings.Cut(a, "/")
	if a == "" {
		return "", "", errors.New("empty address")
	}
	host, port, err = net.SplitHostPort(a)
	if err != nil {
		// No port: a bare IPv4, name, or bracketed/bare IPv6 address.
		h := strings.Trim(a, "[]")
		if strings.Count(h, ":") == 1 {
			return "", "", fmt.Errorf("bad address %q: %w", a, err)
		}
		return h, "6789", nil
	}
	if host == "" || port == "" {
		return "", "", fmt.Errorf("bad address %q", a)
	}
	return host, port, nil
}
