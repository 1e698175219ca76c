package volumeapi

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/gostack/gostack/services/auth"
	"github.com/gostack/gostack/services/fault"
	"github.com/gostack/gostack/services/jsonclient"
	"github.com/gostack/gostack/services/rpc"
)

// Microversion is the volume API microversion every call asks for (nova's
// attachment API needs 3.44 for os-complete).
const Microversion = "3.44"

// Client calls Cinder. Its methods take the user's token (empty: the
// service user's token is used alone).
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

// TokenFrom returns the user's token carried by ctx (an API request's or an
// RPC message's context), or "".
func TokenFrom(ctx context.Context) string {
	if c, ok := auth.FromContext(ctx); ok && c.AuthToken != "" {
		return c.AuthToken
	}
	if c, ok := rpc.FromContext(ctx); ok {
		return c.AuthToken
	}
	return ""
}

// base is Cinder's v3 root without a project id: Cinder reads the project
// from the token, so the service user's catalog entry (templated with the
// service project) serves calls made with a user's token too.
func (c *Client) base(ctx context.Context) (string, error) {
	var last error
	for _, st := range []string{"volumev3", "block-storage"} {
		u, err := c.Auth.Endpoint(ctx, auth.EndpointFilter{ServiceType: st, Interface: c.Interface})
		if err != nil {
			last = err
			continue
		}
		u = strings.TrimRight(u, "/")
		if i := strings.Index(u, "/v3"); i >= 0 {
			u = u[:i]
		}
		return u + "/v3", nil
	}
	return "", fault.Wrap(last, fault.Unavailable, "The block storage service (volumev3) is not in the service catalog.")
}

// do sends one request and decodes a JSON answer into out (when not nil).
func (c *Client) do(ctx context.Context, token, method, path string, in, out any) error {
	return c.doAt(ctx, token, Microversion, method, path, in, out)
}

// doAt is do at microversion mv.
func (c *Client) doAt(ctx context.Context, token, mv, method, path string, in, out any) error {
	base, err := c.base(ctx)
	if err != nil {
		return err
	}
	svc, err := c.Auth.Token(ctx)
	if err != nil {
		return fault.Wrap(err, fault.Unavailable, "Nova cannot authenticate to reach the block storage service.")
	}
	// As nova without [service_user] send_service_user_token: the user's
	// token alone (the service user need not hold the service role).
	if token == "" {
		token = svc
	}
	return jsonclient.Service{Name: "block storage service", MaxBody: 4 << 20, ErrorOf: func(status int, body []byte) error { return errorOf(method, path, status, body) }}.Do(ctx, c.HTTP, jsonclient.Request{Method: method, URL: base + path, Token: token, Header: map[string]string{"OpenStack-API-Version": "volume " + mv}, In: in}, out)
}

// errorOf turns Cinder's fault body ({"badRequest": {"message": ...}}) into
// a fault of the matching kind carrying Cinder's message.
func errorOf(method, path string, status int, body []byte) error {
	msg := ""
	var m map[string]json.RawMessage
	if json.Unmarshal(body, &m) == nil {
		for _, v := range m {
			var f struct {
				Message string `json:"message"`
			}
			if json.Unmarshal(v, &f) == nil && f.Message != "" {
				msg = f.Message
				break
			}
		}
	}
	if msg == "" {
		msg = fmt.Sprintf("The block storage service answered %d.", status)
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
	}
	return fault.Wrap(fmt.Errorf("cinder %s %s: %d", method, path, status), kind, "%s", msg)
}

func esc(s string) string { return url.PathEscape(s) }
