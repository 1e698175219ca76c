package store_test

import (
	"context"
	"net/netip"
	"testing"

	"github.com/gostack/gostack/compute/network/ipam"
	"github.com/gostack/gostack/compute/network/store"
	"github.com/gostack/gostack/migrations"
	"github.com/gostack/gostack/services/db"
	"github.com/gostack/gostack/services/testenv"
)

// BenchmarkCreatePort measures a port create with address allocation on
// a /16 (the lock on the subnet row serializes creates on one subnet),
// sequentially and from parallel goroutines, then deletes them.
func BenchmarkCreatePort(b *testing.B) {
	ctx := context.Background()
	pool, err := db.Open(ctx, db.Options{Connection: testenv.Postgres(b), MaxPoolSize: 32})
	if err != nil {
		b.Fatal(err)
	}
	defer pool.Close()
	if _, err := migrations.Sync(ctx, pool, "network"); err != nil {
		b.Fatal(err)
	}
	st := store.New(pool, "")
	n, err := st.CreateNetwork(ctx, store.Network{ProjectID: "p", Name: "bench", Status: "ACTIVE", NetworkType: "flat", MTU: 1500})
	if err != nil {
		b.Fatal(err)
	}
	cidr := netip.MustParsePrefix("10.100.0.0/16")
	gw := ipam.DefaultGateway(cidr)
	if _, err := st.CreateSubnet(ctx, store.Subnet{NetworkID: n.ID, ProjectID: "p", IPVersion: 4, CIDR: cidr,
		GatewayIP: gw, Pools: ipam.DefaultPools(cidr, gw)}); err != nil {
		b.Fatal(err)
	}
	create := func() string {
		p, err := st.CreatePort(ctx, store.PortSpec{Port: store.Port{NetworkID: n.ID, ProjectID: "p", AdminStateUp: true}})
		if err != nil {
			b.Fatal(err)
		}
		return p.ID
	}
	cleanup := func(ids []string) {
		for _, id := range ids {
			if _, err := st.DeletePort(ctx, id); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.Run("serial", func(b *testing.B) {
		var ids []string
		for b.Loop() {
			ids = append(ids, create())
		}
		b.StopTimer()
		cleanup(ids)
	})
	b.Run("parallel", func(b *testing.B) {
		b.SetParallelism(4)
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				create()
			}
		})
	})
}
