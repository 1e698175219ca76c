package auth

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/gostack/gostack/services/log"
)

// maxBody bounds what we read of a keystone response (a token with a
// large catalog is a few tens of KiB).
const maxBody = 4 << 20

// keystone is the wire to the Identity v3 API: the two calls the
// middleware and the Client make.
type keystone struct {
	base string // .../v3
	http *http.Client
}

// passwordAuth is POST /v3/auth/tokens with the service user's password,
// scoped to its project, catalog included. It returns the token id.
func (k *keystone) passwordAuth(ctx context.Context, o *Options) (string, *Token, error) {
	user := map[string]any{"name": o.Username, "password": o.Password, "domain": domainRef(o.UserDomainID, o.UserDomainName)}
	body := map[string]any{"auth": map[string]any{
		"identity": map[string]any{"methods": []string{"password"}, "password": map[string]any{"user": user}},
		"scope": map[string]any{"project": map[string]any{
			"name": o.ProjectName, "domain": domainRef(o.ProjectDomainID, o.ProjectDomainName)}},
	}}
	data, err := json.Marshal(body)
	if err != nil {
		return "", nil, fmt.Errorf("encode auth request: %w", err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, k.base+"/auth/tokens", bytes.NewReader(data))
	if err != nil {
		return "", nil, unavailable(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	status, header, resp, err := k.do(req)
	if err != nil {
		return "", nil, err
	}
	if status != http.StatusCreated {
		return "", nil, unavailable(fmt.Errorf("authenticate service user %s: keystone answered %d: %s",
			o.Username, status, snippet(resp, o.Password)))
	}
	t, err := decodeToken(resp)
	if err != nil {
		return "", nil, unavailable(fmt.Errorf("authenticate service user %s: %w", o.Username, err))
	}
	id := header.Get("X-Subject-Token")
	if id == "" {
		return "", nil, unavailable(fmt.Errorf("authenticate service user %s: no X-Subject-Token", o.Username))
	}
	return id, t, nil
}

func domainRef(id, name string) map[string]string {
	if id != "" {
		return map[string]string{"id": id}
	}
	return map[string]string{"name": name}
}

// validate is GET /v3/auth/tokens for subject with the service token:
// 404 means the subject is invalid (ErrInvalidToken); 401 means keystone
// refused the service token (errServiceRejected); anything else that is
// not a token is ErrUnavailable.
func (k *keystone) validate(ctx context.Context, service, subject string, allowExpired, catalog bool) (*Token, error) {
	q := url.Values{}
	if !catalog {
		q.Set("nocatalog", "")
	}
	if allowExpired {
		q.Set("allow_expired", "1")
	}
	u := k.base + "/auth/tokens"
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, unavailable(err)
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("X-Auth-Token", service)
	req.Header.Set("X-Subject-Token", subject)
	status, _, resp, err := k.do(req)
	if err != nil {
		return nil, err
	}
	switch status {
	case http.StatusOK:
		t, err := decodeToken(resp)
		if err != nil {
			return nil, invalidToken("keystone's answer: %v", err)
		}
		return t, nil
	case http.StatusNotFound:
		// keystone's 404 says "Could not find token: <the token>."
		return nil, invalidToken("keystone answered 404")
	case http.StatusUnauthorized:
		return nil, unavailable(fmt.Errorf("%w: %s", errServiceRejected, snippet(resp, service, subject)))
	}
	return nil, unavailable(fmt.Errorf("validate token: keystone answered %d: %s", status, snippet(resp, service, subject)))
}

// do sends req and reads the response; a transport failure is
// ErrUnavailable.
func (k *keystone) do(req *http.Request) (int, http.Header, []byte, error) {
	resp, err := k.http.Do(req)
	if err != nil {
		return 0, nil, nil, unavailable(fmt.Errorf("%s %s: %w", req.Method, req.URL.Redacted(), err))
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if err != nil {
		return 0, nil, nil, unavailable(fmt.Errorf("%s %s: read response: %w", req.Method, req.URL.Redacted(), err))
	}
	return resp.StatusCode, resp.Header, body, nil
}

// snippet is the start of an error body for the logs, without the
// secrets we sent (keystone may quote a token back) or any it names.
func snippet(b []byte, secrets ...string) string {
	const n = 300
	s := strings.TrimSpace(string(b))
	for _, secret := range secrets {
		if secret != "" {
			s = strings.ReplaceAll(s, secret, log.Mask)
		}
	}
	s = log.Redact(s)
	if len(s) > n {
		s = s[:n] + "..."
	}
	return s
}
