package manager_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/gostack/gostack/scheduler/manager"
	"github.com/gostack/gostack/scheduler/schedulerapi"
)

// group stores a server group with policy and rules (JSON) and instance
// rows for its members, as nova-api does before asking for their build.
func (w *world) group(t testing.TB, policy, rules string, members ...string) {
	t.Helper()
	ctx := testCtx(t)
	var id int64
	if err := w.pool.QueryRow(ctx, `INSERT INTO instance_groups (uuid, name, project_id, user_id, policy, rules)
		VALUES ($1, 'g', 'p1', 'u1', $2, $3) RETURNING id`, uuid.NewString(), policy, rules).Scan(&id); err != nil {
		t.Fatal(err)
	}
	for _, m := range members {
		if _, err := w.pool.Exec(ctx, `INSERT INTO instances (uuid, project_id, user_id, flavor, instance_type_id,
			memory_mb, vcpus, root_gb, ephemeral_gb, vm_state) VALUES ($1, 'p1', 'u1', '{"extra_specs": {}}', 'f1', 512, 1, 1, 0, 'building')`, m); err != nil {
			t.Fatal(err)
		}
		if _, err := w.pool.Exec(ctx, `INSERT INTO instance_group_member (group_id, instance_uuid) VALUES ($1, $2)`, id, m); err != nil {
			t.Fatal(err)
		}
	}
}

func place(t *testing.T, w *world, ids ...string) ([]schedulerapi.Selection, error) {
	t.Helper()
	sp := schedulerapi.RequestSpec{InstanceUUIDs: ids, ProjectID: "p1", FlavorID: "f1",
		Resources: schedulerapi.Resources{VCPUs: 1, MemoryMB: 512, RootGB: 1}}
	return w.client.SelectDestinations(testCtx(t), sp)
}

func TestAntiAffinityGroup(t *testing.T) {
	w := newWorld(t, manager.DefaultSettings())
	w.host(t, "a")
	w.host(t, "b")
	m := uuids(3)
	w.group(t, "anti-affinity", "{}", m...)
	first, err := place(t, w, m[0])
	if err != nil {
		t.Fatal(err)
	}
	second, err := place(t, w, m[1])
	if err != nil {
		t.Fatal(err)
	}
	if first[0].ServiceHost == second[0].ServiceHost {
		t.Fatalf("anti-affinity members on one host: %s", first[0].ServiceHost)
	}
	_, err = place(t, w, m[2])
	var nv *schedulerapi.NoValidHost
	if !errors.As(err, &nv) || !strings.Contains(err.Error(), "ServerGroupAntiAffinityFilter") {
		t.Fatalf("third member on two hosts: want NoValidHost from ServerGroupAntiAffinityFilter, got %v", err)
	}
	// Placing a member again (a move) leaves its own host out of the count.
	again, err := place(t, w, m[0])
	if err != nil || again[0].ServiceHost == second[0].ServiceHost {
		t.Fatalf("moved member: %v %+v", err, again)
	}
}

func TestAntiAffinityOneRequestSpreads(t *testing.T) {
	w := newWorld(t, manager.DefaultSettings())
	w.host(t, "a")
	w.host(t, "b")
	m := uuids(2)
	w.group(t, "anti-affinity", "{}", m...)
	// Stacking weighers would put both on one host; the filter forbids it.
	got, err := place(t, w, m...)
	if err != nil {
		t.Fatal(err)
	}
	if got[0].ServiceHost == got[1].ServiceHost {
		t.Fatalf("one request's anti-affinity members on one host: %+v", got)
	}
}

func TestAntiAffinityMaxServerPerHost(t *testing.T) {
	w := newWorld(t, manager.DefaultSettings())
	w.host(t, "a")
	m := uuids(3)
	w.group(t, "anti-affinity", `{"max_server_per_host": 2}`, m...)
	if _, err := place(t, w, m[0], m[1]); err != nil {
		t.Fatalf("two members with max_server_per_host 2 on one host: %v", err)
	}
	var nv *schedulerapi.NoValidHost
	if _, err := place(t, w, m[2]); !errors.As(err, &nv) {
		t.Fatalf("third member: want NoValidHost, got %v", err)
	}
}

