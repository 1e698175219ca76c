package store

import (
	"context"

	"github.com/jackc/pgx/v5"

	"github.com/gostack/gostack/services/fault"
)

// Assignment types, keystone's AssignmentType values plus the system ones.
const (
	UserProject  = "UserProject"
	GroupProject = "GroupProject"
	UserDomain   = "UserDomain"
	GroupDomain  = "GroupDomain"
	UserSystem   = "UserSystem"
	GroupSystem  = "GroupSystem"
)

// SystemTarget is the target id of system assignments: keystone's only
// system, "all".
const SystemTarget = "system"

// Assignment is one role assignment of a user or group on a project, a
// domain or the system.
type Assignment struct {
	Type      string
	ActorID   string
	TargetID  string
	RoleID    string
	Inherited bool
}

// IsGroup reports whether the actor is a group.
func (a Assignment) IsGroup() bool {
	return a.Type == GroupProject || a.Type == GroupDomain || a.Type == GroupSystem
}

// OnProject, OnDomain and OnSystem report the target kind.
func (a Assignment) OnProject() bool { return a.Type == UserProject || a.Type == GroupProject }
func (a Assignment) OnDomain() bool  { return a.Type == UserDomain || a.Type == GroupDomain }
func (a Assignment) OnSystem() bool  { return a.Type == UserSystem || a.Type == GroupSystem }

// AssignmentType returns the type for an actor kind and a target kind
// ("project", "domain" or "system").
func AssignmentType(group bool, target string) string {
	switch {
	case group && target == "project":
		return GroupProject
	case group && target == "domain":
		return GroupDomain
	case group:
		return GroupSystem
	case target == "project":
		return UserProject
	case target == "domain":
		return UserDomain
	}
	return UserSystem
}

// AssignmentFilter selects direct assignments; zero fields do not filter.
type AssignmentFilter struct {
	UserID    string
	GroupID   string
	ProjectID string
	DomainID  string
	System    bool
	RoleID    string
	Inherited *bool
}

const assignmentCols = "type, actor_id, target_id, role_id, inherited"

func scanAssignment(row pgx.CollectableRow) (Assignment, error) {
	var a Assignment
	err := row.Scan(&a.Type, &a.ActorID, &a.TargetID, &a.RoleID, &a.Inherited)
	return a, err
}

// checkAssignmentParts returns the NotFound for a missing actor, target
// or role.
func (s *Store) checkAssignmentParts(ctx context.Context, a Assignment) error {
	if a.IsGroup() {
		if _, err := s.GetGroup(ctx, a.ActorID); err != nil {
			return err
		}
	} else if _, err := s.GetUser(ctx, a.ActorID); err != nil {
		return err
	}
	switch {
	case a.OnProject():
		if _, err := s.GetProject(ctx, a.TargetID); err != nil {
			return err
		}
	case a.OnDomain():
		if _, err := s.GetDomain(ctx, a.TargetID); err != nil {
			return err
		}
	}
	_, err := s.GetRole(ctx, a.RoleID)
	return err
}

// Grant records a; granting twice is not an error.
func (s *Store) Grant(ctx context.Context, a Assignment) error {
	if err := s.checkAssignmentParts(ctx, a); err != nil {
		return err
	}
	if _, err := s.pool.Exec(ctx, "INSERT INTO assignment ("+assignmentCols+") VALUES ($1,$2,$3,$4,$5) ON CONFLICT DO NOTHING",
		a.Type, a.ActorID, a.TargetID, a.RoleID, a.Inherited); err != nil {
		return internal(err, "grant %+v", a)
	}
	return nil
}

// CheckGrant returns nil if a exists and keystone's
// RoleAssignmentNotFound otherwise.
func (s *Store) CheckGrant(ctx context.Context, a Assignment) error {
	if err := s.checkAssignmentParts(ctx, a); err != nil {
		return err
	}
	var n int
	if err := s.pool.QueryRow(ctx, "SELECT count(*) FROM assignment WHERE type=$1 AND actor_id=$2 AND target_id=$3 AND role_id=$4 AND inherited=$5",
		a.Type, a.ActorID, a.TargetID, a.RoleID, a.Inherited).Scan(&n); err != nil {
		return internal(err, "check grant")
	}
	if n == 0 {
		return assignmentNotFound(a)
	}
	return nil
}

func assignmentNotFound(a Assignment) error {
	target := a.TargetID
	if a.OnSystem() {
		target = "all"
	}
	return fault.New(fault.NotFound, "Could not find role assignment with role: %s, user or group: %s, project, domain, or system: %s.",
		a.RoleID, a.ActorID, target)
}

// Revoke removes a.
func (s *Store) Revoke(ctx context.Context, a Assignment) error {
	if err := s.CheckGrant(ctx, a); err != nil {
		return err
	}
	if _, err := s.pool.Exec(ctx, "DELETE FROM assignment WHERE type=$1 AND actor_id=$2 AND target_id=$3 AND role_id=$4 AND inherited=$5",
		a.Type, a.ActorID, a.TargetID, a.RoleID, a.Inherited); err != nil {
		return internal(err, "revoke")
	}
	return nil
}

