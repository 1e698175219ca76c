package ceph_test

import (
	"bytes"
	"crypto/sha256"
	"io"
	"math/rand/v2"
	"testing"

	"github.com/gostack/gostack/services/ceph"
	"github.com/gostack/gostack/services/fault"
)

const streamSize = 256 << 20

// randomData returns n reproducible pseudo-random bytes as a stream of
// unknown length (no Len, no WriterTo), like a chunked upload body.
func randomData(seed byte, n int64) io.Reader {
	var s [32]byte
	s[0] = seed
	return io.LimitReader(rand.NewChaCha8(s), n)
}

// TestStream256MiBBoundedHeap streams 256 MiB of unknown length into an
// image and back out, and checks that the data round-trips and that the Go
// heap stays far below the data's size.
func TestStream256MiBBoundedHeap(t *testing.T) {
	c := connect(t)
	ctx := ctxFor(t)
	spec := ceph.ImageSpec("images", randomName("stream"))
	cleanupImage(t, c, spec)

	const heapBound = 64 << 20
	in := sha256.New()
	heap := watchHeap()
	n, err := c.Import(ctx, spec, io.TeeReader(randomData(1, streamSize), in), ceph.ImportOptions{})
	peakIn := heap.Stop()
	if err != nil || n != streamSize {
		t.Fatalf("Import = %d, %v", n, err)
	}
	if size, err := c.Size(ctx, spec); err != nil || size != streamSize {
		t.Fatalf("image size %d, %v; want exactly the data's %d", size, err, streamSize)
	}

	out := sha256.New()
	heap = watchHeap()
	n, err = c.Export(ctx, spec, out, ceph.ExportOptions{})
	peakOut := heap.Stop()
	if err != nil || n != streamSize {
		t.Fatalf("Export = %d, %v", n, err)
	}
	if !bytes.Equal(in.Sum(nil), out.Sum(nil)) {
		t.Fatal("exported data differ from the imported data")
	}
	t.Logf("peak heap in use: import %.1f MiB, export %.1f MiB (chunk %d MiB x %d in flight)",
		float64(peakIn)/(1<<20), float64(peakOut)/(1<<20), ceph.DefaultChunkSize>>20, ceph.DefaultInFlight)
	if peakIn > heapBound || peakOut > heapBound {
		t.Fatalf("peak heap %d / %d bytes exceeds %d", peakIn, peakOut, heapBound)
	}

	// A byte range that straddles chunks.
	var want bytes.Buffer
	src := randomData(1, streamSize)
	if _, err := io.CopyN(io.Discard, src, 100<<20-3); err != nil {
		t.Fatal(err)
	}
	if _, err := io.CopyN(&want, src, 20<<20); err != nil {
		t.Fatal(err)
	}
	var got bytes.Buffer
	if _, err := c.Export(ctx, spec, &got, ceph.ExportOptions{Offset: 100<<20 - 3, Length: 20 << 20}); err != nil || !bytes.Equal(got.Bytes(), want.Bytes()) {
		t.Fatalf("range export: %v, equal %v", err, bytes.Equal(got.Bytes(), want.Bytes()))
	}
}

// TestImportDeclaredSize creates the image at a declared size, refuses data
// of another length and leaves no orphan behind.
func TestImportDeclaredSize(t *testing.T) {
	c := connect(t)
	ctx := ctxFor(t)
	const size = 10<<20 + 5
	opts := ceph.StreamOptions{ChunkSize: 4 << 20, InFlight: 2}

	ok := ceph.ImageSpec("images", randomName("decl"))
	cleanupImage(t, c, ok)
	if n, err := c.Import(ctx, ok, randomData(2, size), ceph.ImportOptions{Size: size, Stream: opts}); err != nil || n != size {
		t.Fatalf("Import = %d, %v", n, err)
	}
	if got, _ := c.Size(ctx, ok); got != size {
		t.Fatalf("size %d, want %d", got, size)
	}
	wantFault(t, func() error {
		_, err := c.Import(ctx, ok, randomData(2, 1), ceph.ImportOptions{})
		return err
	}(), fault.Conflict, "already exists")
	if got, _ := c.Size(ctx, ok); got != size {
		t.Fatal("a refused import changed the existing image")
	}

	for _, tt := range []struct {
		name string
		data int64
		want string
	}{{"short", size - 1, "was 10485764 bytes, not the declared"}, {"long", size + 1, "more than"}} {
		spec := ceph.ImageSpec("images", randomName(tt.name))
		cleanupImage(t, c, spec)
		_, err := c.Import(ctx, spec, randomData(3, tt.data), ceph.ImportOptions{Size: size, Stream: opts})
		wantFault(t, err, fault.Invalid, tt.want)
		if exists, err := c.Exists(ctx, spec); exists || err != nil {
			t.Fatalf("%s: the failed import left %s behind (%v)", tt.name, spec, err)
		}
	}
}

// TestImportSkipZeros keeps a sparse upload thin.
func TestImportSkipZeros(t *testing.T) {
	c := connect(t)
	ctx := ctxFor(t)
	data := make([]byte, 64<<20)
	copy(data[40<<20:], "a little data in the middle")
	spec := ceph.ImageSpec("images", randomName("sparse"))
	cleanupImage(t, c, spec)
	if _, err := c.Import(ctx, spec, bytes.NewReader(data), ceph.ImportOptions{Stream: ceph.StreamOptions{ChunkSize: 4 << 20, SkipZeros: true}}); err != nil {
		t.Fatal(err)
	}
	used, err := c.Usage(ctx, spec)
	if err != nil || used != 4<<20 {
		t.Fatalf("usage %d, %v; want one 4 MiB object", used, err)
	}
	var got bytes.Buffer
	if _, err := c.Export(ctx, spec, &got, ceph.ExportOptions{}); err != nil || !bytes.Equal(got.Bytes(), data) {
		t.Fatalf("export: %v, equal %v", err, bytes.Equal(got.Bytes(), data))
	}
}