func TestAffinityGroup(t *testing.T) {
	s := manager.DefaultSettings() // spreading weighers would pick the empty host
	w := newWorld(t, s)
	w.host(t, "a")
	w.host(t, "b")
	m := uuids(3)
	w.group(t, "affinity", "{}", m...)
	first, err := place(t, w, m[0])
	if err != nil {
		t.Fatal(err)
	}
	rest, err := place(t, w, m[1], m[2])
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rest {
		if r.ServiceHost != first[0].ServiceHost {
			t.Fatalf("affinity member on %s, the first on %s", r.ServiceHost, first[0].ServiceHost)
		}
	}
}

func TestSoftAntiAffinityPrefersOtherHosts(t *testing.T) {
	s := manager.DefaultSettings()
	s.RAMWeightMultiplier, s.CPUWeightMultiplier, s.DiskWeightMultiplier = -1, 0, 0 // stack, unless the group says otherwise
	s.SoftAntiAffinityWeightMultiplier = 10
	w := newWorld(t, s)
	w.host(t, "a")
	w.host(t, "b")
	m := uuids(3)
	w.group(t, "soft-anti-affinity", "{}", m...)
	got, err := place(t, w, m...)
	if err != nil {
		t.Fatal(err)
	}
	if got[0].ServiceHost == got[1].ServiceHost {
		t.Fatalf("soft-anti-affinity members stacked: %+v", got)
	}
	// A third member still finds a host: the policy is soft.
	if got[2].ServiceHost == "" {
		t.Fatalf("third: %+v", got[2])
	}
}

func TestSoftAffinityPrefersTheGroupsHost(t *testing.T) {
	s := manager.DefaultSettings() // spread by default
	s.SoftAffinityWeightMultiplier = 10
	w := newWorld(t, s)
	w.host(t, "a")
	w.host(t, "b")
	m := uuids(3)
	w.group(t, "soft-affinity", "{}", m...)
	got, err := place(t, w, m...)
	if err != nil {
		t.Fatal(err)
	}
	if got[0].ServiceHost != got[1].ServiceHost || got[1].ServiceHost != got[2].ServiceHost {
		t.Fatalf("soft-affinity members spread: %+v", got)
	}
}

func TestAggregateAvailabilityZone(t *testing.T) {
	ctx := testCtx(t)
	w := newWorld(t, manager.DefaultSettings())
	w.host(t, "a")
	w.host(t, "b")
	var id int64
	if err := w.pool.QueryRow(ctx, `INSERT INTO aggregates (uuid, name) VALUES ($1, 'agg') RETURNING id`, uuid.NewString()).Scan(&id); err != nil {
		t.Fatal(err)
	}
	if _, err := w.pool.Exec(ctx, `INSERT INTO aggregate_hosts (aggregate_id, host) VALUES ($1, 'b');
		INSERT INTO aggregate_metadata (aggregate_id, key, value) VALUES ($1, 'availability_zone', 'az1'), ($1, 'ssd', 'true')`, id); err != nil {
		// pgx refuses several statements with arguments; do them one by one.
		if _, err := w.pool.Exec(ctx, `INSERT INTO aggregate_hosts (aggregate_id, host) VALUES ($1, 'b')`, id); err != nil {
			t.Fatal(err)
		}
		if _, err := w.pool.Exec(ctx, `INSERT INTO aggregate_metadata (aggregate_id, key, value) VALUES ($1, 'availability_zone', 'az1'), ($1, 'ssd', 'true')`, id); err != nil {
			t.Fatal(err)
		}
	}
	for range 3 {
		sp := spec(1, 512)
		sp.AvailabilityZone = "az1"
		got, err := w.client.SelectDestinations(ctx, sp)
		if err != nil {
			t.Fatal(err)
		}
		if got[0].ServiceHost != "b" || got[0].AvailabilityZone != "az1" {
			t.Fatalf("az1 request placed %+v", got[0])
		}
	}
	sp := spec(1, 512)
	sp.AvailabilityZone = "nova"
	if got, err := w.client.SelectDestinations(ctx, sp); err != nil || got[0].ServiceHost != "a" {
		t.Fatalf("nova request: %v %+v", err, got)
	}
}
