package libvirt

import (
	"bufio"
	"strings"
	"testing"
)

func TestParseKeyring(t *testing.T) {
	ring := "[client.nova]\n\tkey = Tk9WQQ==\n[client.cinder]\n\tkey = Q0lOREVS\n\tcaps mon = \"profile rbd\"\n"
	for _, c := range []struct {
		entity, want string
		ok           bool
	}{
		{"client.cinder", "Q0lOREVS", true},
		{"client.nova", "Tk9WQQ==", true},
		{"client.glance", "", false},
	} {
		got, ok := parseKeyring(bufio.NewScanner(strings.NewReader(ring)), c.entity)
		if got != c.want || ok != c.ok {
			t.Errorf("parseKeyring(%s) = %q, %v; want %q, %v", c.entity, got, ok, c.want, c.ok)
		}
	}
}
