package store

import (
	"context"

	"github.com/jackc/pgx/v5"

	"github.com/gostack/gostack/services/db"
	"github.com/gostack/gostack/services/fault"
)

// OS-EP-FILTER: project-endpoint associations and endpoint groups
// (keystone/catalog/backends/sql.py's ProjectEndpoint, EndpointGroup and
// ProjectEndpointGroupMembership).

// EndpointGroup selects endpoints by service_id, region_id and interface.
type EndpointGroup struct {
	ID          string
	Name        string
	Description *string // keystone's column is nullable
	Filters     map[string]any
}

// Matches reports whether e has every attribute the group's filters name,
// as keystone's get_endpoints_filtered_by_endpoint_group compares them.
func (g EndpointGroup) Matches(e Endpoint) bool {
	for k, v := range g.Filters {
		var have any
		switch k {
		case "service_id":
			have = e.ServiceID
		case "region_id":
			have = nullable(e.RegionID)
		case "interface":
			have = e.Interface
		default:
			have = e.Extra[k]
		}
		if have != v {
			return false
		}
	}
	return true
}

// AddEndpointToProject associates an endpoint with a project.
func (s *Store) AddEndpointToProject(ctx context.Context, endpointID, projectID string) error {
	_, err := s.pool.Exec(ctx, "INSERT INTO project_endpoint (endpoint_id, project_id) VALUES ($1,$2)", endpointID, projectID)
	if db.IsUniqueViolation(err) {
		return conflict(err, "project_endpoint", "", "", "")
	}
	if err != nil {
		return internal(err, "add endpoint %s to project %s", endpointID, projectID)
	}
	return nil
}

func endpointNotInProject(endpointID, projectID string) error {
	return fault.New(fault.NotFound, "Endpoint %s not found in project %s", endpointID, projectID)
}

// CheckEndpointInProject reports a NotFound unless the association exists.
func (s *Store) CheckEndpointInProject(ctx context.Context, endpointID, projectID string) error {
	var one int
	err := s.pool.QueryRow(ctx, "SELECT 1 FROM project_endpoint WHERE endpoint_id = $1 AND project_id = $2", endpointID, projectID).Scan(&one)
	if isNoRows(err) {
		return endpointNotInProject(endpointID, projectID)
	}
	if err != nil {
		return internal(err, "check endpoint %s in project %s", endpointID, projectID)
	}
	return nil
}

// RemoveEndpointFromProject removes an association.
func (s *Store) RemoveEndpointFromProject(ctx context.Context, endpointID, projectID string) error {
	tag, err := s.pool.Exec(ctx, "DELETE FROM project_endpoint WHERE endpoint_id = $1 AND project_id = $2", endpointID, projectID)
	if err != nil {
		return internal(err, "remove endpoint %s from project %s", endpointID, projectID)
	}
	if tag.RowsAffected() == 0 {
		return endpointNotInProject(endpointID, projectID)
	}
	return nil
}

func (s *Store) strings(ctx context.Context, what, query string, args ...any) ([]string, error) {
	rows, err := s.pool.Query(ctx, query, args...)
	if err != nil {
		return nil, internal(err, "%s", what)
	}
	out, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, internal(err, "%s", what)
	}
	return out, nil
}

// EndpointIDsForProject returns the endpoints directly associated with a
// project.
func (s *Store) EndpointIDsForProject(ctx context.Context, projectID string) ([]string, error) {
	return s.strings(ctx, "list endpoints for project", "SELECT endpoint_id FROM project_endpoint WHERE project_id = $1 ORDER BY endpoint_id", projectID)
}

// ProjectIDsForEndpoint returns the projects directly associated with an
// endpoint.
func (s *Store) ProjectIDsForEndpoint(ctx context.Context, endpointID string) ([]string, error) {
	return s.strings(ctx, "list projects for endpoint", "SELECT project_id FROM project_endpoint WHERE endpoint_id = $1 ORDER BY project_id", endpointID)
}

const endpointGroupCols = "id, name, description, filters"

func scanEndpointGroup(row pgx.Row) (EndpointGroup, error) {
	var g EndpointGroup
	err := row.Scan(&g.ID, &g.Name, &g.Description, &g.Filters)
	return g, err
}

// CreateEndpointGroup stores g; an empty ID gets a new one.
func (s *Store) CreateEndpointGroup(ctx context.Context, g EndpointGroup) (EndpointGroup, error) {
	if g.ID == "" {
		g.ID = NewID()
	}
	out, err := scanEndpointGroup(s.pool.QueryRow(ctx, "INSERT INTO endpoint_group ("+endpointGroupCols+") VALUES ($1,$2,$3,$4) RETURNING "+endpointGroupCols,
		g.ID, g.Name, g.Description, jsonMap(g.Filters)))
	if db.IsUniqueViolation(err) {
		return EndpointGroup{}, conflict(err, "endpoint_group", "ID", g.ID, "")
	}
	if err != nil {
		return EndpointGroup{}, internal(err, "create endpoint group")
	}
	return out, nil
}

