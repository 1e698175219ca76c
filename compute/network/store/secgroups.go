package store

import (
	"context"
	"net/netip"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/gostack/gostack/services/db"
	"github.com/gostack/gostack/services/fault"
)

// SecurityGroup is a row of security_groups with its rules.
type SecurityGroup struct {
	ID          string
	ProjectID   string
	Name        string
	Description string
	Stateful    bool
	Revision    int64
	CreatedAt   time.Time
	UpdatedAt   time.Time
	Rules       []Rule
}

// Rule is a row of security_group_rules.
type Rule struct {
	ID              string
	SecurityGroupID string
	ProjectID       string
	Description     string
	Direction       string
	Ethertype       string
	Protocol        *string
	PortRangeMin    *int
	PortRangeMax    *int
	RemoteIPPrefix  *string
	RemoteGroupID   *string
	Revision        int64
	CreatedAt       time.Time
	UpdatedAt       time.Time
}

// NormalizedCIDR is neutron's normalized_cidr: the rule's
// remote_ip_prefix, which is kept as given (10.2.3.124/24), with the host
// bits cleared (10.2.3.0/24); "" without a prefix. Filters match on it.
func (r Rule) NormalizedCIDR() string {
	if r.RemoteIPPrefix == nil {
		return ""
	}
	p, err := netip.ParsePrefix(*r.RemoteIPPrefix)
	if err != nil {
		return *r.RemoteIPPrefix
	}
	return p.Masked().String()
}

// DefaultGroupName and DefaultGroupDescription are neutron's.
const (
	DefaultGroupName        = "default"
	DefaultGroupDescription = "Default security group"
)

const sgCols = `id, project_id, name, description, stateful, revision_number, created_at, updated_at`
const ruleCols = `id, security_group_id, project_id, description, direction, ethertype, protocol, port_range_min,
	port_range_max, remote_ip_prefix, remote_group_id, revision_number, created_at, updated_at`

func scanSG(row pgx.Row) (SecurityGroup, error) {
	var g SecurityGroup
	err := row.Scan(&g.ID, &g.ProjectID, &g.Name, &g.Description, &g.Stateful, &g.Revision, &g.CreatedAt, &g.UpdatedAt)
	return g, err
}

func scanRule(row pgx.Row) (Rule, error) {
	var r Rule
	err := row.Scan(&r.ID, &r.SecurityGroupID, &r.ProjectID, &r.Description, &r.Direction, &r.Ethertype, &r.Protocol,
		&r.PortRangeMin, &r.PortRangeMax, &r.RemoteIPPrefix, &r.RemoteGroupID, &r.Revision, &r.CreatedAt, &r.UpdatedAt)
	return r, err
}

// egressRules are the rules of every new group: egress anywhere, IPv4
// and IPv6. The default group adds ingress from its own members.
func (s *Store) baseRules(g *SecurityGroup, isDefault bool) []Rule {
	var out []Rule
	for _, et := range []string{"IPv4", "IPv6"} {
		out = append(out, Rule{Direction: "egress", Ethertype: et})
		if isDefault {
			id := g.ID
			out = append(out, Rule{Direction: "ingress", Ethertype: et, RemoteGroupID: &id})
		}
	}
	for i := range out {
		out[i].ID, out[i].SecurityGroupID, out[i].ProjectID = NewID(), g.ID, g.ProjectID
		out[i].CreatedAt, out[i].UpdatedAt = s.now(), s.now()
	}
	return out
}

func (s *Store) insertGroup(ctx context.Context, tx pgx.Tx, g *SecurityGroup, isDefault bool) error {
	if g.ID == "" {
		g.ID = NewID()
	}
	g.CreatedAt, g.UpdatedAt = s.now(), s.now()
	if _, err := tx.Exec(ctx, `INSERT INTO security_groups (`+sgCols+`) VALUES ($1,$2,$3,$4,$5,0,$6,$7)`,
		g.ID, g.ProjectID, g.Name, g.Description, g.Stateful, g.CreatedAt, g.UpdatedAt); err != nil {
		return err
	}
	g.Rules = s.baseRules(g, isDefault)
	for _, r := range g.Rules {
		if err := insertRule(ctx, tx, r); err != nil {
			return err
		}
	}
	return nil
}

