package store

import (
	"context"

	"github.com/jackc/pgx/v5"

	"github.com/gostack/gostack/services/db"
	"github.com/gostack/gostack/services/fault"
)

// Project is a keystone project. ParentID is empty for a project at the
// top of its domain, whose parent keystone reports as the domain.
type Project struct {
	ID          string
	Name        string
	DomainID    string
	ParentID    string
	Description string
	Enabled     bool
	Tags        []string
	Options     map[string]any
	Extra       map[string]any
}

// Parent returns the parent_id keystone shows: the parent project, or the
// domain for a top-level project.
func (p Project) Parent() string {
	if p.ParentID == "" {
		return p.DomainID
	}
	return p.ParentID
}

// ProjectFilter selects projects; zero fields do not filter.
type ProjectFilter struct {
	Name     string
	DomainID string
	ParentID string
	Enabled  *bool
	IDs      []string // when non-nil, only these ids
	Tags     []string // all of them
	TagsAny  []string // any of them

	NotTags    []string // not all of them
	NotTagsAny []string // none of them
}

// ProjectPatch changes a project; nil fields are left alone.
type ProjectPatch struct {
	Name        *string
	Description *string
	Enabled     *bool
	Tags        *[]string
	Options     map[string]any
	Extra       map[string]any
}

const projectCols = "id, name, domain_id, COALESCE(parent_id, ''), description, enabled, tags, options, extra"

func scanProject(row pgx.Row) (Project, error) {
	var p Project
	err := row.Scan(&p.ID, &p.Name, &p.DomainID, &p.ParentID, &p.Description, &p.Enabled, &p.Tags, &p.Options, &p.Extra)
	return p, err
}

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// CreateProject stores p; an empty ID gets a new one. A ParentID equal to
// the domain id means top level.
func (s *Store) CreateProject(ctx context.Context, p Project) (Project, error) {
	if p.ID == "" {
		p.ID = NewID()
	}
	if p.ParentID == p.DomainID {
		p.ParentID = ""
	}
	var out Project
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		var ok bool
		if err := tx.QueryRow(ctx, "SELECT true FROM domain WHERE id = $1", p.DomainID).Scan(&ok); isNoRows(err) {
			return fault.New(fault.Invalid, "Could not find domain: %s.", p.DomainID)
		} else if err != nil {
			return internal(err, "get domain %s", p.DomainID)
		}
		if p.ParentID != "" {
			parent, err := scanProject(tx.QueryRow(ctx, "SELECT "+projectCols+" FROM project WHERE id = $1", p.ParentID))
			if isNoRows(err) {
				return notFound("project", p.ParentID)
			}
			if err != nil {
				return internal(err, "get project %s", p.ParentID)
			}
			if parent.DomainID != p.DomainID {
				return fault.New(fault.Forbidden, "Cannot create project, since it specifies its domain_id %s, but specifies a parent in a different domain (%s).", p.DomainID, parent.DomainID)
			}
		}
		var err error
		out, err = scanProject(tx.QueryRow(ctx, "INSERT INTO project (id, name, domain_id, parent_id, description, enabled, tags, options, extra) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9) RETURNING "+projectCols,
			p.ID, p.Name, p.DomainID, nullable(p.ParentID), p.Description, p.Enabled, strs(p.Tags), jsonMap(p.Options), jsonMap(p.Extra)))
		if db.IsUniqueViolation(err) {
			if db.ConstraintName(err) == "project_pkey" {
				return conflict(err, "project", "ID", p.ID, "")
			}
			return conflict(err, "project", "name", p.Name, p.DomainID)
		}
		if err != nil {
			return internal(err, "create project %s", p.Name)
		}
		return nil
	})
	return out, err
}

// GetProject returns the project with id.
func (s *Store) GetProject(ctx context.Context, id string) (Project, error) {
	p, err := scanProject(s.pool.QueryRow(ctx, "SELECT "+projectCols+" FROM project WHERE id = $1", id))
	if isNoRows(err) {
		return Project{}, notFound("project", id)
	}
	if err != nil {
		return Project{}, internal(err, "get project %s", id)
	}
	return p, nil
}

// GetProjectByName returns the project named name in a domain.
func (s *Store) GetProjectByName(ctx context.Context, domainID, name string) (Project, error) {
	p, err := scanProject(s.pool.QueryRow(ctx, "SELECT "+projectCols+" FROM project WHERE domain_id = $1 AND name = $2", domainID, name))
	if isNoRows(err) {
		return Project{}, notFound("project", name)
	}
	if err != nil {
		return Project{}, internal(err, "get project %s", name)
	}
	return p, nil
}