// GetEndpointGroup returns the endpoint group with id.
func (s *Store) GetEndpointGroup(ctx context.Context, id string) (EndpointGroup, error) {
	g, err := scanEndpointGroup(s.pool.QueryRow(ctx, "SELECT "+endpointGroupCols+" FROM endpoint_group WHERE id = $1", id))
	if isNoRows(err) {
		return EndpointGroup{}, fault.New(fault.NotFound, "Could not find Endpoint Group: %s.", id)
	}
	if err != nil {
		return EndpointGroup{}, internal(err, "get endpoint group")
	}
	return g, nil
}

func (s *Store) endpointGroups(ctx context.Context, query string, args ...any) ([]EndpointGroup, error) {
	rows, err := s.pool.Query(ctx, query, args...)
	if err != nil {
		return nil, internal(err, "list endpoint groups")
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (EndpointGroup, error) { return scanEndpointGroup(r) })
	if err != nil {
		return nil, internal(err, "list endpoint groups")
	}
	return out, nil
}

// ListEndpointGroups returns every endpoint group, or those named name.
func (s *Store) ListEndpointGroups(ctx context.Context, name string) ([]EndpointGroup, error) {
	var w where
	if name != "" {
		w.add("name = ?", name)
	}
	return s.endpointGroups(ctx, "SELECT "+endpointGroupCols+" FROM endpoint_group"+w.sql()+" ORDER BY created_at, id", w.args...)
}

// EndpointGroupPatch changes an endpoint group; nil fields are left alone.
type EndpointGroupPatch struct {
	Name        *string
	Description **string
	Filters     map[string]any
}

// UpdateEndpointGroup applies p to the endpoint group with id.
func (s *Store) UpdateEndpointGroup(ctx context.Context, id string, p EndpointGroupPatch) (EndpointGroup, error) {
	g, err := s.GetEndpointGroup(ctx, id)
	if err != nil {
		return EndpointGroup{}, err
	}
	if p.Name != nil {
		g.Name = *p.Name
	}
	if p.Description != nil {
		g.Description = *p.Description
	}
	if p.Filters != nil {
		g.Filters = p.Filters
	}
	out, err := scanEndpointGroup(s.pool.QueryRow(ctx, "UPDATE endpoint_group SET name=$2, description=$3, filters=$4 WHERE id=$1 RETURNING "+endpointGroupCols,
		id, g.Name, g.Description, jsonMap(g.Filters)))
	if isNoRows(err) {
		return EndpointGroup{}, fault.New(fault.NotFound, "Could not find Endpoint Group: %s.", id)
	}
	if err != nil {
		return EndpointGroup{}, internal(err, "update endpoint group")
	}
	return out, nil
}

// DeleteEndpointGroup removes an endpoint group and its project
// associations.
func (s *Store) DeleteEndpointGroup(ctx context.Context, id string) error {
	tag, err := s.pool.Exec(ctx, "DELETE FROM endpoint_group WHERE id = $1", id)
	if err != nil {
		return internal(err, "delete endpoint group")
	}
	if tag.RowsAffected() == 0 {
		return fault.New(fault.NotFound, "Could not find Endpoint Group: %s.", id)
	}
	return nil
}

// AddEndpointGroupToProject associates an endpoint group with a project.
func (s *Store) AddEndpointGroupToProject(ctx context.Context, groupID, projectID string) error {
	_, err := s.pool.Exec(ctx, "INSERT INTO project_endpoint_group (endpoint_group_id, project_id) VALUES ($1,$2)", groupID, projectID)
	if db.IsUniqueViolation(err) {
		return conflict(err, "project_endpoint_group", "", "", "")
	}
	if err != nil {
		return internal(err, "add endpoint group %s to project %s", groupID, projectID)
	}
	return nil
}

func groupNotInProject() error {
	return fault.New(fault.NotFound, "Endpoint Group Project Association not found")
}

// CheckEndpointGroupInProject reports a NotFound unless the association
// exists.
func (s *Store) CheckEndpointGroupInProject(ctx context.Context, groupID, projectID string) error {
	var one int
	err := s.pool.QueryRow(ctx, "SELECT 1 FROM project_endpoint_group WHERE endpoint_group_id = $1 AND project_id = $2", groupID, projectID).Scan(&one)
	if isNoRows(err) {
		return groupNotInProject()
	}
	if err != nil {
		return internal(err, "check endpoint group in project")
	}
	return nil
}

