package ceph

import (
	"os"
	"path/filepath"
	"testing"
)

func TestKeyFromKeyring(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "k")
	body := "[client.admin]\n\tkey = QUJDRA==\n[client.nova]\n\tkey = Tk9WQQ==\n\tcaps mon = \"profile rbd\"\n"
	if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	if k, err := keyFromKeyring(path, "client.nova"); err != nil || k != "Tk9WQQ==" {
		t.Fatalf("nova: %q, %v", k, err)
	}
	if _, err := keyFromKeyring(path, "client.glance"); err == nil {
		t.Fatal("glance: want an error")
	}
}

func TestParseDF(t *testing.T) {
	out := []byte(`{"pools":[{"name":"images","stats":{"stored":1,"bytes_used":2,"max_avail":3}},{"name":"vms","stats":{"stored":10,"bytes_used":20,"max_avail":30}}]}`)
	s, err := parseDF(out, "vms")
	if err != nil || s != (PoolStats{Stored: 10, Used: 20, MaxAvail: 30}) {
		t.Fatalf("vms: %+v, %v", s, err)
	}
	if _, err := parseDF(out, "nope"); err == nil {
		t.Fatal("missing pool: want an error")
	}
}
