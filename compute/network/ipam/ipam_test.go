package ipam

import (
	"net/netip"
	"strings"
	"testing"
)

func TestDefaultPools(t *testing.T) {
	p, err := ParseCIDR("10.252.0.0/24")
	if err != nil {
		t.Fatal(err)
	}
	pools := DefaultPools(p, DefaultGateway(p))
	if len(pools) != 1 || pools[0].String() != "10.252.0.2-10.252.0.254" {
		t.Fatalf("pools %v", pools)
	}
	pools = DefaultPools(p, netip.MustParseAddr("10.252.0.100"))
	if len(pools) != 2 || pools[0].String() != "10.252.0.1-10.252.0.99" || pools[1].String() != "10.252.0.101-10.252.0.254" {
		t.Fatalf("pools %v", pools)
	}
}

func TestParseCIDR(t *testing.T) {
	for in, want := range map[string]string{
		"10.0.0.5/24": "'10.0.0.0/24' is recommended",
		"10.0.0/24":   "is not a valid IP subnet",
		"fd00::/64":   "only IPv4",
		"10.0.0.0/31": "use a /30 or larger",
	} {
		if _, err := ParseCIDR(in); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ParseCIDR(%q) = %v; want %q", in, err, want)
		}
	}
}

func TestCheckPools(t *testing.T) {
	p := netip.MustParsePrefix("10.0.0.0/24")
	gw := netip.MustParseAddr("10.0.0.1")
	pool := func(a, b string) Pool { return Pool{netip.MustParseAddr(a), netip.MustParseAddr(b)} }
	for _, c := range []struct {
		pools []Pool
		want  string
	}{
		{[]Pool{pool("10.0.0.10", "10.0.0.20")}, ""},
		{[]Pool{pool("10.0.0.20", "10.0.0.10")}, "is not valid"},
		{[]Pool{pool("10.0.0.10", "10.0.1.20")}, "spans beyond"},
		{[]Pool{pool("10.0.0.10", "10.0.0.255")}, "spans beyond"},
		{[]Pool{pool("10.0.0.10", "10.0.0.20"), pool("10.0.0.15", "10.0.0.30")}, "overlapping"},
		{[]Pool{pool("10.0.0.1", "10.0.0.20")}, "conflicts with allocation pool"},
	} {
		err := CheckPools(p, gw, c.pools)
		if (c.want == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), c.want)) {
			t.Errorf("CheckPools(%v) = %v; want %q", c.pools, err, c.want)
		}
	}
}

func TestFirstFree(t *testing.T) {
	pools := []Pool{{netip.MustParseAddr("10.0.0.10"), netip.MustParseAddr("10.0.0.11")}}
	used := map[netip.Addr]bool{netip.MustParseAddr("10.0.0.10"): true}
	if a, ok := FirstFree(pools, used); !ok || a.String() != "10.0.0.11" {
		t.Fatalf("FirstFree = %v %v", a, ok)
	}
	used[netip.MustParseAddr("10.0.0.11")] = true
	if _, ok := FirstFree(pools, used); ok {
		t.Fatal("FirstFree found an address in a full pool")
	}
}

func TestMAC(t *testing.T) {
	m, err := GenerateMAC(BaseMAC)
	if err != nil || !strings.HasPrefix(m, "fa:16:3e:") || len(m) != 17 {
		t.Fatalf("GenerateMAC = %q, %v", m, err)
	}
	if n, err := NormalizeMAC("FA-16-3E-00-00-01"); err != nil || n != "fa:16:3e:00:00:01" {
		t.Fatalf("NormalizeMAC = %q, %v", n, err)
	}
	for _, bad := range []string{"01:00:00:00:00:00", "00:00:00:00:00:00", "fa:16:3e:00:00", "zz:16:3e:00:00:00"} {
		if _, err := NormalizeMAC(bad); err == nil {
			t.Errorf("NormalizeMAC(%q) accepted", bad)
		}
	}
}
