package libvirt

import (
	"context"
	"sort"
	"testing"
	"time"

	"github.com/gostack/gostack/compute/virt"
	"github.com/gostack/gostack/services/ceph"
)

// BenchmarkSpawn measures Spawn of the tiny image from RBD: clone of
// images/<id>@snap, resize to 1 GiB, secret check, domain define and
// start (the guest's boot is not included: Spawn returns once QEMU runs).
// Destroying each guest is outside the timer. Reports p50/p95 in ms too.
// Run: go test -tags pacific -run '^$' -bench Spawn -benchtime 10x ./compute/virt/libvirt/
func BenchmarkSpawn(b *testing.B) {
	d, f := newDriver(b)
	ctx := context.Background()
	var took []time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		spec := f.spec()
		t0 := time.Now()
		if err := d.Spawn(ctx, spec); err != nil {
			b.Fatal(err)
		}
		took = append(took, time.Since(t0))
		b.StopTimer()
		if err := d.Destroy(ctx, spec.UUID, virt.DestroyOptions{}); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
	}
	b.StopTimer()
	sort.Slice(took, func(i, j int) bool { return took[i] < took[j] })
	pct := func(p float64) float64 {
		return float64(took[int(p*float64(len(took)-1))].Microseconds()) / 1000
	}
	b.ReportMetric(pct(0.5), "p50-ms")
	b.ReportMetric(pct(0.95), "p95-ms")
}

// BenchmarkDirectSnapshot measures createImage's disk copy of an instance
// with a 1 GiB root disk (the tiny image's 23 MiB of data): snapshot,
// clone into images, flatten, the image's protected snap. Removing each
// copy is outside the timer.
// Run: go test -tags pacific -run '^$' -bench DirectSnapshot -benchtime 5x ./compute/virt/libvirt/
func BenchmarkDirectSnapshot(b *testing.B) {
	d, f := newDriver(b)
	ctx := context.Background()
	spec := f.spec()
	spawn(b, d, spec)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		id := randomUUID()
		if _, err := d.DirectSnapshot(ctx, spec.UUID, id, "images"); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		removeImage(f.admin, ceph.ImageSpec("images", id))
		b.StartTimer()
	}
}
