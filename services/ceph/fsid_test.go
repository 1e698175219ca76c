package ceph

import (
	"context"
	"errors"
	"strings"
	"testing"
)

const zeroFSID = "00000000-0000-0000-0000-000000000000"

func TestFirstFSIDSkipsZerosAndErrors(t *testing.T) {
	good := "6a7f3c1e-0b5d-4c1a-9e0f-2f6c7d8e9a0b"
	calls := 0
	src := func(v string, err error) fsidSource {
		return fsidSource{"src", func() (string, error) { calls++; return v, err }}
	}
	got, err := firstFSID(context.Background(), []fsidSource{
		src(zeroFSID, nil),
		src("", errors.New("mon down")),
		src("not-a-uuid", nil),
		src(strings.ToUpper(good)+"\n", nil),
		src("11111111-1111-1111-1111-111111111111", nil),
	})
	if err != nil || got != good {
		t.Fatalf("firstFSID = %q, %v; want %q", got, err, good)
	}
	if calls != 4 {
		t.Fatalf("%d sources read, want 4 (stop at the first good one)", calls)
	}

	_, err = firstFSID(context.Background(), []fsidSource{src(zeroFSID, nil), src(zeroFSID, nil)})
	if err == nil || !strings.Contains(err.Error(), "all zeros") {
		t.Fatalf("all-zero sources: err = %v", err)
	}
}

func TestCheckFSID(t *testing.T) {
	for _, v := range []string{zeroFSID, "", "6a7f3c1e0b5d4c1a9e0f2f6c7d8e9a0b", "6a7f3c1e-0b5d-4c1a-9e0f-2f6c7d8e9a0g", "6a7f3c1e_0b5d-4c1a-9e0f-2f6c7d8e9a0b"} {
		if checkFSID(v) == nil {
			t.Errorf("checkFSID(%q) accepted", v)
		}
	}
	if err := checkFSID("6a7f3c1e-0b5d-4c1a-9e0f-2f6c7d8e9a0b"); err != nil {
		t.Errorf("valid fsid refused: %v", err)
	}
}
