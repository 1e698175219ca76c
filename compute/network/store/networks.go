package store

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/gostack/gostack/services/db"
	"github.com/gostack/gostack/services/fault"
)

// Network is a row of networks with the ids of its subnets.
type Network struct {
	ID                  string
	ProjectID           string
	Name                string
	Description         string
	Status              string
	AdminStateUp        bool
	Shared              bool
	RouterExternal      bool
	MTU                 int
	PortSecurityEnabled bool
	NetworkType         string
	PhysicalNetwork     *string
	AZHints             []string
	Revision            int64
	CreatedAt           time.Time
	UpdatedAt           time.Time
	Subnets             []string
}

const networkCols = `n.id, n.project_id, n.name, n.description, n.status, n.admin_state_up, n.shared,
	n.router_external, n.mtu, n.port_security_enabled, n.network_type, n.physical_network,
	n.availability_zone_hints, n.revision_number, n.created_at, n.updated_at,
	coalesce((SELECT array_agg(s.id ORDER BY s.created_at, s.id) FROM subnets s WHERE s.network_id = n.id), '{}')`

func scanNetwork(row pgx.Row) (Network, error) {
	var n Network
	err := row.Scan(&n.ID, &n.ProjectID, &n.Name, &n.Description, &n.Status, &n.AdminStateUp, &n.Shared,
		&n.RouterExternal, &n.MTU, &n.PortSecurityEnabled, &n.NetworkType, &n.PhysicalNetwork,
		&n.AZHints, &n.Revision, &n.CreatedAt, &n.UpdatedAt, &n.Subnets)
	return n, err
}

// CreateNetwork inserts n, filling its id (when empty) and times.
func (s *Store) CreateNetwork(ctx context.Context, n Network) (Network, error) {
	if n.ID == "" {
		n.ID = NewID()
	}
	if n.AZHints == nil {
		n.AZHints = []string{}
	}
	n.CreatedAt, n.UpdatedAt = s.now(), s.now()
	_, err := s.pool.Exec(ctx, `INSERT INTO networks (id, project_id, name, description, status, admin_state_up, shared,
		router_external, mtu, port_security_enabled, network_type, physical_network, availability_zone_hints,
		revision_number, created_at, updated_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,0,$14,$15)`,
		n.ID, n.ProjectID, n.Name, n.Description, n.Status, n.AdminStateUp, n.Shared, n.RouterExternal, n.MTU,
		n.PortSecurityEnabled, n.NetworkType, n.PhysicalNetwork, n.AZHints, n.CreatedAt, n.UpdatedAt)
	if db.IsUniqueViolation(err) {
		if db.ConstraintName(err) == "networks_flat_physnet_key" {
			return Network{}, Errorf("FlatNetworkInUse", fault.Conflict,
				"Unable to create the flat network. Physical network %s is in use.", deref(n.PhysicalNetwork))
		}
		return Network{}, Errorf("NetworkExists", fault.Conflict, "Network %s already exists.", n.ID)
	}
	if err != nil {
		return Network{}, err
	}
	n.Subnets = []string{}
	return n, nil
}

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

// GetNetwork returns a network by id.
func (s *Store) GetNetwork(ctx context.Context, id string) (Network, error) {
	n, err := scanNetwork(s.pool.QueryRow(ctx, `SELECT `+networkCols+` FROM networks n WHERE n.id = $1`, id))
	if db.IsNotFound(err) {
		return Network{}, NetworkNotFound(id)
	}
	return n, err
}

// ListNetworks returns every network, oldest first.
func (s *Store) ListNetworks(ctx context.Context) ([]Network, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+networkCols+` FROM networks n ORDER BY n.created_at, n.id`)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (Network, error) { return scanNetwork(r) })
}

// UpdateNetwork applies change to the network under a row lock and bumps
// its revision.
func (s *Store) UpdateNetwork(ctx context.Context, id string, change func(*Network) error) (Network, error) {
	var n Network
	err := s.tx(ctx, func(tx pgx.Tx) error {
		var err error
		n, err = scanNetwork(tx.QueryRow(ctx, `SELECT `+networkCols+` FROM networks n WHERE n.id = $1 FOR UPDATE`, id))
		if db.IsNotFound(err) {
			return NetworkNotFound(id)
		}
		if err != nil {
			return err
		}
		if err := change(&n); err != nil {
			return err
		}
		n.Revision++
		n.UpdatedAt = s.now()
		_, err = tx.Exec(ctx, `UPDATE networks SET name=$2, description=$3, admin_state_up=$4, shared=$5,
			router_external=$6, mtu=$7, port_security_enabled=$8, revision_number=$9, updated_at=$10 WHERE id=$1`,
			id, n.Name, n.Description, n.AdminStateUp, n.Shared, n.RouterExternal, n.MTU, n.PortSecurityEnabled,
			n.Revision, n.UpdatedAt)
		return err
	})
	return n, err
}

// DeleteNetwork removes a network and its subnets; a network with ports
// is neutron's 409 NetworkInUse.
func (s *Store) DeleteNetwork(ctx context.Context, id string) error {
	return s.tx(ctx, func(tx pgx.Tx) error {
		var one int
		if err := tx.QueryRow(ctx, `SELECT 1 FROM networks WHERE id = $1 FOR UPDATE`, id).Scan(&one); err != nil {
			if db.IsNotFound(err) {
				return NetworkNotFound(id)
			}
			return err
		}
		var ports int
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM ports WHERE network_id = $1`, id).Scan(&ports); err != nil {
			return err
		}
		if ports > 0 {
			return Errorf("NetworkInUse", fault.Conflict,
				"Unable to complete operation on network %s. There are one or more ports still in use on the network.", id)
		}
		if _, err := tx.Exec(ctx, `DELETE FROM subnets WHERE network_id = $1`, id); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `DELETE FROM networks WHERE id = $1`, id)
		return err
	})
}