// ListAssignments returns the direct assignments f selects.
func (s *Store) ListAssignments(ctx context.Context, f AssignmentFilter) ([]Assignment, error) {
	var w where
	switch {
	case f.UserID != "":
		w.add("actor_id = ?", f.UserID)
		w.conds = append(w.conds, "type IN ('UserProject','UserDomain','UserSystem')")
	case f.GroupID != "":
		w.add("actor_id = ?", f.GroupID)
		w.conds = append(w.conds, "type IN ('GroupProject','GroupDomain','GroupSystem')")
	}
	switch {
	case f.ProjectID != "":
		w.add("target_id = ?", f.ProjectID)
		w.conds = append(w.conds, "type IN ('UserProject','GroupProject')")
	case f.DomainID != "":
		w.add("target_id = ?", f.DomainID)
		w.conds = append(w.conds, "type IN ('UserDomain','GroupDomain')")
	case f.System:
		w.conds = append(w.conds, "type IN ('UserSystem','GroupSystem')")
	}
	if f.RoleID != "" {
		w.add("role_id = ?", f.RoleID)
	}
	if f.Inherited != nil {
		w.add("inherited = ?", *f.Inherited)
	}
	rows, err := s.pool.Query(ctx, "SELECT "+assignmentCols+" FROM assignment"+w.sql()+" ORDER BY type, actor_id, target_id, role_id", w.args...)
	if err != nil {
		return nil, internal(err, "list assignments")
	}
	out, err := pgx.CollectRows(rows, scanAssignment)
	if err != nil {
		return nil, internal(err, "list assignments")
	}
	return out, nil
}

// Scope names what a token is scoped to: one of ProjectID, DomainID or
// System.
type Scope struct {
	ProjectID string
	DomainID  string
	System    bool
}

// RolesOn returns the user's effective global roles on a scope: direct,
// through groups, inherited from the project's domain and ancestors, and
// implied roles expanded. An empty result means the user has no
// authorization on the scope.
func (s *Store) RolesOn(ctx context.Context, userID string, sc Scope) ([]Role, error) {
	var target string
	var types []string
	inheritedFrom := []string{}
	switch {
	case sc.ProjectID != "":
		target, types = sc.ProjectID, []string{UserProject, GroupProject}
		p, err := s.GetProject(ctx, sc.ProjectID)
		if err != nil {
			return nil, err
		}
		anc, err := s.ProjectAncestors(ctx, sc.ProjectID)
		if err != nil {
			return nil, err
		}
		inheritedFrom = append(append(inheritedFrom, anc...), p.DomainID)
	case sc.DomainID != "":
		target, types = sc.DomainID, []string{UserDomain, GroupDomain}
	case sc.System:
		target, types = SystemTarget, []string{UserSystem, GroupSystem}
	default:
		return nil, nil
	}
	rows, err := s.pool.Query(ctx, `WITH RECURSIVE
		actors AS (SELECT $1::text AS id UNION SELECT group_id FROM user_group_membership WHERE user_id = $1),
		direct AS (
			SELECT role_id FROM assignment WHERE actor_id IN (SELECT id FROM actors) AND type = ANY($3)
				AND ((target_id = $2 AND NOT inherited) OR (inherited AND target_id = ANY($4)))
		),
		expanded(role_id) AS (
			SELECT role_id FROM direct
			UNION SELECT i.implied_role_id FROM implied_role i JOIN expanded e ON i.prior_role_id = e.role_id
		)
		SELECT `+roleCols+` FROM role WHERE id IN (SELECT role_id FROM expanded) AND domain_id IS NULL ORDER BY name`,
		userID, target, append(types, UserDomain, GroupDomain), inheritedFrom)
	if err != nil {
		return nil, internal(err, "roles of %s", userID)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Role, error) { return scanRole(r) })
	if err != nil {
		return nil, internal(err, "roles of %s", userID)
	}
	return out, nil
}

// ProjectsOf returns the projects on which the user has any role, directly,
// through a group or by inheritance from a domain or parent.
func (s *Store) ProjectsOf(ctx context.Context, userID string) ([]Project, error) {
	rows, err := s.pool.Query(ctx, `WITH RECURSIVE
		actors AS (SELECT $1::text AS id UNION SELECT group_id FROM user_group_membership WHERE user_id = $1),
		mine AS (SELECT * FROM assignment WHERE actor_id IN (SELECT id FROM actors)),
		below(id) AS (
			SELECT p.id FROM project p JOIN mine m ON p.parent_id = m.target_id
				WHERE m.inherited AND m.type IN ('UserProject','GroupProject')
			UNION SELECT p.id FROM project p JOIN below b ON p.parent_id = b.id
		)
		SELECT `+projectCols+` FROM project
		WHERE id IN (SELECT target_id FROM mine WHERE type IN ('UserProject','GroupProject') AND NOT inherited)
			OR domain_id IN (SELECT target_id FROM mine WHERE type IN ('UserDomain','GroupDomain') AND inherited)
			OR id IN (SELECT id FROM below)
		ORDER BY name`, userID)
	if err != nil {
		return nil, internal(err, "projects of %s", userID)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Project, error) { return scanProject(r) })
	if err != nil {
		return nil, internal(err, "projects of %s", userID)
	}
	return out, nil
}

// DomainsOf returns the domains on which the user has a role, directly or
// through a group.
func (s *Store) DomainsOf(ctx context.Context, userID string) ([]Domain, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+domainCols+` FROM domain WHERE id IN (
		SELECT target_id FROM assignment WHERE type IN ('UserDomain','GroupDomain') AND NOT inherited
			AND actor_id IN (SELECT $1::text UNION SELECT group_id FROM user_group_membership WHERE user_id = $1))
		ORDER BY name`, userID)
	if err != nil {
		return nil, internal(err, "domains of %s", userID)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Domain, error) { return scanDomain(r) })
	if err != nil {
		return nil, internal(err, "domains of %s", userID)
	}
	return out, nil
}
