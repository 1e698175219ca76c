package ceph

import (
	"os"
	"reflect"
	"testing"
)

func TestParseMonDump(t *testing.T) {
	out, err := os.ReadFile("testdata/mon_dump.json")
	if err != nil {
		t.Fatal(err)
	}
	got, err := parseMonDump(out)
	if err != nil {
		t.Fatal(err)
	}
	want := []MonAddr{
		{Name: "a", Host: "10.250.0.1", Port: "6789"}, // v1 preferred
		{Name: "b", Host: "fd00::2", Port: "3300"},    // only v2
		{Name: "c", Host: "10.250.0.3", Port: "6789"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("parseMonDump = %+v\nwant %+v", got, want)
	}
	if _, err := parseMonDump([]byte(`{"mons":[]}`)); err == nil {
		t.Fatal("an empty monitor map was accepted")
	}
}

func TestParseMonHost(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want []MonAddr
	}{
		{"10.250.0.1:6789", []MonAddr{{Host: "10.250.0.1", Port: "6789"}}},
		{"10.250.0.1", []MonAddr{{Host: "10.250.0.1", Port: "6789"}}},
		{"10.0.0.1:6789, 10.0.0.2:6789;10.0.0.3", []MonAddr{
			{Host: "10.0.0.1", Port: "6789"}, {Host: "10.0.0.2", Port: "6789"}, {Host: "10.0.0.3", Port: "6789"}}},
		{"[v2:10.0.0.1:3300/0,v1:10.0.0.1:6789/0] [v2:10.0.0.2:3300]", []MonAddr{
			{Host: "10.0.0.1", Port: "6789"}, {Host: "10.0.0.2", Port: "3300"}}},
		{"v1:10.0.0.9:6789", []MonAddr{{Host: "10.0.0.9", Port: "6789"}}},
		{"[fd00::1]:6789,fd00::2", []MonAddr{{Host: "fd00::1", Port: "6789"}, {Host: "fd00::2", Port: "6789"}}},
		{"mon1.example.org", []MonAddr{{Host: "mon1.example.org", Port: "6789"}}},
	} {
		got, err := parseMonHost(tt.in)
		if err != nil || !reflect.DeepEqual(got, tt.want) {
			t.Errorf("parseMonHost(%q) = %+v, %v\nwant %+v", tt.in, got, err, tt.want)
		}
	}
	for _, bad := range []string{"", "  ", "[v2:10.0.0.1:3300", "10.0.0.1:"} {
		if got, err := parseMonHost(bad); err == nil {
			t.Errorf("parseMonHost(%q) = %+v, want an error", bad, got)
		}
	}
}
