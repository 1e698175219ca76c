package ceph

import (
	"bytes"
	"context"
	"errors"
	"io"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gostack/gostack/services/fault"
)

// memDevice is an in-memory image for the stream pipelines' logic. Each
// I/O yields a random number of times so that concurrent chunks finish out
// of order.
type memDevice struct {
	mu       sync.Mutex
	data     []byte
	resizes  int
	writes   int
	inFlight atomic.Int32
	maxIn    atomic.Int32
	failAt   int64 // an I/O touching this offset fails with EIO; -1: never
}

func newMem(size int) *memDevice { return &memDevice{data: make([]byte, size), failAt: -1} }

func (m *memDevice) enter() func() {
	n := m.inFlight.Add(1)
	for {
		old := m.maxIn.Load()
		if n <= old || m.maxIn.CompareAndSwap(old, n) {
			break
		}
	}
	for i := rand.IntN(50); i > 0; i-- {
		time.Sleep(0) // yields; no timing is asserted
	}
	return func() { m.inFlight.Add(-1) }
}

func (m *memDevice) ReadAt(p []byte, off int64) (int, error) {
	defer m.enter()()
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.failAt >= off && m.failAt < off+int64(len(p)) {
		return 0, fault.New(fault.Unavailable, "injected read failure")
	}
	if off >= int64(len(m.data)) {
		return 0, io.EOF
	}
	n := copy(p, m.data[off:])
	if n < len(p) {
		return n, io.EOF
	}
	return n, nil
}

func (m *memDevice) WriteAt(p []byte, off int64) (int, error) {
	defer m.enter()()
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.failAt >= off && m.failAt < off+int64(len(p)) {
		return 0, fault.New(fault.Unavailable, "injected write failure")
	}
	if off+int64(len(p)) > int64(len(m.data)) {
		return 0, fault.New(fault.Invalid, "write past the end")
	}
	m.writes++
	return copy(m.data[off:], p), nil
}

func (m *memDevice) Size(context.Context) (uint64, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return uint64(len(m.data)), nil
}

func (m *memDevice) resize(_ context.Context, size uint64, shrink bool) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if size < uint64(len(m.data)) && !shrink {
		return errors.New("shrink without allow")
	}
	m.resizes++
	d := make([]byte, size)
	copy(d, m.data)
	m.data = d
	return nil
}

func (m *memDevice) String() string { return "RBD image test/mem" }

func pattern(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i*7 + i>>12)
	}
	return b
}

// onlyReader hides any WriterTo/Len so the stream sees an unknown length.
type onlyReader struct{ r io.Reader }

func (o onlyReader) Read(p []byte) (int, error) { return o.r.Read(p) }

func TestWriteStreamGrowsToExactLength(t *testing.T) {
	const chunk = 1 << 10
	src := pattern(100*chunk + 123)
	dev := newMem(0)
	n, err := writeStream(context.Background(), dev, 0, onlyReader{bytes.NewReader(src)}, StreamOptions{ChunkSize: chunk, InFlight: 4})
	if err != nil || n != int64(len(src)) {
		t.Fatalf("writeStream = %d, %v; want %d", n, err, len(src))
	}
	if !bytes.Equal(dev.data, src) {
		t.Fatalf("image holds %d bytes, not the source's %d (or differs)", len(dev.data), len(src))
	}
	// Doubling from one chunk to 101 chunks, plus the final trim.
	if dev.resizes > 10 {
		t.Errorf("%d resizes for 101 chunks; growth should be geometric", dev.resizes)
	}
	if got := dev.maxIn.Load(); got > 4 {
		t.Errorf("%d I/Os in flight, limit 4", got)
	}
}

func TestWriteStreamAtOffsetNeverShrinks(t *testing.T) {
	dev := newMem(64)
	copy(dev.data, bytes.Repeat([]byte{9}, 64))
	n, err := writeStream(context.Background(), dev, 8, bytes.NewReader(pattern(16)), StreamOptions{ChunkSize: 4, InFlight: 2})
	if err != nil || n != 16 {
		t.Fatalf("writeStream = %d, %v", n, err)
	}
	if len(dev.data) != 64 || dev.resizes != 0 {
		t.Fatalf("size %d after %d resizes; want 64 untouched", len(dev.data), dev.resizes)
	}
	want := append(append(bytes.Repeat([]byte{9}, 8), pattern(16)...), bytes.Repeat([]byte{9}, 40)...)
	if !bytes.Equal(dev.data, want) {
		t.Fatal("data around the written range changed")
	}
	// Past the end: grows, ends at the data, not below the old size.
	n, err = writeStream(context.Background(), dev, 60, bytes.NewReader(pattern(10)), StreamOptions{ChunkSize: 4, InFlight: 2})
	if err != nil || n != 10 || len(dev.data) != 70 {
		t.Fatalf("grow at 60: n %d, err %v, size %d; want 10, nil, 70", n, err, len(dev.data))
	}
}

