package networkapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/gostack/gostack/services/auth"
	"github.com/gostack/gostack/services/fault"
	"github.com/gostack/gostack/services/jsonclient"
)

// Client calls the network service. Its methods take the user's token
// (empty: the service user's token is used).
type Client struct {
	Auth *auth.Client
	HTTP *http.Client
	// Interface is the catalog interface (public unless set).
	Interface string
}

// New returns a Client over the service user's keystone client.
func New(a *auth.Client) *Client {
	return &Client{Auth: a, HTTP: &http.Client{Timeout: 60 * time.Second}}
}

// base is the network service's v2.0 root: the catalog's endpoint (with
// or without a version) followed by /v2.0, as neutronclient builds it.
func (c *Client) base(ctx context.Context) (string, error) {
	u, err := c.Auth.Endpoint(ctx, auth.EndpointFilter{ServiceType: "network", Interface: c.Interface})
	if err != nil {
		return "", fault.Wrap(err, fault.Unavailable, "The network service (network) is not in the service catalog.")
	}
	u = strings.TrimRight(u, "/")
	u = strings.TrimSuffix(u, "/v2.0")
	return u + "/v2.0", nil
}

// do sends one request and decodes a JSON answer into out (when not nil).
func (c *Client) do(ctx context.Context, token, method, path string, in, out any) error {
	base, err := c.base(ctx)
	if err != nil {
		return err
	}
	if token == "" {
		if token, err = c.Auth.Token(ctx); err != nil {
			return fault.Wrap(err, fault.Unavailable, "Nova cannot authenticate to reach the network service.")
		}
	}
	return jsonclient.Service{Name: "network service", MaxBody: 16 << 20, ErrorOf: func(status int, body []byte) error { return errorOf(method, path, status, body) }}.Do(ctx, c.HTTP, jsonclient.Request{Method: method, URL: base + path, Token: token, In: in}, out)
}

// Error is a failed call: the status and Neutron's error type and
// message. It is wrapped in a fault of the status's kind.
type Error struct {
	Method, Path string
	Status       int
	Type         string
	Message      string
}

func (e *Error) Error() string {
	return fmt.Sprintf("network %s %s: %d %s: %s", e.Method, e.Path, e.Status, e.Type, e.Message)
}

// StatusOf is the network service's status of a failed call, or 0.
func StatusOf(err error) int {
	var e *Error
	if errors.As(err, &e) {
		return e.Status
	}
	return 0
}

// errorOf turns Neutron's error body into a fault of the matching kind
// carrying Neutron's message.
func errorOf(method, path string, status int, body []byte) error {
	e := &Error{Method: method, Path: path, Status: status}
	var ne struct {
		NeutronError struct {
			Type    string `json:"type"`
			Message string `json:"message"`
		} `json:"NeutronError"`
	}
	if json.Unmarshal(body, &ne) == nil && ne.NeutronError.Message != "" {
		e.Type, e.Message = ne.NeutronError.Type, ne.NeutronError.Message
	} else {
		// keystonemiddleware's and webob's shapes: {"error": {"message"}}
		// or {"<name>": {"message"}}.
		var m map[string]json.RawMessage
		if json.Unmarshal(body, &m) == nil {
			for _, v := range m {
				var f struct {
					Message string `json:"message"`
				}
				if json.Unmarshal(v, &f) == nil && f.Message != "" {
					e.Message = f.Message
					break
				}
			}
		}
	}
	if e.Message == "" {
		e.Message = fmt.Sprintf("The network service answered %d.", status)
	}
	kind := fault.Unavailable
	switch status {
	case http.StatusBadRequest:
		kind = fault.Invalid
	case http.StatusUnauthorized:
		kind = fault.Unauthorized
	case http.StatusForbidden:
		kind = fault.Forbidden
	case http.StatusNotFound:
		kind = fault.NotFound
	case http.StatusConflict:
		kind = fault.Conflict
	case http.StatusRequestEntityTooLarge:
		kind = fault.OverLimit
	case http.StatusNotImplemented:
		kind = fault.NotImplemented
	}
	return fault.Wrap(e, kind, "%s", e.Message)
}

func esc(s string) string { return url.PathEscape(s) }
