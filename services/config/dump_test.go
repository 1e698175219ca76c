package config

import (
	"bytes"
	"context"
	"log/slog"
	"reflect"
	"strings"
	"testing"
)

func TestMask(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"", ""},
		{"hunter2", "***"},
		{"rabbit://nova:s3cret@127.0.0.1:5672/", "rabbit://nova:***@127.0.0.1:5672/"},
		{"rabbit://nova:a@127.0.0.1:5672,nova:b@10.0.0.2:5672/vhost", "rabbit://nova:***@127.0.0.1:5672,nova:***@10.0.0.2:5672/vhost"},
		{"postgresql://nova:pw@127.0.0.1/nova", "postgresql://nova:***@127.0.0.1/nova"},
		{"postgresql://nova:p%40ss@db/nova?sslmode=require", "postgresql://nova:***@db/nova?sslmode=require"},
		{"postgresql:///nova?user=nova&password=pw&host=/run", "postgresql:///nova?user=nova&password=***&host=/run"},
		{"rabbit://guest@host/", "rabbit://guest@host/"},
		{"http://keystone:5000/v3", "http://keystone:5000/v3"},
		{"http://host:8080/path@x", "http://host:8080/path@x"},
		{"not a url: pw", "***"},
	}
	for _, tt := range tests {
		if got := mask(tt.in); got != tt.want {
			t.Errorf("mask(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestDump(t *testing.T) {
	debug := Bool("DEFAULT", "debug", false, "h")
	url := String("DEFAULT", "transport_url", "", "h", Secret())
	conn := String("database", "connection", "", "h", Secret(), Required())
	password := String("keystone_authtoken", "password", "", "h", Secret())
	empty := String("keystone_authtoken", "username", "", "h", Secret())
	backends := List("DEFAULT", "enabled_backends", []string{"ceph-1"}, "h")
	text := "[DEFAULT]\ntransport_url = rabbit://u:pw@h:5672/\ndebug = true\n[database]\nconnection = postgresql://nova:pw@db/nova\n[keystone_authtoken]\npassword = hunter2\n"
	c, err := Parse("nova.conf", text, debug, url, conn, password, empty, backends)
	if err != nil {
		t.Fatal(err)
	}
	want := []Setting{
		{"DEFAULT", "debug", "true", "nova.conf:3"},
		{"DEFAULT", "transport_url", "rabbit://u:***@h:5672/", "nova.conf:2"},
		{"database", "connection", "postgresql://nova:***@db/nova", "nova.conf:5"},
		{"keystone_authtoken", "password", "***", "nova.conf:7"},
		{"keystone_authtoken", "username", "", "default"},
		{"DEFAULT", "enabled_backends", "ceph-1", "default"},
	}
	if got := c.Dump(); !reflect.DeepEqual(got, want) {
		t.Errorf("Dump =\n%v\nwant\n%v", got, want)
	}

	var buf bytes.Buffer
	c.Log(context.Background(), slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug})), slog.LevelDebug)
	out := buf.String()
	for _, secret := range []string{"pw@", "hunter2"} {
		if strings.Contains(out, secret) {
			t.Errorf("log output contains the secret %q:\n%s", secret, out)
		}
	}
	if !strings.Contains(out, `level=DEBUG msg="config option" section=database option=connection value=postgresql://nova:***@db/nova source=nova.conf:5`) {
		t.Errorf("log output lacks the connection record:\n%s", out)
	}
	if n := strings.Count(out, "\n"); n != len(want) {
		t.Errorf("log has %d records, want %d", n, len(want))
	}
}

func TestDumpSection(t *testing.T) {
	pool := String("backend_defaults", "rbd_pool", "rbd", "h")
	user := String("backend_defaults", "rbd_user", "", "h")
	c, err := Parse("cinder.conf", cinderConf)
	if err != nil {
		t.Fatal(err)
	}
	s, err := c.Section("ceph-1", pool, user)
	if err != nil {
		t.Fatal(err)
	}
	want := []Setting{
		{"ceph-1", "rbd_pool", "volumes", "cinder.conf:8"},
		{"backend_defaults", "rbd_user", "cinder", "cinder.conf:4"},
	}
	if got := s.Dump(); !reflect.DeepEqual(got, want) {
		t.Errorf("Dump = %v, want %v", got, want)
	}
}
