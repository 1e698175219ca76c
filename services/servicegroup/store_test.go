package servicegroup_test

import (
	"context"
	"testing"
	"time"

	"github.com/gostack/gostack/migrations"
	"github.com/gostack/gostack/services/db"
	"github.com/gostack/gostack/services/fault"
	"github.com/gostack/gostack/services/servicegroup"
	"github.com/gostack/gostack/services/testenv"
)

func testCtx(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	t.Cleanup(cancel)
	return ctx
}

// newStore returns a Store on a fresh, migrated database of the service.
func newStore(t *testing.T, service string) *servicegroup.Store {
	t.Helper()
	ctx := testCtx(t)
	pool, err := db.Open(ctx, db.Options{Connection: testenv.Postgres(t)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	if _, err := migrations.Sync(ctx, pool, service); err != nil {
		t.Fatal(err)
	}
	return servicegroup.NewStore(pool)
}

func TestRegisterTwiceKeepsOneRowAndDisabled(t *testing.T) {
	for _, service := range []string{"nova", "cinder"} {
		t.Run(service, func(t *testing.T) {
			ctx := testCtx(t)
			s := newStore(t, service)
			reg := servicegroup.Registration{Binary: service + "-volume", Host: "node1", Topic: "volume", Zone: "az1"}
			first, err := s.Register(ctx, reg)
			if err != nil {
				t.Fatal(err)
			}
			if first.ID == 0 || first.UUID == "" || first.Zone != "az1" || first.Disabled || first.CreatedAt.IsZero() {
				t.Fatalf("registered %+v", first)
			}
			if _, err := s.Disable(ctx, first.ID, "maintenance"); err != nil {
				t.Fatal(err)
			}

			reg.Topic, reg.Zone = "volume2", ""
			again, err := s.Register(ctx, reg)
			if err != nil {
				t.Fatal(err)
			}
			if again.ID != first.ID || again.UUID != first.UUID {
				t.Fatalf("re-register made a new identity: %+v, was %+v", again, first)
			}
			if !again.Disabled || again.DisabledReason != "maintenance" {
				t.Fatalf("re-register lost the disabled state: %+v", again)
			}
			if again.Topic != "volume2" || again.Zone != "" {
				t.Fatalf("re-register did not update topic and zone: %+v", again)
			}
			all, err := s.List(ctx, servicegroup.Filter{})
			if err != nil || len(all) != 1 {
				t.Fatalf("List = %d rows, %v; want 1", len(all), err)
			}
		})
	}
}

func TestRegisterNewServiceDisabled(t *testing.T) {
	ctx := testCtx(t)
	s := newStore(t, "nova")
	svc, err := s.Register(ctx, servicegroup.Registration{Binary: "nova-compute", Host: "c1", Disabled: true, DisabledReason: "new"})
	if err != nil || !svc.Disabled || svc.DisabledReason != "new" {
		t.Fatalf("Register = %+v, %v", svc, err)
	}
	if _, err := s.Register(ctx, servicegroup.Registration{Host: "c1"}); fault.KindOf(err) != fault.Invalid {
		t.Fatalf("Register without binary = %v; want kind invalid", err)
	}
}

func TestGetListUpdateDelete(t *testing.T) {
	ctx := testCtx(t)
	s := newStore(t, "nova")
	compute, err := s.Register(ctx, servicegroup.Registration{Binary: "nova-compute", Host: "c1", Topic: "compute"})
	if err != nil {
		t.Fatal(err)
	}
	cond, err := s.Register(ctx, servicegroup.Registration{Binary: "nova-conductor", Host: "ctl", Topic: "conductor"})
	if err != nil {
		t.Fatal(err)
	}

	if got, err := s.Get(ctx, compute.ID); err != nil || got.Host != "c1" {
		t.Fatalf("Get = %+v, %v", got, err)
	}
	if got, err := s.GetByUUID(ctx, cond.UUID); err != nil || got.ID != cond.ID {
		t.Fatalf("GetByUUID = %+v, %v", got, err)
	}
	if got, err := s.GetByHostBinary(ctx, "ctl", "nova-conductor"); err != nil || got.ID != cond.ID {
		t.Fatalf("GetByHostBinary = %+v, %v", got, err)
	}
	if list, err := s.List(ctx, servicegroup.Filter{Binary: "nova-compute"}); err != nil || len(list) != 1 || list[0].ID != compute.ID {
		t.Fatalf("List(binary) = %+v, %v", list, err)
	}
	if list, err := s.List(ctx, servicegroup.Filter{Host: "ctl"}); err != nil || len(list) != 1 || list[0].ID != cond.ID {
		t.Fatalf("List(host) = %+v, %v", list, err)
	}

	svc, err := s.Disable(ctx, compute.ID, "bad disk")
	if err != nil || !svc.Disabled || svc.DisabledReason != "bad disk" || svc.UpdatedAt.IsZero() {
		t.Fatalf("Disable = %+v, %v", svc, err)
	}
	svc, err = s.Enable(ctx, compute.ID)
	if err != nil || svc.Disabled || svc.DisabledReason != "" {
		t.Fatalf("Enable = %+v, %v; want enabled with no reason", svc, err)
	}
	svc, err = s.SetForcedDown(ctx, compute.ID, true)
	if err != nil || !svc.ForcedDown || servicegroup.IsUp(svc, time.Now(), time.Hour) {
		t.Fatalf("SetForcedDown = %+v, %v; want forced down and not up", svc, err)
	}

	if err := s.Delete(ctx, compute.ID); err != nil {
		t.Fatal(err)
	}
	for name, err := range map[string]error{
		"Get":    second(s.Get(ctx, compute.ID)),
		"Update": second(s.Enable(ctx, compute.ID)),
		"Delete": s.Delete(ctx, compute.ID),
		"Report": second(s.Report(ctx, compute.ID)),
		"UUID":   second(s.GetByUUID(ctx, "not-a-uuid")),
	} {
		if fault.KindOf(err) != fault.NotFound {
			t.Errorf("%s after delete = %v; want kind not_found", name, err)
		}
	}
	again, err := s.Register(ctx, servicegroup.Registration{Binary: "nova-compute", Host: "c1", Topic: "compute"})
	if err != nil || again.ID == compute.ID || again.ForcedDown {
		t.Fatalf("Register after delete = %+v, %v; want a new row", again, err)
	}
}

func second[T any](_ T, err error) error { return err }