func insertRule(ctx context.Context, q db.Querier, r Rule) error {
	_, err := q.Exec(ctx, `INSERT INTO security_group_rules (`+ruleCols+`) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,0,$12,$13)`,
		r.ID, r.SecurityGroupID, r.ProjectID, r.Description, r.Direction, r.Ethertype, r.Protocol, r.PortRangeMin,
		r.PortRangeMax, r.RemoteIPPrefix, r.RemoteGroupID, r.CreatedAt, r.UpdatedAt)
	return err
}

// EnsureDefaultGroup returns the id of the project's default group,
// creating it with neutron's default rules on first use. Concurrent
// first uses create one group: the default_security_groups key decides.
func (s *Store) EnsureDefaultGroup(ctx context.Context, project string) (string, error) {
	var id string
	err := s.pool.QueryRow(ctx, `SELECT security_group_id FROM default_security_groups WHERE project_id = $1`, project).Scan(&id)
	if err == nil || !db.IsNotFound(err) {
		return id, err
	}
	g := SecurityGroup{ProjectID: project, Name: DefaultGroupName, Description: DefaultGroupDescription, Stateful: true}
	err = s.tx(ctx, func(tx pgx.Tx) error {
		if err := s.insertGroup(ctx, tx, &g, true); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `INSERT INTO default_security_groups (project_id, security_group_id) VALUES ($1, $2)`, project, g.ID)
		return err
	})
	if db.IsUniqueViolation(err) {
		err = s.pool.QueryRow(ctx, `SELECT security_group_id FROM default_security_groups WHERE project_id = $1`, project).Scan(&id)
		return id, err
	}
	return g.ID, err
}

// IsDefaultGroup reports whether id is a project's default group.
func (s *Store) IsDefaultGroup(ctx context.Context, id string) (bool, error) {
	var n int
	err := s.pool.QueryRow(ctx, `SELECT count(*) FROM default_security_groups WHERE security_group_id = $1`, id).Scan(&n)
	return n > 0, err
}

// CreateGroup inserts a group with the two egress rules.
func (s *Store) CreateGroup(ctx context.Context, g SecurityGroup) (SecurityGroup, error) {
	err := s.tx(ctx, func(tx pgx.Tx) error { return s.insertGroup(ctx, tx, &g, false) })
	return g, err
}

// GetGroup returns a group with its rules.
func (s *Store) GetGroup(ctx context.Context, id string) (SecurityGroup, error) {
	gs, err := s.groups(ctx, `WHERE id = $1`, id)
	if err != nil {
		return SecurityGroup{}, err
	}
	if len(gs) == 0 {
		return SecurityGroup{}, SecurityGroupNotFound(id)
	}
	return gs[0], nil
}

// ListGroups returns every group with its rules.
func (s *Store) ListGroups(ctx context.Context) ([]SecurityGroup, error) { return s.groups(ctx, ``) }

func (s *Store) groups(ctx context.Context, where string, args ...any) ([]SecurityGroup, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+sgCols+` FROM security_groups `+where+` ORDER BY created_at, id`, args...)
	if err != nil {
		return nil, err
	}
	gs, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (SecurityGroup, error) { return scanSG(r) })
	if err != nil || len(gs) == 0 {
		return gs, err
	}
	ids := make([]string, len(gs))
	byID := map[string]*SecurityGroup{}
	for i := range gs {
		ids[i] = gs[i].ID
		byID[gs[i].ID] = &gs[i]
		gs[i].Rules = []Rule{}
	}
	rules, err := s.rules(ctx, `WHERE security_group_id = ANY($1)`, ids)
	if err != nil {
		return nil, err
	}
	for _, r := range rules {
		byID[r.SecurityGroupID].Rules = append(byID[r.SecurityGroupID].Rules, r)
	}
	return gs, nil
}

// UpdateGroup changes a group's name and description.
func (s *Store) UpdateGroup(ctx context.Context, id string, change func(*SecurityGroup) error) (SecurityGroup, error) {
	g, err := s.GetGroup(ctx, id)
	if err != nil {
		return g, err
	}
	if err := change(&g); err != nil {
		return g, err
	}
	g.Revision++
	g.UpdatedAt = s.now()
	_, err = s.pool.Exec(ctx, `UPDATE security_groups SET name=$2, description=$3, stateful=$4, revision_number=$5, updated_at=$6
		WHERE id=$1`, id, g.Name, g.Description, g.Stateful, g.Revision, g.UpdatedAt)
	return g, err
}

