package ceph_test

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/gostack/gostack/services/ceph"
	"github.com/gostack/gostack/services/testenv"
)

// BenchmarkStream256MiB moves a 256 MiB file into and out of RBD through
// Import/Export at several concurrencies, and through `rbd import` and
// `rbd export` on the same machine for comparison. MB/s comes from
// b.SetBytes; peak-heap-MiB is the Go heap in use at its highest during the
// runs (the rbd CLI's memory is another process's, not reported). Run with
// e.g. -bench Stream256MiB -benchtime 3x.
func BenchmarkStream256MiB(b *testing.B) {
	c := connect(b)
	ctx := ctxFor(b)
	conf, user := testenv.Ceph(b)
	file := filepath.Join(b.TempDir(), "data.raw")
	f, err := os.Create(file)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := io.Copy(f, randomData(9, streamSize)); err != nil {
		b.Fatal(err)
	}
	if err := f.Close(); err != nil {
		b.Fatal(err)
	}
	// The image the export benchmarks read.
	src := ceph.ImageSpec("images", randomName("bench-src"))
	cleanupImage(b, c, src)
	if _, err := c.Import(ctx, src, randomData(9, streamSize), ceph.ImportOptions{}); err != nil {
		b.Fatal(err)
	}

	configs := []ceph.StreamOptions{
		{ChunkSize: 8 << 20, InFlight: 1},
		{ChunkSize: 4 << 20, InFlight: 4},
		{ChunkSize: 8 << 20, InFlight: 4}, // the defaults
		{ChunkSize: 4 << 20, InFlight: 8},
		{ChunkSize: 8 << 20, InFlight: 8},
	}
	name := func(o ceph.StreamOptions) string {
		return fmt.Sprintf("chunk=%dMiB/inflight=%d", o.ChunkSize>>20, o.InFlight)
	}
	for _, o := range configs {
		b.Run("import/gostack/"+name(o), func(b *testing.B) {
			b.SetBytes(streamSize)
			var peak uint64
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				in, err := os.Open(file)
				if err != nil {
					b.Fatal(err)
				}
				spec := ceph.ImageSpec("images", randomName("bench"))
				cleanupImage(b, c, spec)
				heap := watchHeap()
				b.StartTimer()
				_, err = c.Import(ctx, spec, onlyReader{in}, ceph.ImportOptions{Stream: o})
				b.StopTimer()
				peak = max(peak, heap.Stop())
				in.Close()
				if err != nil {
					b.Fatal(err)
				}
				if err := c.Remove(ctx, spec, ceph.RemoveOptions{}); err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
			}
			b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MiB")
		})
	}
	for _, o := range configs {
		b.Run("export/gostack/"+name(o), func(b *testing.B) {
			b.SetBytes(streamSize)
			var peak uint64
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				heap := watchHeap()
				b.StartTimer()
				_, err := c.Export(ctx, src, io.Discard, ceph.ExportOptions{Stream: o})
				b.StopTimer()
				peak = max(peak, heap.Stop())
				if err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
			}
			b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MiB")
		})
	}

	rbdCLI := func(b *testing.B, stdout io.Writer, args ...string) {
		var stderr bytes.Buffer
		cmd := exec.CommandContext(ctx, "rbd", append([]string{"--conf", conf, "--id", user, "--no-progress"}, args...)...)
		cmd.Stdout, cmd.Stderr = stdout, &stderr
		if err := cmd.Run(); err != nil {
			b.Fatalf("rbd %v: %v\n%s", args, err, stderr.Bytes())
		}
	}
	b.Run("import/rbd-cli", func(b *testing.B) {
		b.SetBytes(streamSize)
		for i := 0; i < b.N; i++ {
			b.StopTimer()
			spec := ceph.ImageSpec("images", randomName("bench-cli"))
			cleanupImage(b, c, spec)
			b.StartTimer()
			rbdCLI(b, nil, "import", file, spec.String())
			b.StopTimer()
			if err := c.Remove(ctx, spec, ceph.RemoveOptions{}); err != nil {
				b.Fatal(err)
			}
			b.StartTimer()
		}
	})
	b.Run("export/rbd-cli", func(b *testing.B) {
		b.SetBytes(streamSize)
		for i := 0; i < b.N; i++ {
			rbdCLI(b, io.Discard, "export", src.String(), "-")
		}
	})
}

// onlyReader hides the file's size and WriterTo so the import sees a stream
// of unknown length, like a chunked upload.
type onlyReader struct{ r io.Reader }

func (o onlyReader) Read(p []byte) (int, error) { return o.r.Read(p) }
