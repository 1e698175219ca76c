package log

import (
	"bytes"
	"fmt"
	"log/slog"
	"strings"
	"testing"
)

func TestRedact(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"keystone password auth",
			`{"auth": {"identity": {"methods": ["password"], "password": {"user": {"name": "admin", "domain": {"id": "default"}, "password": "s3cr\"et"}}}}}`,
			`{"auth": {"identity": {"methods": ["password"], "password": {"user": {"name": "admin", "domain": {"id": "default"}, "password": "***"}}}}}`},
		{"compact json", `{"password":"x","name":"y"}`, `{"password":"***","name":"y"}`},
		{"adminPass", `{"server": {"adminPass": "Zx9!", "id": "42"}}`, `{"server": {"adminPass": "***", "id": "42"}}`},
		{"change password", `{"user": {"original_password": "a", "password": "b"}}`, `{"user": {"original_password": "***", "password": "***"}}`},
		{"application credential secret", `{"application_credential": {"id": "1", "secret": "abc"}}`, `{"application_credential": {"id": "1", "secret": "***"}}`},
		{"token auth", `{"identity": {"methods": ["token"], "token": {"id": "gAAAAABk"}}}`, `{"identity": {"methods": ["token"], "token": {"id": "***"}}}`},
		{"keypair private key", `{"keypair": {"private_key": "-----BEGIN RSA PRIVATE KEY-----\nMII\n"}}`, `{"keypair": {"private_key": "***"}}`},
		{"case-insensitive key", `{"Password": "x"}`, `{"Password": "***"}`},
		{"non-secret untouched", `{"name": "password", "id": "token"}`, `{"name": "password", "id": "token"}`},
		{"form body", `username=admin&password=hunter2&x=1`, `username=admin&password=***&x=1`},
		{"key=value log", `connecting with password=hunter2 user=x`, `connecting with password=*** user=x`},
		{"auth token header", `X-Auth-Token: gAAAAABkT0k3n`, `X-Auth-Token: ***`},
		{"subject token header", `x-subject-token: gAAAA-_=`, `x-subject-token: ***`},
		{"service token header", `X-Service-Token:abc`, `X-Service-Token:***`},
		{"go header map", `map[Content-Type:[application/json] X-Auth-Token:[gAAAA]]`, `map[Content-Type:[application/json] X-Auth-Token:[***]]`},
		{"json header map", `{"X-Auth-Token": ["gAAAA"], "Accept": ["*/*"]}`, `{"X-Auth-Token": ["***"], "Accept": ["*/*"]}`},
		{"curl header", `curl -H "X-Auth-Token: gAAAA" http://x`, `curl -H "X-Auth-Token: ***" http://x`},
		{"authorization", `Authorization: Basic dXNlcjpwdw==`, `Authorization: Basic ***`},
		{"transport url", `rabbit://nova:pw@127.0.0.1:5672/`, `rabbit://nova:***@127.0.0.1:5672/`},
		{"multi-host url", `rabbit://a:p1@h1:5672,b:p2@h2:5672/`, `rabbit://a:***@h1:5672,b:***@h2:5672/`},
		{"db url in text", `cannot connect to postgresql://nova:pw@db/nova: refused`, `cannot connect to postgresql://nova:***@db/nova: refused`},
		{"url in json", `{"url": "http://h:8080/x", "email": "a@b"}`, `{"url": "http://h:8080/x", "email": "a@b"}`},
		{"url without password", `http://admin@keystone:5000/v3`, `http://admin@keystone:5000/v3`},
		{"plain text", `server 42 is ACTIVE`, `server 42 is ACTIVE`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Redact(tt.in); got != tt.want {
				t.Errorf("Redact(%s)\n got %s\nwant %s", tt.in, got, tt.want)
			}
		})
	}
}

func TestSecret(t *testing.T) {
	var buf bytes.Buffer
	slog.New(slog.NewJSONHandler(&buf, nil)).Info("key created", "key", Secret("AQBz"), "uuid", "5b0e")
	if strings.Contains(buf.String(), "AQBz") || !strings.Contains(buf.String(), `"key":"***"`) {
		t.Errorf("log = %s", buf.String())
	}
	if got := fmt.Sprintf("%v %s", Secret("AQBz"), Secret("AQBz")); got != "*** ***" {
		t.Errorf("fmt = %q", got)
	}
}
