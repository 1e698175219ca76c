package rpc

import (
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
)

// endpoint is one broker host of a transport_url.
type endpoint struct {
	Host     string // host:port
	Username string
	Password string
	Vhost    string
}

// String names the endpoint without its password, for logs and messages.
func (e endpoint) String() string {
	return "amqp://" + e.Host + "/" + url.PathEscape(strings.TrimPrefix(e.Vhost, "/"))
}

// dialURL is the amqp:// URL for amqp091's Dial, credentials included.
func (e endpoint) dialURL() string {
	u := url.URL{Scheme: "amqp", User: url.UserPassword(e.Username, e.Password), Host: e.Host}
	if e.Vhost != "/" {
		u.Path = "/" + e.Vhost
	}
	return u.String()
}

// parseTransportURL parses oslo's transport_url:
// rabbit://user:pass@host1:port1,user:pass@host2:port2/vhost.
// A host without credentials takes the previous host's; the port defaults
// to 5672 and the virtual host to "/".
func parseTransportURL(raw string) ([]endpoint, error) {
	scheme, rest, ok := strings.Cut(raw, "://")
	if !ok {
		return nil, fmt.Errorf("transport_url %q: want rabbit://user:pass@host:port/vhost", redactURL(raw))
	}
	switch scheme {
	case "rabbit", "amqp":
	default:
		return nil, fmt.Errorf("transport_url: unsupported scheme %q (want rabbit:// or amqp://)", scheme)
	}
	authority, path, _ := strings.Cut(rest, "/")
	path, _, _ = strings.Cut(path, "?") // oslo's query options are not supported
	vhost, err := url.PathUnescape(path)
	if err != nil {
		return nil, fmt.Errorf("transport_url: virtual host: %w", err)
	}
	if vhost == "" {
		vhost = "/"
	}
	var eps []endpoint
	var user, pass string
	for _, hostPart := range strings.Split(authority, ",") {
		if hostPart == "" {
			return nil, fmt.Errorf("transport_url %q: empty host", redactURL(raw))
		}
		if i := strings.LastIndex(hostPart, "@"); i >= 0 {
			u, p, _ := strings.Cut(hostPart[:i], ":")
			if user, err = url.PathUnescape(u); err != nil {
				return nil, fmt.Errorf("transport_url: user name: %w", err)
			}
			if pass, err = url.PathUnescape(p); err != nil {
				return nil, fmt.Errorf("transport_url: password: %w", err)
			}
			hostPart = hostPart[i+1:]
		}
		host, port, err := net.SplitHostPort(hostPart)
		if err != nil {
			host, port = strings.Trim(hostPart, "[]"), "5672"
		}
		if host == "" {
			return nil, fmt.Errorf("transport_url %q: empty host", redactURL(raw))
		}
		if n, err := strconv.Atoi(port); err != nil || n <= 0 || n > 65535 {
			return nil, fmt.Errorf("transport_url %q: bad port %q", redactURL(raw), port)
		}
		eps = append(eps, endpoint{Host: net.JoinHostPort(host, port), Username: user, Password: pass, Vhost: vhost})
	}
	return eps, nil
}

// redactURL hides passwords in a transport_url for error messages.
func redactURL(raw string) string {
	scheme, rest, ok := strings.Cut(raw, "://")
	if !ok {
		return "(unparsable URL)"
	}
	authority, path, hasPath := strings.Cut(rest, "/")
	hosts := strings.Split(authority, ",")
	for i, h := range hosts {
		if at := strings.LastIndex(h, "@"); at >= 0 {
			u, _, _ := strings.Cut(h[:at], ":")
			hosts[i] = u + ":xxxxx@" + h[at+1:]
		}
	}
	out := scheme + "://" + strings.Join(hosts, ",")
	if hasPath {
		out += "/" + path
	}
	return out
}
