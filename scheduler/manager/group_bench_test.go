package manager_test

import (
	"testing"

	"github.com/gostack/gostack/scheduler/manager"
)

// BenchmarkSelectDestinations measures one placement over the real broker
// and database on two hosts, without a group and as a member of a
// soft-anti-affinity group (the group, its members' hosts and the
// aggregates are read by the scheduler on each request). Each placement's
// claim is released again so the hosts never fill up.
func BenchmarkSelectDestinations(b *testing.B) {
	for _, withGroup := range []bool{false, true} {
		name := "no-group"
		if withGroup {
			name = "soft-anti-affinity-group"
		}
		b.Run(name, func(b *testing.B) {
			w := newWorld(b, manager.DefaultSettings())
			w.host(b, "a")
			w.host(b, "b")
			ids := uuids(b.N)
			if withGroup {
				w.group(b, "soft-anti-affinity", "{}", ids...)
			}
			ctx := testCtx(b)
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				sp := spec(1, 512)
				sp.InstanceUUIDs = ids[i : i+1]
				if _, err := w.client.SelectDestinations(ctx, sp); err != nil {
					b.Fatal(err)
				}
				if err := w.nodes.Release(ctx, ids[i]); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