// RemoveEndpointGroupFromProject removes an association.
func (s *Store) RemoveEndpointGroupFromProject(ctx context.Context, groupID, projectID string) error {
	tag, err := s.pool.Exec(ctx, "DELETE FROM project_endpoint_group WHERE endpoint_group_id = $1 AND project_id = $2", groupID, projectID)
	if err != nil {
		return internal(err, "remove endpoint group from project")
	}
	if tag.RowsAffected() == 0 {
		return groupNotInProject()
	}
	return nil
}

// EndpointGroupsForProject returns the endpoint groups associated with a
// project.
func (s *Store) EndpointGroupsForProject(ctx context.Context, projectID string) ([]EndpointGroup, error) {
	return s.endpointGroups(ctx, "SELECT g.id, g.name, g.description, g.filters FROM endpoint_group g JOIN project_endpoint_group pg ON pg.endpoint_group_id = g.id "+
		"WHERE pg.project_id = $1 ORDER BY g.created_at, g.id", projectID)
}

// ProjectIDsForEndpointGroup returns the projects associated with an
// endpoint group.
func (s *Store) ProjectIDsForEndpointGroup(ctx context.Context, groupID string) ([]string, error) {
	return s.strings(ctx, "list projects for endpoint group",
		"SELECT project_id FROM project_endpoint_group WHERE endpoint_group_id = $1 ORDER BY project_id", groupID)
}

// EndpointsForProject is keystone's list_endpoints_for_project: the
// endpoints associated with the project directly, then those its
// endpoint groups select (enabled or not). None means the project has no
// filter, and its catalog is the whole catalog.
func (s *Store) EndpointsForProject(ctx context.Context, projectID string) ([]Endpoint, error) {
	ids, err := s.EndpointIDsForProject(ctx, projectID)
	if err != nil {
		return nil, err
	}
	groups, err := s.EndpointGroupsForProject(ctx, projectID)
	if err != nil {
		return nil, err
	}
	if len(ids) == 0 && len(groups) == 0 {
		return nil, nil
	}
	all, err := s.ListEndpoints(ctx, EndpointFilter{})
	if err != nil {
		return nil, err
	}
	byID := make(map[string]Endpoint, len(all))
	for _, e := range all {
		byID[e.ID] = e
	}
	var out []Endpoint
	seen := map[string]bool{}
	for _, id := range ids {
		if e, ok := byID[id]; ok {
			out = append(out, e)
			seen[id] = true
		}
	}
	for _, g := range groups {
		for _, e := range all {
			if !seen[e.ID] && g.Matches(e) {
				out = append(out, e)
				seen[e.ID] = true
			}
		}
	}
	return out, nil
}

// ProjectEndpointFilters returns, for every project whose associations
// (direct or through endpoint groups) select at least one endpoint, the
// ids of those endpoints: what get_v3_catalog restricts a project-scoped
// catalog to. A project not in the map gets the whole catalog.
func (s *Store) ProjectEndpointFilters(ctx context.Context) (map[string]map[string]bool, error) {
	out := map[string]map[string]bool{}
	add := func(project, endpoint string) {
		if out[project] == nil {
			out[project] = map[string]bool{}
		}
		out[project][endpoint] = true
	}
	rows, err := s.pool.Query(ctx, "SELECT pe.project_id, pe.endpoint_id FROM project_endpoint pe JOIN endpoint e ON e.id = pe.endpoint_id")
	if err != nil {
		return nil, internal(err, "list project endpoints")
	}
	type pair struct{ Project, ID string }
	direct, err := pgx.CollectRows(rows, pgx.RowToStructByPos[pair])
	if err != nil {
		return nil, internal(err, "list project endpoints")
	}
	for _, p := range direct {
		add(p.Project, p.ID)
	}
	rows, err = s.pool.Query(ctx, "SELECT pg.project_id, g.filters FROM project_endpoint_group pg JOIN endpoint_group g ON g.id = pg.endpoint_group_id")
	if err != nil {
		return nil, internal(err, "list project endpoint groups")
	}
	type groupOf struct {
		Project string
		Filters map[string]any
	}
	groups, err := pgx.CollectRows(rows, pgx.RowToStructByPos[groupOf])
	if err != nil {
		return nil, internal(err, "list project endpoint groups")
	}
	if len(groups) == 0 {
		return out, nil
	}
	all, err := s.ListEndpoints(ctx, EndpointFilter{})
	if err != nil {
		return nil, err
	}
	for _, g := range groups {
		eg := EndpointGroup{Filters: g.Filters}
		for _, e := range all {
			if eg.Matches(e) {
				add(g.Project, e.ID)
			}
		}
	}
	return out, nil
}
