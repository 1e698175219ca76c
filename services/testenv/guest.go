package testenv

import (
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// GuestUserData writes a tiny-image user data script (run from the
// config drive at boot) that listens on TCP 22 (answering
// "tinyvm-ssh-banner") and keeps pinging peer, printing
// "tinyvm ping <peer> ok" on the console for each answered ping. It
// returns the file's path, for `server create --user-data`.
func GuestUserData(t testing.TB, peer string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "user-data")
	script := fmt.Sprintf(`#!/bin/sh
nc -ll -p 22 -e /bin/echo tinyvm-ssh-banner &
while true; do
  if ping -c 1 -W 2 %[1]s >/dev/null 2>&1; then echo "tinyvm ping %[1]s ok"; fi
  sleep 2
done
`, peer)
	if err := os.WriteFile(p, []byte(script), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// AddressOn returns the server's fixed address on network from
// `openstack server show -f json` ("addresses": {"private":
// ["10.252.0.12"]} in OSC 6), or "".
func AddressOn(s map[string]any, network string) string {
	switch a := s["addresses"].(type) {
	case map[string]any:
		list, _ := a[network].([]any)
		for _, x := range list {
			switch v := x.(type) {
			case string:
				return v
			case map[string]any:
				if s, _ := v["addr"].(string); s != "" {
					return s
				}
			}
		}
	case string: // older OSC: "private=10.252.0.12"
		if m := regexp.MustCompile(regexp.QuoteMeta(network) + `=([0-9.]+)`).FindStringSubmatch(a); m != nil {
			return m[1]
		}
	}
	return ""
}

// TCPBanner connects to addr:22 from the dev host (the flat network's
// gateway) and returns what a GuestUserData listener says, or the error.
func TCPBanner(addr string) (string, error) {
	c, err := net.DialTimeout("tcp", net.JoinHostPort(addr, "22"), 3*time.Second)
	if err != nil {
		return "", err
	}
	defer c.Close()
	_ = c.SetReadDeadline(time.Now().Add(5 * time.Second))
	b, err := io.ReadAll(io.LimitReader(c, 256))
	if len(b) > 0 {
		err = nil
	}
	return strings.TrimSpace(string(b)), err
}
