package store

import (
	"context"
	"net/netip"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/gostack/gostack/compute/network/ipam"
	"github.com/gostack/gostack/services/db"
	"github.com/gostack/gostack/services/fault"
)

// Subnet is a row of subnets with its allocation pools.
type Subnet struct {
	ID          string
	NetworkID   string
	ProjectID   string
	Name        string
	Description string
	IPVersion   int
	CIDR        netip.Prefix
	GatewayIP   netip.Addr // invalid: no gateway
	EnableDHCP  bool
	DNS         []string
	Pools       []ipam.Pool
	Revision    int64
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

const subnetCols = `s.id, s.network_id, s.project_id, s.name, s.description, s.ip_version, s.cidr::text,
	coalesce(host(s.gateway_ip), ''), s.enable_dhcp, s.dns_nameservers, s.revision_number, s.created_at, s.updated_at,
	coalesce((SELECT array_agg(host(p.first_ip) || '-' || host(p.last_ip) ORDER BY p.first_ip)
		FROM allocation_pools p WHERE p.subnet_id = s.id), '{}')`

func scanSubnet(row pgx.Row) (Subnet, error) {
	var (
		sn          Subnet
		cidr, gw    string
		pools       []string
		first, last string
	)
	err := row.Scan(&sn.ID, &sn.NetworkID, &sn.ProjectID, &sn.Name, &sn.Description, &sn.IPVersion, &cidr, &gw,
		&sn.EnableDHCP, &sn.DNS, &sn.Revision, &sn.CreatedAt, &sn.UpdatedAt, &pools)
	if err != nil {
		return Subnet{}, err
	}
	sn.CIDR, _ = netip.ParsePrefix(cidr)
	if gw != "" {
		sn.GatewayIP, _ = netip.ParseAddr(gw)
	}
	for _, p := range pools {
		for i := range p {
			if p[i] == '-' {
				first, last = p[:i], p[i+1:]
			}
		}
		sn.Pools = append(sn.Pools, ipam.Pool{Start: netip.MustParseAddr(first), End: netip.MustParseAddr(last)})
	}
	return sn, nil
}

// CreateSubnet inserts a subnet on an existing network. Overlapping
// subnets on one network are neutron's 400 InvalidInput.
func (s *Store) CreateSubnet(ctx context.Context, sn Subnet) (Subnet, error) {
	if sn.ID == "" {
		sn.ID = NewID()
	}
	if sn.DNS == nil {
		sn.DNS = []string{}
	}
	sn.CreatedAt, sn.UpdatedAt = s.now(), s.now()
	err := s.tx(ctx, func(tx pgx.Tx) error {
		var one int
		if err := tx.QueryRow(ctx, `SELECT 1 FROM networks WHERE id = $1 FOR UPDATE`, sn.NetworkID).Scan(&one); err != nil {
			if db.IsNotFound(err) {
				return NetworkNotFound(sn.NetworkID)
			}
			return err
		}
		var other, otherCIDR string
		err := tx.QueryRow(ctx, `SELECT id, cidr::text FROM subnets WHERE network_id = $1 AND cidr && $2::cidr LIMIT 1`,
			sn.NetworkID, sn.CIDR.String()).Scan(&other, &otherCIDR)
		if err == nil {
			return Errorf("InvalidInput", fault.Invalid,
				"Invalid input for operation: Requested subnet with cidr: %s for network: %s overlaps with another subnet.",
				sn.CIDR, sn.NetworkID)
		} else if !db.IsNotFound(err) {
			return err
		}
		var gw *string
		if sn.GatewayIP.IsValid() {
			g := sn.GatewayIP.String()
			gw = &g
		}
		if _, err := tx.Exec(ctx, `INSERT INTO subnets (id, network_id, project_id, name, description, ip_version, cidr,
			gateway_ip, enable_dhcp, dns_nameservers, revision_number, created_at, updated_at)
			VALUES ($1,$2,$3,$4,$5,$6,$7::cidr,$8::inet,$9,$10,0,$11,$12)`,
			sn.ID, sn.NetworkID, sn.ProjectID, sn.Name, sn.Description, sn.IPVersion, sn.CIDR.String(), gw,
			sn.EnableDHCP, sn.DNS, sn.CreatedAt, sn.UpdatedAt); err != nil {
			return err
		}
		for _, p := range sn.Pools {
			if _, err := tx.Exec(ctx, `INSERT INTO allocation_pools (subnet_id, first_ip, last_ip) VALUES ($1, $2::inet, $3::inet)`,
				sn.ID, p.Start.String(), p.End.String()); err != nil {
				return err
			}
		}
		return nil
	})
	return sn, err
}

// GetSubnet returns a subnet by id.
func (s *Store) GetSubnet(ctx context.Context, id string) (Subnet, error) {
	sn, err := scanSubnet(s.pool.QueryRow(ctx, `SELECT `+subnetCols+` FROM subnets s WHERE s.id = $1`, id))
	if db.IsNotFound(err) {
		return Subnet{}, SubnetNotFound(id)
	}
	return sn, err
}

// ListSubnets returns every subnet, oldest first.
func (s *Store) ListSubnets(ctx context.Context) ([]Subnet, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+subnetCols+` FROM subnets s ORDER BY s.created_at, s.id`)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (Subnet, error) { return scanSubnet(r) })
}

// UpdateSubnet applies change (name, description, enable_dhcp,
// dns_nameservers, gateway_ip) under a row lock.
func (s *Store) UpdateSubnet(ctx context.Context, id string, change func(*Subnet) error) (Subnet, error) {
	var sn Subnet
	err := s.tx(ctx, func(tx pgx.Tx) error {
		var err error
		sn, err = scanSubnet(tx.QueryRow(ctx, `SELECT `+subnetCols+` FROM subnets s WHERE s.id = $1 FOR UPDATE`, id))
		if db.IsNotFound(err) {
			return SubnetNotFound(id)
		}
		if err != nil {
			return err
		}
		if err := change(&sn); err != nil {
			return err
		}
		sn.Revision++
		sn.UpdatedAt = s.now()
		var gw *string
		if sn.GatewayIP.IsValid() {
			g := sn.GatewayIP.String()
			gw = &g
		}
		_, err = tx.Exec(ctx, `UPDATE subnets SET name=$2, description=$3, enable_dhcp=$4, dns_nameservers=$5,
			gateway_ip=$6::inet, revision_number=$7, updated_at=$8 WHERE id=$1`,
			id, sn.Name, sn.Description, sn.EnableDHCP, sn.DNS, gw, sn.Revision, sn.UpdatedAt)
		return err
	})
	return sn, err
}

// DeleteSubnet removes a subnet; one with allocated addresses is
// neutron's 409 SubnetInUse.
func (s *Store) DeleteSubnet(ctx context.Context, id string) error {
	return s.tx(ctx, func(tx pgx.Tx) error {
		var one int
		if err := tx.QueryRow(ctx, `SELECT 1 FROM subnets WHERE id = $1 FOR UPDATE`, id).Scan(&one); err != nil {
			if db.IsNotFound(err) {
				return SubnetNotFound(id)
			}
			return err
		}
		var n int
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM ip_allocations WHERE subnet_id = $1`, id).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return Errorf("SubnetInUse", fault.Conflict,
				"Unable to complete operation on subnet %s: One or more ports have an IP allocation from this subnet.", id)
		}
		_, err := tx.Exec(ctx, `DELETE FROM subnets WHERE id = $1`, id)
		return err
	})
}
