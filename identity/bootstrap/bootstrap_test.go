package bootstrap_test

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/gostack/gostack/identity/bootstrap"
	"github.com/gostack/gostack/identity/store"
	"github.com/gostack/gostack/migrations"
	"github.com/gostack/gostack/services/db"
	"github.com/gostack/gostack/services/testenv"
)

func TestBootstrapIsIdempotent(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	pool, err := db.Open(ctx, db.Options{Connection: testenv.Postgres(t)})
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	if _, err := migrations.Sync(ctx, pool, "keystone"); err != nil {
		t.Fatal(err)
	}
	st := store.New(pool)
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	o := bootstrap.Options{Password: "pw", PublicURL: "http://h:5000/v3", PasswordCost: bcrypt.MinCost}
	first, err := bootstrap.Bootstrap(ctx, st, o, quiet)
	if err != nil {
		t.Fatal(err)
	}
	o.PublicURL = "http://h2:5000/v3"
	second, err := bootstrap.Bootstrap(ctx, st, o, quiet)
	if err != nil {
		t.Fatal(err)
	}
	if first != second {
		t.Errorf("second run made new objects: %+v vs %+v", first, second)
	}
	eps, err := st.ListEndpoints(ctx, store.EndpointFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(eps) != 1 || eps[0].URL != "http://h2:5000/v3" {
		t.Errorf("endpoints after a URL change: %+v", eps)
	}
	for i := 0; i < 2; i++ {
		if _, err := bootstrap.RegisterService(ctx, st, bootstrap.ServiceSpec{Type: "compute", Name: "nova", RegionID: "RegionOne", PublicURL: "http://h:8774/v2.1"}, quiet); err != nil {
			t.Fatal(err)
		}
		if _, err := bootstrap.EnsureServiceUser(ctx, st, bootstrap.ServiceUser{Name: "nova", Password: "x"}, bcrypt.MinCost, quiet); err != nil {
			t.Fatal(err)
		}
	}
	svcs, _ := st.ListServices(ctx, store.ServiceFilter{Type: "compute"})
	if len(svcs) != 1 {
		t.Errorf("compute services: %d", len(svcs))
	}
	u, err := st.GetUserByName(ctx, store.DefaultDomainID, "nova")
	if err != nil {
		t.Fatal(err)
	}
	roles, err := st.RolesOn(ctx, u.ID, store.Scope{ProjectID: u.DefaultProjectID})
	if err != nil || len(roles) != 3 {
		t.Errorf("service user roles: %v %v", roles, err)
	}
}
