package ceph

import (
	"testing"

	"github.com/gostack/gostack/services/fault"
)

func TestParseSpec(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want Spec
		bad  bool
	}{
		{in: "vms/abc_disk", want: ImageSpec("vms", "abc_disk")},
		{in: "images/abc@snap", want: SnapSpec("images", "abc", "snap")},
		{in: "images", bad: true},
		{in: "/abc", bad: true},
		{in: "images/", bad: true},
		{in: "images/abc@", bad: true},
		{in: "a/b/c", bad: true},
	} {
		got, err := ParseSpec(tt.in)
		if tt.bad {
			if fault.KindOf(err) != fault.Invalid {
				t.Errorf("ParseSpec(%q) = %v, %v; want invalid", tt.in, got, err)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("ParseSpec(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
		}
		if got.String() != tt.in {
			t.Errorf("String() = %q, want %q", got.String(), tt.in)
		}
	}
}

func TestSpecChecks(t *testing.T) {
	s := SnapSpec("images", "x", "snap")
	if s.Base() != ImageSpec("images", "x") || s.Base().WithSnap("snap") != s {
		t.Fatal("Base/WithSnap do not round-trip")
	}
	if s.validPlain() == nil || s.validSnap() != nil || s.Base().validSnap() == nil || s.Base().validPlain() != nil {
		t.Fatal("validPlain/validSnap disagree with the spec's snapshot")
	}
	if describe(s) != "snapshot images/x@snap" || describe(s.Base()) != "image images/x" {
		t.Fatal("describe")
	}
}
