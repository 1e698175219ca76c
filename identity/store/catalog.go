package store

import (
	"context"

	"github.com/jackc/pgx/v5"

	"github.com/gostack/gostack/services/db"
	"github.com/gostack/gostack/services/fault"
)

// Region is a catalog region.
type Region struct {
	ID             string
	Description    string
	ParentRegionID string
	Extra          map[string]any
}

// Service is a catalog service.
type Service struct {
	ID      string
	Type    string
	Name    string
	Enabled bool
	Extra   map[string]any // description and any other attribute
}

// Endpoint is a catalog endpoint.
type Endpoint struct {
	ID        string
	ServiceID string
	Interface string
	RegionID  string
	URL       string
	Enabled   bool
	Extra     map[string]any
}

// EndpointFilter selects endpoints; zero fields do not filter.
type EndpointFilter struct {
	ServiceID string
	Interface string
	RegionID  string
}

// ServiceFilter selects services; zero fields do not filter.
type ServiceFilter struct {
	Type string
	Name string
}

const regionCols = "id, description, COALESCE(parent_region_id, ''), extra"

func scanRegion(row pgx.Row) (Region, error) {
	var r Region
	err := row.Scan(&r.ID, &r.Description, &r.ParentRegionID, &r.Extra)
	return r, err
}

// CreateRegion stores r; an empty ID gets a new one.
func (s *Store) CreateRegion(ctx context.Context, r Region) (Region, error) {
	if r.ID == "" {
		r.ID = NewID()
	}
	if r.ParentRegionID != "" {
		if _, err := s.GetRegion(ctx, r.ParentRegionID); err != nil {
			return Region{}, err
		}
	}
	out, err := scanRegion(s.pool.QueryRow(ctx, "INSERT INTO region (id, description, parent_region_id, extra) VALUES ($1,$2,$3,$4) RETURNING "+regionCols,
		r.ID, r.Description, nullable(r.ParentRegionID), jsonMap(r.Extra)))
	if db.IsUniqueViolation(err) {
		return Region{}, fault.Wrap(err, fault.Conflict, "Conflict occurred attempting to store region - Duplicate ID, %s.", r.ID)
	}
	if err != nil {
		return Region{}, internal(err, "create region %s", r.ID)
	}
	return out, nil
}

// GetRegion returns the region with id.
func (s *Store) GetRegion(ctx context.Context, id string) (Region, error) {
	r, err := scanRegion(s.pool.QueryRow(ctx, "SELECT "+regionCols+" FROM region WHERE id = $1", id))
	if isNoRows(err) {
		return Region{}, notFound("region", id)
	}
	if err != nil {
		return Region{}, internal(err, "get region %s", id)
	}
	return r, nil
}

// ListRegions returns every region, or the children of parentID.
func (s *Store) ListRegions(ctx context.Context, parentID string) ([]Region, error) {
	var w where
	if parentID != "" {
		w.add("parent_region_id = ?", parentID)
	}
	rows, err := s.pool.Query(ctx, "SELECT "+regionCols+" FROM region"+w.sql()+" ORDER BY id", w.args...)
	if err != nil {
		return nil, internal(err, "list regions")
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Region, error) { return scanRegion(r) })
	if err != nil {
		return nil, internal(err, "list regions")
	}
	return out, nil
}

// UpdateRegion changes a region's description and extra attributes.
func (s *Store) UpdateRegion(ctx context.Context, id string, description *string, parent *string, extra map[string]any) (Region, error) {
	r, err := s.GetRegion(ctx, id)
	if err != nil {
		return Region{}, err
	}
	if description != nil {
		r.Description = *description
	}
	if parent != nil {
		r.ParentRegionID = *parent
	}
	r.Extra = mergeExtra(r.Extra, extra)
	out, err := scanRegion(s.pool.QueryRow(ctx, "UPDATE region SET description=$2, parent_region_id=$3, extra=$4 WHERE id=$1 RETURNING "+regionCols,
		id, r.Description, nullable(r.ParentRegionID), jsonMap(r.Extra)))
	if err != nil {
		return Region{}, internal(err, "update region %s", id)
	}
	return out, nil
}

// DeleteRegion removes a region; endpoints in it lose their region.
func (s *Store) DeleteRegion(ctx context.Context, id string) error {
	return s.inTx(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, "UPDATE endpoint SET region_id = NULL WHERE region_id = $1", id); err != nil {
			return internal(err, "delete region %s", id)
		}
		if _, err := tx.Exec(ctx, "UPDATE region SET parent_region_id = NULL WHERE parent_region_id = $1", id); err != nil {
			return internal(err, "delete region %s", id)
		}
		tag, err := tx.Exec(ctx, "DELETE FROM region WHERE id = $1", id)
		if err != nil {
			return internal(err, "delete region %s", id)
		}
		if tag.RowsAffected() == 0 {
			return notFound("region", id)
		}
		return nil
	})
}