// DeleteGroup removes a group and its rules; one that ports use is
// neutron's 409 SecurityGroupInUse.
func (s *Store) DeleteGroup(ctx context.Context, id string) error {
	return s.tx(ctx, func(tx pgx.Tx) error {
		var one int
		if err := tx.QueryRow(ctx, `SELECT 1 FROM security_groups WHERE id = $1 FOR UPDATE`, id).Scan(&one); err != nil {
			if db.IsNotFound(err) {
				return SecurityGroupNotFound(id)
			}
			return err
		}
		var n int
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM port_security_groups WHERE security_group_id = $1`, id).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return Errorf("SecurityGroupInUse", fault.Conflict, "Security Group %s in use.", id)
		}
		_, err := tx.Exec(ctx, `DELETE FROM security_groups WHERE id = $1`, id)
		return err
	})
}

// CreateRule inserts a rule, refusing a duplicate of an existing one of
// its group with neutron's 409 SecurityGroupRuleExists.
func (s *Store) CreateRule(ctx context.Context, r Rule) (Rule, error) {
	r.ID = NewID()
	r.CreatedAt, r.UpdatedAt = s.now(), s.now()
	err := s.tx(ctx, func(tx pgx.Tx) error {
		var one int
		if err := tx.QueryRow(ctx, `SELECT 1 FROM security_groups WHERE id = $1 FOR UPDATE`, r.SecurityGroupID).Scan(&one); err != nil {
			if db.IsNotFound(err) {
				return SecurityGroupNotFound(r.SecurityGroupID)
			}
			return err
		}
		var dup string
		err := tx.QueryRow(ctx, `SELECT id FROM security_group_rules WHERE security_group_id = $1 AND direction = $2
			AND ethertype = $3 AND protocol IS NOT DISTINCT FROM $4 AND port_range_min IS NOT DISTINCT FROM $5
			AND port_range_max IS NOT DISTINCT FROM $6 AND remote_ip_prefix IS NOT DISTINCT FROM $7
			AND remote_group_id IS NOT DISTINCT FROM $8 LIMIT 1`,
			r.SecurityGroupID, r.Direction, r.Ethertype, r.Protocol, r.PortRangeMin, r.PortRangeMax, r.RemoteIPPrefix,
			r.RemoteGroupID).Scan(&dup)
		if err == nil {
			return Errorf("SecurityGroupRuleExists", fault.Conflict, "Security group rule already exists. Rule id is %s.", dup)
		}
		if !db.IsNotFound(err) {
			return err
		}
		if err := insertRule(ctx, tx, r); err != nil {
			if db.IsForeignKeyViolation(err) && r.RemoteGroupID != nil {
				return SecurityGroupNotFound(*r.RemoteGroupID)
			}
			return err
		}
		return nil
	})
	return r, err
}

// GetRule returns a rule by id.
func (s *Store) GetRule(ctx context.Context, id string) (Rule, error) {
	rs, err := s.rules(ctx, `WHERE id = $1`, id)
	if err != nil {
		return Rule{}, err
	}
	if len(rs) == 0 {
		return Rule{}, SecurityGroupRuleNotFound(id)
	}
	return rs[0], nil
}

// ListRules returns every rule.
func (s *Store) ListRules(ctx context.Context) ([]Rule, error) { return s.rules(ctx, ``) }

func (s *Store) rules(ctx context.Context, where string, args ...any) ([]Rule, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+ruleCols+` FROM security_group_rules `+where+` ORDER BY created_at, id`, args...)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (Rule, error) { return scanRule(r) })
}

// DeleteRule removes a rule.
func (s *Store) DeleteRule(ctx context.Context, id string) error {
	tag, err := s.pool.Exec(ctx, `DELETE FROM security_group_rules WHERE id = $1`, id)
	if err == nil && tag.RowsAffected() == 0 {
		return SecurityGroupRuleNotFound(id)
	}
	return err
}
