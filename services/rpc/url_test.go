package rpc

import (
	"strings"
	"testing"

	amqp "github.com/rabbitmq/amqp091-go"
)

func TestParseTransportURL(t *testing.T) {
	tests := []struct {
		raw  string
		want []endpoint
	}{
		{"rabbit://u:p@h:5672/", []endpoint{{Host: "h:5672", Username: "u", Password: "p", Vhost: "/"}}},
		{"rabbit://u:p@h", []endpoint{{Host: "h:5672", Username: "u", Password: "p", Vhost: "/"}}},
		{"amqp://u:p@10.0.0.1:5673/nova", []endpoint{{Host: "10.0.0.1:5673", Username: "u", Password: "p", Vhost: "nova"}}},
		{"rabbit://u:p%40ss%2F@h:5672/%2F", []endpoint{{Host: "h:5672", Username: "u", Password: "p@ss/", Vhost: "/"}}},
		{"rabbit://a:b@h1:5672,h2:5673,c:d@h3/v?ssl=0", []endpoint{
			{Host: "h1:5672", Username: "a", Password: "b", Vhost: "v"},
			{Host: "h2:5673", Username: "a", Password: "b", Vhost: "v"},
			{Host: "h3:5672", Username: "c", Password: "d", Vhost: "v"},
		}},
		{"rabbit://u:p@[::1]:5672/", []endpoint{{Host: "[::1]:5672", Username: "u", Password: "p", Vhost: "/"}}},
	}
	for _, tt := range tests {
		got, err := parseTransportURL(tt.raw)
		if err != nil {
			t.Errorf("parseTransportURL(%q): %v", tt.raw, err)
			continue
		}
		if len(got) != len(tt.want) {
			t.Errorf("parseTransportURL(%q) = %+v, want %+v", tt.raw, got, tt.want)
			continue
		}
		for i := range got {
			if got[i] != tt.want[i] {
				t.Errorf("parseTransportURL(%q)[%d] = %+v, want %+v", tt.raw, i, got[i], tt.want[i])
			}
		}
	}
}

func TestParseTransportURLRejects(t *testing.T) {
	for _, raw := range []string{
		"", "h:5672", "kafka://h:9092", "rabbit://", "rabbit://u:p@h1,,h2/", "rabbit://u:p@h:99999/", "rabbit://u:p@h:x/",
	} {
		if _, err := parseTransportURL(raw); err == nil {
			t.Errorf("parseTransportURL(%q) accepted a bad URL", raw)
		}
	}
}

func TestTransportURLErrorsHidePasswords(t *testing.T) {
	_, err := parseTransportURL("rabbit://u:secret@h1:5672,v:hidden@:0/")
	if err == nil {
		t.Fatal("accepted an empty host")
	}
	if strings.Contains(err.Error(), "secret") || strings.Contains(err.Error(), "hidden") {
		t.Errorf("error shows a password: %v", err)
	}
	ep := endpoint{Host: "h:5672", Username: "u", Password: "secret", Vhost: "/"}
	if strings.Contains(ep.String(), "secret") {
		t.Errorf("endpoint.String shows the password: %s", ep)
	}
}

// The dial URL must carry the credentials and virtual host through
// amqp091's own parser unchanged.
func TestDialURLRoundTrip(t *testing.T) {
	for _, ep := range []endpoint{
		{Host: "h:5672", Username: "u", Password: "p@ss/:?#", Vhost: "/"},
		{Host: "h:5673", Username: "nova user", Password: "p", Vhost: "nova/prod"},
	} {
		u, err := amqp.ParseURI(ep.dialURL())
		if err != nil {
			t.Fatalf("ParseURI(%s): %v", ep, err)
		}
		if u.Username != ep.Username || u.Password != ep.Password || u.Vhost != ep.Vhost {
			t.Errorf("dialURL of %+v parses as user %q password %q vhost %q", ep, u.Username, u.Password, u.Vhost)
		}
	}
}
