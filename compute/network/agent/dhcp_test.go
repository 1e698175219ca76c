package agent

import "testing"

// TestHostsRemoved: only a hosts line that goes forces a dnsmasq restart.
func TestHostsRemoved(t *testing.T) {
	a := "m1,host-1,10.0.0.1,infinite\nm2,host-2,10.0.0.2,infinite\n\x00opts"
	b := "m1,host-1,10.0.0.1,infinite\nm2,host-2,10.0.0.2,infinite\nm3,host-3,10.0.0.3,infinite\n\x00opts"
	c := "m1,host-1,10.0.0.1,infinite\n\x00opts"
	if hostsRemoved(a, b) || hostsRemoved("", a) {
		t.Errorf("an added host forces a restart")
	}
	if !hostsRemoved(b, c) {
		t.Errorf("a removed host does not force a restart")
	}
}
