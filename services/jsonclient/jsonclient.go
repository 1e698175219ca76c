// Package jsonclient sends one JSON request to another OpenStack service
// (Cinder, the network API) on a caller's behalf: the token, the request
// id of the RPC context, a JSON body in, a JSON answer out, and the
// service's error body turned into a fault by the caller's errorOf.
package jsonclient

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"

	"github.com/gostack/gostack/services/fault"
	"github.com/gostack/gostack/services/rpc"
)

// Request is one call.
type Request struct {
	Method, URL, Token string
	// Header holds extra headers (a microversion).
	Header map[string]string
	// In is marshalled as the JSON body when not nil.
	In any
}

// Service names the service in errors and says how to read its answers.
type Service struct {
	Name string // "block storage service"
	// MaxBody bounds an answer's size.
	MaxBody int64
	// ErrorOf turns an answer of status 300 or more into a fault.
	ErrorOf func(status int, body []byte) error
}

// Do sends req with hc (http.DefaultClient when nil) and decodes a JSON
// answer into out (when not nil).
func (s Service) Do(ctx context.Context, hc *http.Client, req Request, out any) error {
	var body io.Reader
	if req.In != nil {
		b, err := json.Marshal(req.In)
		if err != nil {
			return err
		}
		body = bytes.NewReader(b)
	}
	r, err := http.NewRequestWithContext(ctx, req.Method, req.URL, body)
	if err != nil {
		return err
	}
	r.Header.Set("X-Auth-Token", req.Token)
	r.Header.Set("Accept", "application/json")
	if req.In != nil {
		r.Header.Set("Content-Type", "application/json")
	}
	for k, v := range req.Header {
		r.Header.Set(k, v)
	}
	if rc, ok := rpc.FromContext(ctx); ok && rc.RequestID != "" {
		r.Header.Set("X-OpenStack-Request-ID", rc.RequestID)
	}
	if hc == nil {
		hc = http.DefaultClient
	}
	resp, err := hc.Do(r)
	if err != nil {
		return fault.Wrap(err, fault.Unavailable, "The %s is not reachable.", s.Name)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, s.MaxBody))
	if err != nil {
		return fault.Wrap(err, fault.Unavailable, "The %s's answer could not be read.", s.Name)
	}
	if resp.StatusCode >= 300 {
		return s.ErrorOf(resp.StatusCode, data)
	}
	if out != nil && len(data) > 0 {
		if err := json.Unmarshal(data, out); err != nil {
			return fault.Wrap(err, fault.Unavailable, "The %s sent an answer Nova cannot read.", s.Name)
		}
	}
	return nil
}