// ListProjects returns the projects f selects, ordered by name.
func (s *Store) ListProjects(ctx context.Context, f ProjectFilter) ([]Project, error) {
	var w where
	if f.Name != "" {
		w.add("name = ?", f.Name)
	}
	if f.DomainID != "" {
		w.add("domain_id = ?", f.DomainID)
	}
	if f.ParentID != "" {
		w.add("COALESCE(parent_id, domain_id) = ?", f.ParentID)
	}
	if f.Enabled != nil {
		w.add("enabled = ?", *f.Enabled)
	}
	if f.IDs != nil {
		w.add("id = ANY(?)", f.IDs)
	}
	if len(f.Tags) > 0 {
		w.add("tags @> ?", f.Tags)
	}
	if len(f.TagsAny) > 0 {
		w.add("tags && ?", f.TagsAny)
	}
	if len(f.NotTags) > 0 {
		w.add("NOT tags @> ?", f.NotTags)
	}
	if len(f.NotTagsAny) > 0 {
		w.add("NOT tags && ?", f.NotTagsAny)
	}
	rows, err := s.pool.Query(ctx, "SELECT "+projectCols+" FROM project"+w.sql()+" ORDER BY name, id", w.args...)
	if err != nil {
		return nil, internal(err, "list projects")
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Project, error) { return scanProject(r) })
	if err != nil {
		return nil, internal(err, "list projects")
	}
	return out, nil
}

// UpdateProject applies p to the project with id and returns the old and
// new values.
func (s *Store) UpdateProject(ctx context.Context, id string, p ProjectPatch) (before, after Project, err error) {
	err = s.inTx(ctx, func(tx pgx.Tx) error {
		before, err = scanProject(tx.QueryRow(ctx, "SELECT "+projectCols+" FROM project WHERE id = $1 FOR UPDATE", id))
		if isNoRows(err) {
			return notFound("project", id)
		}
		if err != nil {
			return internal(err, "get project %s", id)
		}
		n := before
		if p.Name != nil {
			n.Name = *p.Name
		}
		if p.Description != nil {
			n.Description = *p.Description
		}
		if p.Enabled != nil {
			n.Enabled = *p.Enabled
		}
		if p.Tags != nil {
			n.Tags = *p.Tags
		}
		n.Options = mergeExtra(n.Options, p.Options)
		n.Extra = mergeExtra(n.Extra, p.Extra)
		after, err = scanProject(tx.QueryRow(ctx, "UPDATE project SET name=$2, description=$3, enabled=$4, tags=$5, options=$6, extra=$7 WHERE id=$1 RETURNING "+projectCols,
			id, n.Name, n.Description, n.Enabled, strs(n.Tags), jsonMap(n.Options), jsonMap(n.Extra)))
		if db.IsUniqueViolation(err) {
			return conflict(err, "project", "name", n.Name, n.DomainID)
		}
		if err != nil {
			return internal(err, "update project %s", id)
		}
		return nil
	})
	return before, after, err
}

// DeleteProject removes a project that has no children, with its role
// assignments.
func (s *Store) DeleteProject(ctx context.Context, id string) error {
	return s.inTx(ctx, func(tx pgx.Tx) error {
		var n int
		if err := tx.QueryRow(ctx, "SELECT count(*) FROM project WHERE id = $1", id).Scan(&n); err != nil {
			return internal(err, "get project %s", id)
		}
		if n == 0 {
			return notFound("project", id)
		}
		if err := tx.QueryRow(ctx, "SELECT count(*) FROM project WHERE parent_id = $1", id).Scan(&n); err != nil {
			return internal(err, "count children of %s", id)
		}
		if n > 0 {
			return fault.New(fault.Forbidden, "Cannot delete the project %s since it is not a leaf in the hierarchy. Use the cascade option if you want to delete a whole subtree.", id)
		}
		if _, err := tx.Exec(ctx, "DELETE FROM assignment WHERE target_id = $1 AND type IN ('UserProject','GroupProject')", id); err != nil {
			return internal(err, "delete assignments on %s", id)
		}
		if _, err := tx.Exec(ctx, `UPDATE "user" SET default_project_id = NULL WHERE default_project_id = $1`, id); err != nil {
			return internal(err, "clear default projects of %s", id)
		}
		if _, err := tx.Exec(ctx, "DELETE FROM project WHERE id = $1", id); err != nil {
			return internal(err, "delete project %s", id)
		}
		return nil
	})
}

// ProjectAncestors returns the ids of the project's ancestors, nearest
// first.
func (s *Store) ProjectAncestors(ctx context.Context, id string) ([]string, error) {
	rows, err := s.pool.Query(ctx, `WITH RECURSIVE up(id, parent_id, depth) AS (
		SELECT id, parent_id, 0 FROM project WHERE id = $1
		UNION ALL SELECT p.id, p.parent_id, up.depth + 1 FROM project p JOIN up ON p.id = up.parent_id)
		SELECT id FROM up WHERE depth > 0 ORDER BY depth`, id)
	if err != nil {
		return nil, internal(err, "ancestors of %s", id)
	}
	out, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, internal(err, "ancestors of %s", id)
	}
	return out, nil
}

// ProjectSubtree returns the ids of the projects below the project, at any
// depth (keystone's list_projects_in_subtree), nearest first; the project
// itself is not among them.
func (s *Store) ProjectSubtree(ctx context.Context, id string) ([]string, error) {
	rows, err := s.pool.Query(ctx, `WITH RECURSIVE down(id, depth) AS (
		SELECT id, 0 FROM project WHERE id = $1
		UNION ALL SELECT p.id, down.depth + 1 FROM project p JOIN down ON p.parent_id = down.id)
		SELECT id FROM down WHERE depth > 0 ORDER BY depth, id`, id)
	if err != nil {
		return nil, internal(err, "subtree of %s", id)
	}
	out, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, internal(err, "subtree of %s", id)
	}
	return out, nil
}
