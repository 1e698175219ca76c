package ceph

import (
	"errors"
	"fmt"
	"strings"
	"syscall"
	"testing"

	"github.com/ceph/go-ceph/rados"
	"github.com/ceph/go-ceph/rbd"

	"github.com/gostack/gostack/services/fault"
)

func TestClassify(t *testing.T) {
	w := where{monHost: "10.250.0.1:6789", conf: "/etc/ceph/ceph.conf", user: "nova", timeout: "30s"}
	tests := []struct {
		name    string
		err     error
		kind    fault.Kind
		message []string // substrings of the user-facing message
	}{
		{"go-ceph not found", rbd.ErrNotFound, fault.NotFound, []string{"image vms/x_disk does not exist"}},
		{"rados not found", rados.ErrNotFound, fault.NotFound, []string{"does not exist"}},
		{"go-ceph exists", rbd.ErrExist, fault.Conflict, []string{"already exists"}},
		{"busy", fmt.Errorf("op: %w", syscall.EBUSY), fault.Conflict, []string{"busy"}},
		{"has snapshots", syscall.ENOTEMPTY, fault.Conflict, []string{"snapshots"}},
		{"timeout", syscall.ETIMEDOUT, fault.Unavailable, []string{"did not answer", "10.250.0.1:6789", "/etc/ceph/ceph.conf", "client.nova", "30s"}},
		{"not connected", rados.ErrNotConnected, fault.Unavailable, []string{"10.250.0.1:6789"}},
		{"refused", syscall.EACCES, fault.Unavailable, []string{"client.nova", "caps"}},
		{"permission", rados.ErrPermissionDenied, fault.Unavailable, []string{"caps"}},
		{"full", syscall.ENOSPC, fault.Unavailable, []string{"full"}},
		{"quota", syscall.EDQUOT, fault.OverLimit, []string{"quota"}},
		{"other errno", syscall.EIO, fault.Internal, []string{"could not remove image vms/x_disk"}},
		{"no errno", errors.New("boom"), fault.Internal, []string{"could not remove"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := w.classify(tt.err, "remove", "image vms/x_disk")
			if k := fault.KindOf(got); k != tt.kind {
				t.Fatalf("kind = %s, want %s (%v)", k, tt.kind, got)
			}
			msg := fault.MessageOf(got)
			for _, s := range tt.message {
				if !strings.Contains(msg, s) {
					t.Errorf("message %q lacks %q", msg, s)
				}
			}
			if !errors.Is(got, tt.err) {
				t.Errorf("cause %v not reachable from %v", tt.err, got)
			}
		})
	}
}

func TestClassifyKeepsFaults(t *testing.T) {
	w := where{user: "admin"}
	orig := fault.New(fault.Invalid, "bad size")
	if got := w.classify(fmt.Errorf("x: %w", orig), "resize", "image a/b"); fault.MessageOf(got) != "bad size" {
		t.Fatalf("a fault was reclassified: %v", got)
	}
	if w.classify(nil, "x", "y") != nil {
		t.Fatal("nil error classified as non-nil")
	}
}

func TestErrnoOf(t *testing.T) {
	if n, ok := errnoOf(rbd.ErrNotFound); !ok || n != syscall.ENOENT {
		t.Fatalf("errnoOf(rbd.ErrNotFound) = %v, %v", n, ok)
	}
	if n, ok := errnoOf(fmt.Errorf("wrapped: %w", rados.ErrObjectExists)); !ok || n != syscall.EEXIST {
		t.Fatalf("errnoOf(wrapped EEXIST) = %v, %v", n, ok)
	}
	if _, ok := errnoOf(errors.New("plain")); ok {
		t.Fatal("plain error has an errno")
	}
}

func TestConflictMessages(t *testing.T) {
	err := inUse(syscall.EBUSY, ImageSpec("vms", "x_disk"), []string{"client.4242 at 10.0.0.1:0/1"})
	if fault.KindOf(err) != fault.Conflict {
		t.Fatalf("inUse kind = %s", fault.KindOf(err))
	}
	if msg := fault.MessageOf(err); !strings.Contains(msg, "image vms/x_disk is in use by a running guest") || !strings.Contains(msg, "client.4242") {
		t.Fatalf("inUse message = %q", msg)
	}
	kids := []Spec{ImageSpec("vms", "a_disk"), ImageSpec("vms", "b_disk"), ImageSpec("volumes", "c"), ImageSpec("vms", "d")}
	err = hasClones(syscall.EBUSY, SnapSpec("images", "x", "snap"), kids)
	if msg := fault.MessageOf(err); !strings.Contains(msg, "snapshot images/x@snap has clones (vms/a_disk, vms/b_disk, volumes/c and 1 more)") {
		t.Fatalf("hasClones message = %q", msg)
	}
}

func TestConnectFault(t *testing.T) {
	w := where{monHost: "10.250.0.1:6789", conf: "/c/ceph.conf", user: "glance", timeout: "5s"}
	for _, tt := range []struct {
		errno syscall.Errno
		want  string
	}{
		{syscall.ENOENT, "no keyring"},
		{syscall.EACCES, "refused the key of client.glance"},
		{syscall.ETIMEDOUT, "Cannot reach the Ceph monitors within 5s"},
		{syscall.EIO, "Cannot connect to Ceph"},
	} {
		err := connectFault(tt.errno, w)
		if fault.KindOf(err) != fault.Unavailable {
			t.Errorf("%v: kind %s", tt.errno, fault.KindOf(err))
		}
		msg := fault.MessageOf(err)
		if !strings.Contains(msg, tt.want) || !strings.Contains(msg, "10.250.0.1:6789") || !strings.Contains(msg, "/c/ceph.conf") {
			t.Errorf("%v: message %q", tt.errno, msg)
		}
	}
}
