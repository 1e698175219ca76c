package manager

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/gostack/gostack/scheduler/hoststate"
	"github.com/gostack/gostack/scheduler/schedulerapi"
	"github.com/gostack/gostack/services/db"
)

// What the scheduler reads itself about a request, from the nova database,
// so every caller of select_destinations (build, resize, migrate,
// evacuate, unshelve) gets it without passing it: the instances' server
// group with the hosts of its other members, the flavor's extra specs, and
// the hosts' aggregates (availability zones and metadata).

// loadGroup sets spec.InstanceGroup from the group of the request's first
// instance (nil when it is in none). Members of the request itself are
// left out of the group's hosts: they are being placed (again).
func loadGroup(ctx context.Context, q db.Querier, spec *schedulerapi.RequestSpec) error {
	spec.InstanceGroup = nil
	var (
		id    int64
		g     schedulerapi.InstanceGroup
		rules []byte
	)
	err := q.QueryRow(ctx, `SELECT g.id, g.uuid::text, g.policy, g.rules FROM instance_group_member m
		JOIN instance_groups g ON g.id = m.group_id WHERE m.instance_uuid = $1`, spec.InstanceUUIDs[0]).Scan(&id, &g.UUID, &g.Policy, &rules)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("read the server group of %s: %w", spec.InstanceUUIDs[0], err)
	}
	if len(rules) > 0 {
		if err := json.Unmarshal(rules, &g.Rules); err != nil {
			return fmt.Errorf("server group %s: rules: %w", g.UUID, err)
		}
	}
	// A member's host is its instance's host, or for one still being built
	// the node its resources are claimed on.
	rows, err := q.Query(ctx, `SELECT coalesce(nullif(i.host, ''), n.host, '')
		FROM instance_group_member m
		JOIN instances i ON i.uuid = m.instance_uuid AND i.deleted_at IS NULL
		LEFT JOIN allocations al ON al.consumer_uuid = m.instance_uuid
		LEFT JOIN compute_nodes n ON n.id = al.compute_node_id
		WHERE m.group_id = $1 AND NOT m.instance_uuid = ANY($2::uuid[])`, id, spec.InstanceUUIDs)
	if err != nil {
		return fmt.Errorf("read the hosts of server group %s: %w", g.UUID, err)
	}
	defer rows.Close()
	for rows.Next() {
		var h string
		if err := rows.Scan(&h); err != nil {
			return err
		}
		if h != "" {
			g.Hosts = append(g.Hosts, h)
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	spec.InstanceGroup = &g
	return nil
}

// loadExtraSpecs sets spec.FlavorExtraSpecs from the first instance's
// flavor (the flavor a resize moves to is in the request's flavor, so a
// spec that already has extra specs keeps them).
func loadExtraSpecs(ctx context.Context, q db.Querier, spec *schedulerapi.RequestSpec) error {
	if spec.FlavorExtraSpecs != nil {
		return nil
	}
	var raw []byte
	err := q.QueryRow(ctx, `SELECT flavor->'extra_specs' FROM instances WHERE uuid = $1`, spec.InstanceUUIDs[0]).Scan(&raw)
	if errors.Is(err, pgx.ErrNoRows) || len(raw) == 0 || string(raw) == "null" {
		return nil
	}
	if err != nil {
		return fmt.Errorf("read the flavor of %s: %w", spec.InstanceUUIDs[0], err)
	}
	return json.Unmarshal(raw, &spec.FlavorExtraSpecs)
}

// applyAggregates gives each host its aggregates' metadata and, when one
// of them names an availability zone, that zone.
func applyAggregates(ctx context.Context, q db.Querier, hosts []*hoststate.Host) error {
	rows, err := q.Query(ctx, `SELECT h.host, m.key, m.value FROM aggregate_hosts h
		JOIN aggregate_metadata m ON m.aggregate_id = h.aggregate_id ORDER BY h.aggregate_id, m.key`)
	if err != nil {
		return fmt.Errorf("read host aggregates: %w", err)
	}
	defer rows.Close()
	byHost := map[string]map[string][]string{}
	for rows.Next() {
		var host, k, v string
		if err := rows.Scan(&host, &k, &v); err != nil {
			return err
		}
		if byHost[host] == nil {
			byHost[host] = map[string][]string{}
		}
		byHost[host][k] = append(byHost[host][k], v)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	for _, h := range hosts {
		md := byHost[h.Host]
		h.Aggregates = md
		if z := md["availability_zone"]; len(z) > 0 {
			h.Zone = z[0]
		}
	}
	return nil
}

// prepare reads what the filters need beyond the nodes.
func (m *Manager) prepare(ctx context.Context, spec *schedulerapi.RequestSpec, hosts []*hoststate.Host) error {
	q := m.store.Querier()
	if err := loadGroup(ctx, q, spec); err != nil {
		return err
	}
	if err := loadExtraSpecs(ctx, q, spec); err != nil {
		return err
	}
	return applyAggregates(ctx, q, hosts)
}

// lockGroup serializes the placement of one server group's members, so two
// concurrent boots into an anti-affinity group cannot both see a host free
// of members (their claims are separate transactions). The returned func
// releases the lock; without a group it does nothing.
func (m *Manager) lockGroup(ctx context.Context, spec *schedulerapi.RequestSpec) (func(), error) {
	g := spec.InstanceGroup
	txb, ok := m.store.Querier().(db.TxBeginner)
	if g == nil || (g.Policy != "affinity" && g.Policy != "anti-affinity") || !ok {
		return func() {}, nil
	}
	tx, err := txb.BeginTx(ctx, pgx.TxOptions{})
	if err != nil {
		return nil, fmt.Errorf("lock server group %s: %w", g.UUID, err)
	}
	if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtext('nova-scheduler-group:' || $1))`, g.UUID); err != nil {
		_ = tx.Rollback(context.WithoutCancel(ctx))
		return nil, fmt.Errorf("lock server group %s: %w", g.UUID, err)
	}
	unlock := func() { _ = tx.Rollback(context.WithoutCancel(ctx)) }
	// The members' hosts as they are now that no other placement of the
	// group runs.
	if err := loadGroup(ctx, m.store.Querier(), spec); err != nil {
		unlock()
		return nil, err
	}
	return unlock, nil
}

// placed records a placed instance of the request in its group's hosts,
// so the next instance of the request sees it (nova appends to
// instance_group.hosts the same way).
func placed(spec *schedulerapi.RequestSpec, sel schedulerapi.Selection) {
	if spec.InstanceGroup != nil {
		spec.InstanceGroup.Hosts = append(spec.InstanceGroup.Hosts, sel.ServiceHost)
	}
}