const serviceCols = "id, type, name, enabled, extra"

func scanService(row pgx.Row) (Service, error) {
	var sv Service
	err := row.Scan(&sv.ID, &sv.Type, &sv.Name, &sv.Enabled, &sv.Extra)
	return sv, err
}

// CreateService stores sv; an empty ID gets a new one.
func (s *Store) CreateService(ctx context.Context, sv Service) (Service, error) {
	if sv.ID == "" {
		sv.ID = NewID()
	}
	out, err := scanService(s.pool.QueryRow(ctx, "INSERT INTO service ("+serviceCols+") VALUES ($1,$2,$3,$4,$5) RETURNING "+serviceCols,
		sv.ID, sv.Type, sv.Name, sv.Enabled, jsonMap(sv.Extra)))
	if db.IsUniqueViolation(err) {
		return Service{}, conflict(err, "service", "ID", sv.ID, "")
	}
	if err != nil {
		return Service{}, internal(err, "create service %s", sv.Type)
	}
	return out, nil
}

// GetService returns the service with id.
func (s *Store) GetService(ctx context.Context, id string) (Service, error) {
	sv, err := scanService(s.pool.QueryRow(ctx, "SELECT "+serviceCols+" FROM service WHERE id = $1", id))
	if isNoRows(err) {
		return Service{}, notFound("service", id)
	}
	if err != nil {
		return Service{}, internal(err, "get service %s", id)
	}
	return sv, nil
}

// ListServices returns the services f selects.
func (s *Store) ListServices(ctx context.Context, f ServiceFilter) ([]Service, error) {
	var w where
	if f.Type != "" {
		w.add("type = ?", f.Type)
	}
	if f.Name != "" {
		w.add("name = ?", f.Name)
	}
	rows, err := s.pool.Query(ctx, "SELECT "+serviceCols+" FROM service"+w.sql()+" ORDER BY type, name, id", w.args...)
	if err != nil {
		return nil, internal(err, "list services")
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Service, error) { return scanService(r) })
	if err != nil {
		return nil, internal(err, "list services")
	}
	return out, nil
}

// UpdateService changes a service; nil fields are left alone.
func (s *Store) UpdateService(ctx context.Context, id string, typ, name *string, enabled *bool, extra map[string]any) (Service, error) {
	sv, err := s.GetService(ctx, id)
	if err != nil {
		return Service{}, err
	}
	if typ != nil {
		sv.Type = *typ
	}
	if name != nil {
		sv.Name = *name
	}
	if enabled != nil {
		sv.Enabled = *enabled
	}
	sv.Extra = mergeExtra(sv.Extra, extra)
	out, err := scanService(s.pool.QueryRow(ctx, "UPDATE service SET type=$2, name=$3, enabled=$4, extra=$5 WHERE id=$1 RETURNING "+serviceCols,
		id, sv.Type, sv.Name, sv.Enabled, jsonMap(sv.Extra)))
	if err != nil {
		return Service{}, internal(err, "update service %s", id)
	}
	return out, nil
}

// DeleteService removes a service and its endpoints.
func (s *Store) DeleteService(ctx context.Context, id string) error {
	tag, err := s.pool.Exec(ctx, "DELETE FROM service WHERE id = $1", id)
	if err != nil {
		return internal(err, "delete service %s", id)
	}
	if tag.RowsAffected() == 0 {
		return notFound("service", id)
	}
	return nil
}

const endpointCols = "id, service_id, interface, COALESCE(region_id, ''), url, enabled, extra"

func scanEndpoint(row pgx.Row) (Endpoint, error) {
	var e Endpoint
	err := row.Scan(&e.ID, &e.ServiceID, &e.Interface, &e.RegionID, &e.URL, &e.Enabled, &e.Extra)
	return e, err
}

// checkEndpointRefs returns keystone's errors for a missing service or
// region.
func (s *Store) checkEndpointRefs(ctx context.Context, e Endpoint) error {
	if _, err := s.GetService(ctx, e.ServiceID); err != nil {
		return err
	}
	if e.RegionID != "" {
		if _, err := s.GetRegion(ctx, e.RegionID); fault.KindOf(err) == fault.NotFound {
			return fault.Wrap(err, fault.Invalid, "Expecting to find endpoint region_id in region table. The server could not comply with the request since it is either malformed or otherwise incorrect. The client is assumed to be in error.")
		} else if err != nil {
			return err
		}
	}
	return nil
}

