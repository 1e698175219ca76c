package bootstrap_test

import (
	"context"
	"testing"
	"time"

	"github.com/gostack/gostack/compute/network/bootstrap"
	"github.com/gostack/gostack/compute/network/store"
	"github.com/gostack/gostack/identity/identitytest"
	"github.com/gostack/gostack/migrations"
	"github.com/gostack/gostack/services/auth"
	"github.com/gostack/gostack/services/db"
	"github.com/gostack/gostack/services/testenv"
)

// TestBootstrap logs in to a real keystone as its admin to find the
// admin project, makes the default network, and makes nothing more the
// second time.
func TestBootstrap(t *testing.T) {
	ks := identitytest.Start(t, nil)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	project, err := bootstrap.ProjectOf(ctx, auth.Options{AuthURL: ks.URL, Username: "admin", Password: identitytest.AdminPassword,
		ProjectName: "admin", UserDomainName: "Default", ProjectDomainName: "Default"})
	if err != nil {
		t.Fatal(err)
	}
	if project != ks.Boot.ProjectID {
		t.Fatalf("project %q, want the admin project %q", project, ks.Boot.ProjectID)
	}
	pool, err := db.Open(ctx, db.Options{Connection: testenv.Postgres(t)})
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	if _, err := migrations.Sync(ctx, pool, "network"); err != nil {
		t.Fatal(err)
	}
	st := store.New(pool, "")
	spec := bootstrap.Spec{ProjectID: project, Network: "private", PhysicalNetwork: "physnet1", Subnet: "private-subnet",
		CIDR: "10.252.0.0/24", Gateway: "10.252.0.1", PoolStart: "10.252.0.10", PoolEnd: "10.252.0.250"}
	first, err := bootstrap.Ensure(ctx, st, spec)
	if err != nil || !first.Created || !first.Network.Shared || first.Subnet.Pools[0].String() != "10.252.0.10-10.252.0.250" {
		t.Fatalf("first: %+v %v", first, err)
	}
	second, err := bootstrap.Ensure(ctx, st, spec)
	if err != nil || second.Created || second.Network.ID != first.Network.ID || second.Subnet.ID != first.Subnet.ID {
		t.Fatalf("second: %+v %v", second, err)
	}
	if _, err := bootstrap.Ensure(ctx, st, bootstrap.Spec{ProjectID: project, Network: "x", CIDR: "10.0.0.0/24", PoolStart: "10.0.0.1", PoolEnd: "10.0.0.5"}); err == nil {
		t.Fatal("a pool holding the gateway was accepted")
	}
}
