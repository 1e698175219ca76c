package rbd_test

import (
	"bytes"
	"context"
	"crypto/md5"
	"crypto/rand"
	"crypto/sha512"
	"encoding/hex"
	"errors"
	"io"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/gostack/gostack/image/store/rbd"
	"github.com/gostack/gostack/services/ceph"
	"github.com/gostack/gostack/services/fault"
	"github.com/gostack/gostack/services/testenv"
)

const pool = "images"

func ctxFor(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	t.Cleanup(cancel)
	return ctx
}

func connect(t *testing.T) *ceph.Client {
	t.Helper()
	conf, user := testenv.Ceph(t)
	c, err := ceph.Connect(ctxFor(t), ceph.Config{ConfPath: conf, User: user, Timeout: 30 * time.Second})
	if err != nil {
		t.Fatalf("connect to Ceph: %v", err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// newStore returns a store with 4 MiB chunks, so small test data spans
// several chunks.
func newStore(t *testing.T, c *ceph.Client) *rbd.Store {
	t.Helper()
	s, err := rbd.New(c, rbd.Config{Pool: pool, ChunkSize: 4 << 20})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func randomData(t *testing.T, n int) []byte {
	t.Helper()
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return b
}

// inPool reports whether an RBD image named id exists in the pool.
func inPool(t *testing.T, c *ceph.Client, id string) bool {
	t.Helper()
	names, err := c.ListImages(ctxFor(t), pool)
	if err != nil {
		t.Fatal(err)
	}
	return slices.Contains(names, id)
}

// cleanup deletes whatever Add left when the test ends.
func cleanup(t *testing.T, c *ceph.Client, id string) {
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		err := c.Remove(ctx, ceph.ImageSpec(pool, id), ceph.RemoveOptions{PurgeSnapshots: true})
		if err != nil && fault.KindOf(err) != fault.NotFound {
			t.Errorf("cleanup %s: %v", id, err)
		}
	})
}

// onlyReader hides any WriterTo/ReaderFrom, as a chunked HTTP body does.
type onlyReader struct{ io.Reader }

func TestAddComputesHashesAndSnapshots(t *testing.T) {
	c := connect(t)
	s := newStore(t, c)
	ctx := ctxFor(t)
	id := uuid.NewString()
	cleanup(t, c, id)
	data := randomData(t, 9<<20+12345) // not a multiple of the chunk size

	got, err := s.Add(ctx, id, onlyReader{bytes.NewReader(data)}, 0)
	if err != nil {
		t.Fatalf("Add: %v", err)
	}
	md := md5.Sum(data)
	sha := sha512.Sum512(data)
	if got.Size != int64(len(data)) || got.Checksum != hex.EncodeToString(md[:]) ||
		got.HashAlgo != "sha512" || got.HashValue != hex.EncodeToString(sha[:]) {
		t.Errorf("Add = %+v, want size %d md5 %x sha512 %x", got, len(data), md, sha[:8])
	}
	fsid, err := c.FSID(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := "rbd://" + fsid + "/images/" + id + "/snap"
	if got.Location.String() != want {
		t.Errorf("location %s, want %s", got.Location, want)
	}
	if strings.HasPrefix(fsid, "00000000") {
		t.Errorf("zero fsid in location %s", got.Location)
	}
	snaps, err := c.ListSnapshots(ctx, ceph.ImageSpec(pool, id))
	if err != nil {
		t.Fatal(err)
	}
	if len(snaps) != 1 || snaps[0].Name != "snap" || !snaps[0].Protected || snaps[0].Size != uint64(len(data)) {
		t.Errorf("snapshots %+v, want one protected snap of %d bytes", snaps, len(data))
	}

	// The whole data, and a range across a chunk boundary.
	var buf bytes.Buffer
	if n, err := s.Get(ctx, got.Location.String(), &buf, 0, 0); err != nil || n != int64(len(data)) || !bytes.Equal(buf.Bytes(), data) {
		t.Fatalf("Get all: n=%d err=%v equal=%v", n, err, bytes.Equal(buf.Bytes(), data))
	}
	buf.Reset()
	off, length := int64(4<<20-10), int64(100)
	if _, err := s.Get(ctx, got.Location.String(), &buf, off, length); err != nil || !bytes.Equal(buf.Bytes(), data[off:off+length]) {
		t.Fatalf("Get range: err=%v, %d bytes", err, buf.Len())
	}
	if n, err := s.Size(ctx, got.Location.String()); err != nil || n != int64(len(data)) {
		t.Errorf("Size = %d, %v", n, err)
	}

	if err := s.Delete(ctx, got.Location.String()); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	if inPool(t, c, id) {
		t.Errorf("image %s still in pool after Delete", id)
	}
	if err := s.Delete(ctx, got.Location.String()); fault.KindOf(err) != fault.NotFound {
		t.Errorf("second Delete: %v, want not found", err)
	}
}

func TestAddEmptyImage(t *testing.T) {
	c := connect(t)
	s := newStore(t, c)
	id := uuid.NewString()
	cleanup(t, c, id)
	got, err := s.Add(ctxFor(t), id, strings.NewReader(""), 0)
	if err != nil {
		t.Fatalf("Add: %v", err)
	}
	if got.Size != 0 || got.Checksum != "d41d8cd98f00b204e9800998ecf8427e" {
		t.Errorf("Add = %+v", got)
	}
	if err := s.Delete(ctxFor(t), got.Location.String()); err != nil {
		t.Fatal(err)
	}
}

// failingReader yields n bytes, then an error, as a dropped client does.
type failingReader struct {
	n   int
	err error
}

func (f *failingReader) Read(p []byte) (int, error) {
	if f.n == 0 {
		return 0, f.err
	}
	k := min(len(p), f.n)
	clear(p[:k])
	p[0] = 1 // not all zeros
	f.n -= k
	return k, nil
}

func TestAddFailureLeavesNothing(t *testing.T) {
	c := connect(t)
	s := newStore(t, c)
	ctx := ctxFor(t)
	cut := errors.New("client went away")

	id := uuid.NewString()
	cleanup(t, c, id)
	_, err := s.Add(ctx, id, &failingReader{n: 6 << 20, err: cut}, 0)
	if !errors.Is(err, cut) {
		t.Fatalf("Add with a failing body: %v, want the reader's error", err)
	}
	if inPool(t, c, id) {
		t.Errorf("image %s left in the pool after a failed upload", id)
	}

	// A body shorter than its declared length.
	id2 := uuid.NewString()
	cleanup(t, c, id2)
	_, err = s.Add(ctx, id2, bytes.NewReader(randomData(t, 1000)), 2000)
	if fault.KindOf(err) != fault.Invalid {
		t.Fatalf("Add short body: %v, want invalid", err)
	}
	if inPool(t, c, id2) {
		t.Errorf("image %s left in the pool after a short upload", id2)
	}

	// A cancelled context.
	id3 := uuid.NewString()
	cleanup(t, c, id3)
	cctx, cancel := context.WithCancel(ctx)
	pr, pw := io.Pipe()
	go func() {
		_, _ = pw.Write(randomData(t, 5<<20))
		cancel()
		_ = pw.CloseWithError(context.Canceled)
	}()
	if _, err := s.Add(cctx, id3, pr, 0); err == nil {
		t.Fatal("Add with a cancelled context succeeded")
	}
	if inPool(t, c, id3) {
		t.Errorf("image %s left in the pool after a cancelled upload", id3)
	}
}

func TestAddExistingIsConflict(t *testing.T) {
	c := connect(t)
	s := newStore(t, c)
	ctx := ctxFor(t)
	id := uuid.NewString()
	cleanup(t, c, id)
	if _, err := s.Add(ctx, id, strings.NewReader("one"), 0); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Add(ctx, id, strings.NewReader("two"), 0); fault.KindOf(err) != fault.Conflict {
		t.Fatalf("second Add: %v, want conflict", err)
	}
	if !inPool(t, c, id) {
		t.Error("the existing image was removed by a conflicting Add")
	}
}

func TestDeleteWithClonesIsConflict(t *testing.T) {
	c := connect(t)
	s := newStore(t, c)
	ctx := ctxFor(t)
	id := uuid.NewString()
	cleanup(t, c, id)
	got, err := s.Add(ctx, id, bytes.NewReader(randomData(t, 1<<20)), 0)
	if err != nil {
		t.Fatal(err)
	}
	clone := ceph.ImageSpec("vms", "gostack-test-clone-"+id)
	if err := c.Clone(ctx, ceph.SnapSpec(pool, id, "snap"), clone, ceph.CreateOptions{}); err != nil {
		t.Fatalf("clone: %v", err)
	}
	t.Cleanup(func() {
		_ = c.Remove(context.Background(), clone, ceph.RemoveOptions{PurgeSnapshots: true})
	})

	err = s.Delete(ctx, got.Location.String())
	if fault.KindOf(err) != fault.Conflict || !strings.Contains(fault.MessageOf(err), "in use") ||
		!strings.Contains(fault.MessageOf(err), clone.String()) {
		t.Fatalf("Delete with a clone: %v, want conflict naming %s", err, clone)
	}
	snaps, err := c.ListSnapshots(ctx, ceph.ImageSpec(pool, id))
	if err != nil || len(snaps) != 1 || !snaps[0].Protected {
		t.Fatalf("after a refused Delete: snaps %+v, %v; want the protected snap intact", snaps, err)
	}

	if err := c.Remove(ctx, clone, ceph.RemoveOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := s.Delete(ctx, got.Location.String()); err != nil {
		t.Fatalf("Delete after the clone is gone: %v", err)
	}
	if inPool(t, c, id) {
		t.Error("image left after Delete")
	}
}

func TestParseLocation(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want rbd.Location
		ok   bool
	}{
		{"rbd://f-s-i-d/images/abc/snap", rbd.Location{FSID: "f-s-i-d", Pool: "images", Image: "abc", Snap: "snap"}, true},
		{"rbd://abc", rbd.Location{Image: "abc"}, true},
		{"rbd://a/b/c", rbd.Location{}, false},
		{"file:///x", rbd.Location{}, false},
		{"rbd://a//c/d", rbd.Location{}, false},
	} {
		got, err := rbd.ParseLocation(tc.in)
		if (err == nil) != tc.ok || got != tc.want {
			t.Errorf("ParseLocation(%q) = %+v, %v", tc.in, got, err)
		}
		if tc.ok && len(strings.Split(tc.in, "/")) == 6 && got.String() != tc.in {
			t.Errorf("String() = %q, want %q", got.String(), tc.in)
		}
	}
}