// CreateEndpoint stores e; an empty ID gets a new one.
func (s *Store) CreateEndpoint(ctx context.Context, e Endpoint) (Endpoint, error) {
	if e.ID == "" {
		e.ID = NewID()
	}
	if err := s.checkEndpointRefs(ctx, e); err != nil {
		return Endpoint{}, err
	}
	out, err := scanEndpoint(s.pool.QueryRow(ctx, "INSERT INTO endpoint (id, service_id, interface, region_id, url, enabled, extra) VALUES ($1,$2,$3,$4,$5,$6,$7) RETURNING "+endpointCols,
		e.ID, e.ServiceID, e.Interface, nullable(e.RegionID), e.URL, e.Enabled, jsonMap(e.Extra)))
	if db.IsUniqueViolation(err) {
		return Endpoint{}, conflict(err, "endpoint", "ID", e.ID, "")
	}
	if err != nil {
		return Endpoint{}, internal(err, "create endpoint")
	}
	return out, nil
}

// GetEndpoint returns the endpoint with id.
func (s *Store) GetEndpoint(ctx context.Context, id string) (Endpoint, error) {
	e, err := scanEndpoint(s.pool.QueryRow(ctx, "SELECT "+endpointCols+" FROM endpoint WHERE id = $1", id))
	if isNoRows(err) {
		return Endpoint{}, notFound("endpoint", id)
	}
	if err != nil {
		return Endpoint{}, internal(err, "get endpoint %s", id)
	}
	return e, nil
}

// ListEndpoints returns the endpoints f selects.
func (s *Store) ListEndpoints(ctx context.Context, f EndpointFilter) ([]Endpoint, error) {
	var w where
	if f.ServiceID != "" {
		w.add("service_id = ?", f.ServiceID)
	}
	if f.Interface != "" {
		w.add("interface = ?", f.Interface)
	}
	if f.RegionID != "" {
		w.add("region_id = ?", f.RegionID)
	}
	rows, err := s.pool.Query(ctx, "SELECT "+endpointCols+" FROM endpoint"+w.sql()+" ORDER BY service_id, interface, id", w.args...)
	if err != nil {
		return nil, internal(err, "list endpoints")
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Endpoint, error) { return scanEndpoint(r) })
	if err != nil {
		return nil, internal(err, "list endpoints")
	}
	return out, nil
}

// EndpointPatch changes an endpoint; nil fields are left alone.
type EndpointPatch struct {
	ServiceID *string
	Interface *string
	RegionID  *string
	URL       *string
	Enabled   *bool
	Extra     map[string]any
}

// UpdateEndpoint applies p to the endpoint with id.
func (s *Store) UpdateEndpoint(ctx context.Context, id string, p EndpointPatch) (Endpoint, error) {
	e, err := s.GetEndpoint(ctx, id)
	if err != nil {
		return Endpoint{}, err
	}
	if p.ServiceID != nil {
		e.ServiceID = *p.ServiceID
	}
	if p.Interface != nil {
		e.Interface = *p.Interface
	}
	if p.RegionID != nil {
		e.RegionID = *p.RegionID
	}
	if p.URL != nil {
		e.URL = *p.URL
	}
	if p.Enabled != nil {
		e.Enabled = *p.Enabled
	}
	e.Extra = mergeExtra(e.Extra, p.Extra)
	if err := s.checkEndpointRefs(ctx, e); err != nil {
		return Endpoint{}, err
	}
	out, err := scanEndpoint(s.pool.QueryRow(ctx, "UPDATE endpoint SET service_id=$2, interface=$3, region_id=$4, url=$5, enabled=$6, extra=$7 WHERE id=$1 RETURNING "+endpointCols,
		id, e.ServiceID, e.Interface, nullable(e.RegionID), e.URL, e.Enabled, jsonMap(e.Extra)))
	if err != nil {
		return Endpoint{}, internal(err, "update endpoint %s", id)
	}
	return out, nil
}

// DeleteEndpoint removes an endpoint.
func (s *Store) DeleteEndpoint(ctx context.Context, id string) error {
	tag, err := s.pool.Exec(ctx, "DELETE FROM endpoint WHERE id = $1", id)
	if err != nil {
		return internal(err, "delete endpoint %s", id)
	}
	if tag.RowsAffected() == 0 {
		return notFound("endpoint", id)
	}
	return nil
}

// CatalogEntry is a service with its enabled endpoints, as a token's
// catalog lists them.
type CatalogEntry struct {
	Service   Service
	Endpoints []Endpoint
}

// Catalog returns the enabled services that have enabled endpoints, with
// those endpoints, as keystone's SQL catalog driver builds the v3 catalog.
func (s *Store) Catalog(ctx context.Context) ([]CatalogEntry, error) {
	services, err := s.ListServices(ctx, ServiceFilter{})
	if err != nil {
		return nil, err
	}
	endpoints, err := s.ListEndpoints(ctx, EndpointFilter{})
	if err != nil {
		return nil, err
	}
	byService := map[string][]Endpoint{}
	for _, e := range endpoints {
		if e.Enabled {
			byService[e.ServiceID] = append(byService[e.ServiceID], e)
		}
	}
	var out []CatalogEntry
	for _, sv := range services {
		if !sv.Enabled {
			continue
		}
		out = append(out, CatalogEntry{Service: sv, Endpoints: byService[sv.ID]})
	}
	return out, nil
}