func TestWriteStreamSkipZeros(t *testing.T) {
	const chunk = 16
	src := make([]byte, 10*chunk)
	copy(src[3*chunk:], "data")
	copy(src[9*chunk+5:], "tail")
	dev := newMem(0)
	if _, err := writeStream(context.Background(), dev, 0, bytes.NewReader(src), StreamOptions{ChunkSize: chunk, InFlight: 3, SkipZeros: true}); err != nil {
		t.Fatal(err)
	}
	if dev.writes != 2 || !bytes.Equal(dev.data, src) {
		t.Fatalf("%d writes (want 2), equal %v", dev.writes, bytes.Equal(dev.data, src))
	}
}

func TestWriteStreamErrors(t *testing.T) {
	const chunk = 8
	dev := newMem(0)
	dev.failAt = 5 * chunk
	_, err := writeStream(context.Background(), dev, 0, bytes.NewReader(pattern(50*chunk)), StreamOptions{ChunkSize: chunk, InFlight: 3})
	if fault.KindOf(err) != fault.Unavailable {
		t.Fatalf("device failure: %v", err)
	}

	boom := errors.New("client went away")
	r := io.MultiReader(bytes.NewReader(pattern(3*chunk)), iotestErr{boom})
	_, err = writeStream(context.Background(), newMem(0), 0, r, StreamOptions{ChunkSize: chunk, InFlight: 2})
	if !errors.Is(err, boom) {
		t.Fatalf("reader failure not passed on: %v", err)
	}

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = writeStream(ctx, newMem(0), 0, bytes.NewReader(pattern(3*chunk)), StreamOptions{ChunkSize: chunk})
	if !errors.Is(err, context.Canceled) || fault.KindOf(err) != fault.Unavailable {
		t.Fatalf("cancelled: %v", err)
	}
}

type iotestErr struct{ err error }

func (e iotestErr) Read([]byte) (int, error) { return 0, e.err }

func TestReadStreamRangesInOrder(t *testing.T) {
	const chunk = 64
	data := pattern(1000*chunk/10 + 17)
	dev := newMem(0)
	dev.data = append([]byte(nil), data...)
	for _, tt := range []struct{ off, n int64 }{
		{0, -1}, {0, int64(len(data))}, {1, 10}, {chunk - 1, 3 * chunk}, {int64(len(data)) - 5, 100}, {int64(len(data)), -1}, {100, 0},
	} {
		var out bytes.Buffer
		n, err := readStream(context.Background(), dev, &out, tt.off, tt.n, StreamOptions{ChunkSize: chunk, InFlight: 5})
		end := int64(len(data))
		if tt.n >= 0 && tt.off+tt.n < end {
			end = tt.off + tt.n
		}
		if err != nil || n != end-tt.off || !bytes.Equal(out.Bytes(), data[tt.off:end]) {
			t.Errorf("range %d+%d: n %d, err %v, equal %v", tt.off, tt.n, n, err, bytes.Equal(out.Bytes(), data[tt.off:end]))
		}
	}
	if got := dev.maxIn.Load(); got > 5 {
		t.Errorf("%d reads in flight, limit 5", got)
	}
	if _, err := readStream(context.Background(), dev, io.Discard, int64(len(data))+1, -1, StreamOptions{}); fault.KindOf(err) != fault.Invalid {
		t.Errorf("offset past the end: %v", err)
	}
}

type failWriter struct {
	n   int
	err error
}

func (f *failWriter) Write(p []byte) (int, error) {
	if f.n <= 0 {
		return 0, f.err
	}
	f.n--
	return len(p), nil
}

func TestReadStreamErrors(t *testing.T) {
	const chunk = 8
	dev := newMem(0)
	dev.data = pattern(100 * chunk)
	boom := errors.New("client went away")
	n, err := readStream(context.Background(), dev, &failWriter{n: 3, err: boom}, 0, -1, StreamOptions{ChunkSize: chunk, InFlight: 4})
	if !errors.Is(err, boom) || n != 3*chunk {
		t.Fatalf("writer failure: n %d, err %v", n, err)
	}
	if dev.inFlight.Load() != 0 {
		t.Fatal("reads still in flight after readStream returned")
	}
	dev.failAt = 40 * chunk
	var out bytes.Buffer
	_, err = readStream(context.Background(), dev, &out, 0, -1, StreamOptions{ChunkSize: chunk, InFlight: 4})
	if fault.KindOf(err) != fault.Unavailable || out.Len() != 40*chunk {
		t.Fatalf("device failure: %v after %d bytes", err, out.Len())
	}
}

func TestGrowTarget(t *testing.T) {
	const mib = 1 << 20
	for _, tt := range []struct{ size, end, want uint64 }{
		{0, 1, 8 * mib},
		{8 * mib, 9 * mib, 16 * mib},
		{16 * mib, 40 * mib, 40 * mib},
		{4 << 30, 4<<30 + 1, 5 << 30},
	} {
		if got := growTarget(tt.size, tt.end, 8*mib); got != tt.want {
			t.Errorf("growTarget(%d, %d) = %d, want %d", tt.size, tt.end, got, tt.want)
		}
	}
}

func TestAllZero(t *testing.T) {
	z := make([]byte, 1027)
	if !allZero(z) || !allZero(nil) {
		t.Fatal("zeros not recognised")
	}
	for _, i := range []int{0, 7, 8, 1020, 1026} {
		z[i] = 1
		if allZero(z) {
			t.Fatalf("byte %d set, still all zero", i)
		}
		z[i] = 0
	}
}
