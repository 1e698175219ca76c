package store

import (
	"context"
	"encoding/json"
	"net/netip"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/gostack/gostack/compute/network/ipam"
	"github.com/gostack/gostack/services/db"
	"github.com/gostack/gostack/services/fault"
)

// FixedIP is an address of a port, from one of its network's subnets.
type FixedIP struct {
	SubnetID  string `json:"subnet_id"`
	IPAddress string `json:"ip_address"`
}

// Port is a row of ports with its fixed IPs and security groups.
type Port struct {
	ID                  string
	NetworkID           string
	ProjectID           string
	Name                string
	Description         string
	MACAddress          string
	AdminStateUp        bool
	Status              string
	DeviceID            string
	DeviceOwner         string
	PortSecurityEnabled bool
	HostID              string
	VNICType            string
	VIFType             string
	Profile             map[string]any
	VIFDetails          map[string]any
	Revision            int64
	CreatedAt           time.Time
	UpdatedAt           time.Time
	FixedIPs            []FixedIP
	SecurityGroups      []string
}

// IPRequest is one entry of a port's requested fixed_ips: an address,
// a subnet to allocate from, or both.
type IPRequest struct {
	SubnetID  string
	IPAddress string
}

// PortSpec is a port to create. With FixedIPs nil the port gets one
// address from the first IPv4 subnet of its network that has one free;
// an empty, non-nil FixedIPs gives it none. An empty MACAddress is
// generated under base_mac.
type PortSpec struct {
	Port
	Requests []IPRequest
}

const portCols = `id, network_id, project_id, name, description, mac_address, admin_state_up, status, device_id,
	device_owner, port_security_enabled, binding_host_id, binding_vnic_type, binding_vif_type, binding_profile,
	binding_vif_details, revision_number, created_at, updated_at`

func scanPort(row pgx.Row) (Port, error) {
	var p Port
	var profile, details []byte
	err := row.Scan(&p.ID, &p.NetworkID, &p.ProjectID, &p.Name, &p.Description, &p.MACAddress, &p.AdminStateUp,
		&p.Status, &p.DeviceID, &p.DeviceOwner, &p.PortSecurityEnabled, &p.HostID, &p.VNICType, &p.VIFType,
		&profile, &details, &p.Revision, &p.CreatedAt, &p.UpdatedAt)
	if err != nil {
		return Port{}, err
	}
	_ = json.Unmarshal(profile, &p.Profile)
	_ = json.Unmarshal(details, &p.VIFDetails)
	return p, nil
}

// ipInUse is neutron's IpAddressInUse.
func ipInUse(network, ip string) error {
	return Errorf("IpAddressInUse", fault.Conflict,
		"Unable to complete operation for network %s. The IP address %s is in use.", network, ip)
}

// CreatePort inserts a port with its addresses and security groups in
// one transaction. Allocation on a subnet runs under a row lock on the
// subnet, and the (network, address) and (network, MAC) unique keys
// back it, so concurrent creates never share an address or a MAC.
func (s *Store) CreatePort(ctx context.Context, spec PortSpec) (Port, error) {
	p := spec.Port
	if p.ID == "" {
		p.ID = NewID()
	}
	if p.Profile == nil {
		p.Profile = map[string]any{}
	}
	if p.VIFDetails == nil {
		p.VIFDetails = map[string]any{}
	}
	if p.VNICType == "" {
		p.VNICType = "normal"
	}
	if p.VIFType == "" {
		p.VIFType = "unbound"
	}
	if p.Status == "" {
		p.Status = "DOWN"
	}
	p.CreatedAt, p.UpdatedAt = s.now(), s.now()
	generated := p.MACAddress == ""
	err := s.tx(ctx, func(tx pgx.Tx) error {
		p.FixedIPs = nil
		var one int
		if err := tx.QueryRow(ctx, `SELECT 1 FROM networks WHERE id = $1 FOR SHARE`, p.NetworkID).Scan(&one); err != nil {
			if db.IsNotFound(err) {
				return NetworkNotFound(p.NetworkID)
			}
			return err
		}
		if err := s.insertPort(ctx, tx, &p, generated); err != nil {
			return err
		}
		if err := s.allocate(ctx, tx, &p, spec.Requests); err != nil {
			return err
		}
		for _, sg := range p.SecurityGroups {
			if _, err := tx.Exec(ctx, `INSERT INTO port_security_groups (port_id, security_group_id) VALUES ($1, $2)
				ON CONFLICT DO NOTHING`, p.ID, sg); err != nil {
				if db.IsForeignKeyViolation(err) {
					return SecurityGroupNotFound(sg)
				}
				return err
			}
		}
		return nil
	})
	if err != nil {
		return Port{}, err
	}
	if p.SecurityGroups == nil {
		p.SecurityGroups = []string{}
	}
	return p, nil
}

// insertPort inserts the port row; a generated MAC that collides is
// drawn again (in a savepoint), a requested one is neutron's
// MacAddressInUse.
func (s *Store) insertPort(ctx context.Context, tx pgx.Tx, p *Port, generated bool) error {
	profile, _ := json.Marshal(p.Profile)
	details, _ := json.Marshal(p.VIFDetails)
	for attempt := 0; ; attempt++ {
		if generated {
			mac, err := ipam.GenerateMAC(s.baseMAC)
			if err != nil {
				return err
			}
			p.MACAddress = mac
		}
		sp, err := tx.Begin(ctx)
		if err != nil {
			return err
		}
		_, err = sp.Exec(ctx, `INSERT INTO ports (`+portCols+`) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,0,$17,$18)`,
			p.ID, p.NetworkID, p.ProjectID, p.Name, p.Description, p.MACAddress, p.AdminStateUp, p.Status, p.DeviceID,
			p.DeviceOwner, p.PortSecurityEnabled, p.HostID, p.VNICType, p.VIFType, profile, details, p.CreatedAt, p.UpdatedAt)
		if err == nil {
			return sp.Commit(ctx)
		}
		_ = sp.Rollback(ctx)
		if !db.IsUniqueViolation(err) || db.ConstraintName(err) != "ports_network_mac_key" {
			if db.IsUniqueViolation(err) {
				return Errorf("PortExists", fault.Conflict, "Port %s already exists.", p.ID)
			}
			return err
		}
		if !generated {
			return Errorf("MacAddressInUse", fault.Conflict,
				"Unable to complete operation for network %s. The mac address %s is in use.", p.NetworkID, p.MACAddress)
		}
		if attempt >= 16 {
			return Errorf("MacAddressGenerationFailure", fault.Unavailable,
				"Unable to generate unique mac on network %s.", p.NetworkID)
		}
	}
}

// allocate gives the port its addresses (see PortSpec).
func (s *Store) allocate(ctx context.Context, tx pgx.Tx, p *Port, reqs []IPRequest) error {
	rows, err := tx.Query(ctx, `SELECT `+subnetCols+` FROM subnets s WHERE s.network_id = $1 ORDER BY s.created_at, s.id`, p.NetworkID)
	if err != nil {
		return err
	}
	subnets, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Subnet, error) { return scanSubnet(r) })
	if err != nil {
		return err
	}
	if reqs == nil {
		if len(subnets) == 0 {
			return nil
		}
		for _, sn := range subnets {
			ip, ok, err := s.freeAddress(ctx, tx, sn)
			if err != nil {
				return err
			}
			if ok {
				return s.insertIP(ctx, tx, p, sn.ID, ip)
			}
		}
		return Errorf("IpAddressGenerationFailure", fault.Conflict, "No more IP addresses available on network %s.", p.NetworkID)
	}
	for _, req := range reqs {
		var sn *Subnet
		if req.SubnetID != "" {
			for i := range subnets {
				if subnets[i].ID == req.SubnetID {
					sn = &subnets[i]
				}
			}
			if sn == nil {
				return Errorf("InvalidInput", fault.Invalid,
					"Invalid input for operation: Failed to create port on network %s, because fixed_ips included invalid subnet %s.",
					p.NetworkID, req.SubnetID)
			}
		}
		if req.IPAddress == "" {
			if err := s.lockSubnet(ctx, tx, sn.ID); err != nil {
				return err
			}
			ip, ok, err := s.freeAddress(ctx, tx, *sn)
			if err != nil {
				return err
			}
			if !ok {
				return Errorf("IpAddressGenerationFailure", fault.Conflict, "No more IP addresses available on network %s.", p.NetworkID)
			}
			if err := s.insertIP(ctx, tx, p, sn.ID, ip); err != nil {
				return err
			}
			continue
		}
		ip, err := ipam.ParseIP("fixed_ips", req.IPAddress)
		if err != nil {
			return err
		}
		if sn == nil {
			for i := range subnets {
				if subnets[i].CIDR.Contains(ip) {
					sn = &subnets[i]
				}
			}
			if sn == nil {
				return Errorf("InvalidIpForNetwork", fault.Invalid,
					"IP address %s is not a valid IP for any of the subnets on the specified network.", ip)
			}
		}
		if !sn.CIDR.Contains(ip) || ip == sn.CIDR.Addr() || ip == ipam.Broadcast(sn.CIDR) {
			return Errorf("InvalidIpForSubnet", fault.Invalid, "IP address %s is not a valid IP for the specified subnet.", ip)
		}
		if ip == sn.GatewayIP && p.DeviceOwner != "network:router_interface" {
			return ipInUse(p.NetworkID, ip.String())
		}
		if err := s.lockSubnet(ctx, tx, sn.ID); err != nil {
			return err
		}
		if err := s.insertIP(ctx, tx, p, sn.ID, ip); err != nil {
			return err
		}
	}
	return nil
}

func (s *Store) lockSubnet(ctx context.Context, tx pgx.Tx, id string) error {
	var one int
	err := tx.QueryRow(ctx, `SELECT 1 FROM subnets WHERE id = $1 FOR UPDATE`, id).Scan(&one)
	if db.IsNotFound(err) {
		return SubnetNotFound(id)
	}
	return err
}

// freeAddress locks the subnet and returns its lowest free pool address.
func (s *Store) freeAddress(ctx context.Context, tx pgx.Tx, sn Subnet) (netip.Addr, bool, error) {
	if err := s.lockSubnet(ctx, tx, sn.ID); err != nil {
		return netip.Addr{}, false, err
	}
	rows, err := tx.Query(ctx, `SELECT host(ip_address) FROM ip_allocations WHERE subnet_id = $1`, sn.ID)
	if err != nil {
		return netip.Addr{}, false, err
	}
	ips, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return netip.Addr{}, false, err
	}
	used := make(map[netip.Addr]bool, len(ips))
	for _, s := range ips {
		if a, err := netip.ParseAddr(s); err == nil {
			used[a] = true
		}
	}
	a, ok := ipam.FirstFree(sn.Pools, used)
	return a, ok, nil
}

func (s *Store) insertIP(ctx context.Context, tx pgx.Tx, p *Port, subnet string, ip netip.Addr) error {
	sp, err := tx.Begin(ctx)
	if err != nil {
		return err
	}
	_, err = sp.Exec(ctx, `INSERT INTO ip_allocations (network_id, ip_address, subnet_id, port_id) VALUES ($1, $2::inet, $3, $4)`,
		p.NetworkID, ip.String(), subnet, p.ID)
	if err != nil {
		_ = sp.Rollback(ctx)
		if db.IsUniqueViolation(err) {
			return ipInUse(p.NetworkID, ip.String())
		}
		return err
	}
	if err := sp.Commit(ctx); err != nil {
		return err
	}
	p.FixedIPs = append(p.FixedIPs, FixedIP{SubnetID: subnet, IPAddress: ip.String()})
	return nil
}

// GetPort returns a port by id.
func (s *Store) GetPort(ctx context.Context, id string) (Port, error) {
	ps, err := s.ports(ctx, s.pool, `WHERE id = $1`, id)
	if err != nil {
		return Port{}, err
	}
	if len(ps) == 0 {
		return Port{}, PortNotFound(id)
	}
	return ps[0], nil
}

// ListPorts returns every port, oldest first.
func (s *Store) ListPorts(ctx context.Context) ([]Port, error) {
	return s.ports(ctx, s.pool, ``)
}

// PortsOfDevice returns the ports whose device_id is device.
func (s *Store) PortsOfDevice(ctx context.Context, device string) ([]Port, error) {
	return s.ports(ctx, s.pool, `WHERE device_id = $1`, device)
}

// PortsOfDevices returns the ports whose device_id is one of devices.
func (s *Store) PortsOfDevices(ctx context.Context, devices []string) ([]Port, error) {
	return s.ports(ctx, s.pool, `WHERE device_id = ANY($1)`, devices)
}

func (s *Store) ports(ctx context.Context, q db.Querier, where string, args ...any) ([]Port, error) {
	lock := ""
	if w, ok := strings.CutSuffix(where, " FOR UPDATE"); ok {
		where, lock = w, " FOR UPDATE"
	}
	rows, err := q.Query(ctx, `SELECT `+portCols+` FROM ports `+where+` ORDER BY created_at, id`+lock, args...)
	if err != nil {
		return nil, err
	}
	ports, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Port, error) { return scanPort(r) })
	if err != nil || len(ports) == 0 {
		return ports, err
	}
	ids := make([]string, len(ports))
	byID := make(map[string]*Port, len(ports))
	for i := range ports {
		ids[i] = ports[i].ID
		byID[ports[i].ID] = &ports[i]
		ports[i].FixedIPs, ports[i].SecurityGroups = []FixedIP{}, []string{}
	}
	rows, err = q.Query(ctx, `SELECT port_id, subnet_id, host(ip_address) FROM ip_allocations WHERE port_id = ANY($1)
		ORDER BY ip_address`, ids)
	if err != nil {
		return nil, err
	}
	var port, a, b string
	if _, err := pgx.ForEachRow(rows, []any{&port, &a, &b}, func() error {
		byID[port].FixedIPs = append(byID[port].FixedIPs, FixedIP{SubnetID: a, IPAddress: b})
		return nil
	}); err != nil {
		return nil, err
	}
	rows, err = q.Query(ctx, `SELECT port_id, security_group_id FROM port_security_groups WHERE port_id = ANY($1)
		ORDER BY security_group_id`, ids)
	if err != nil {
		return nil, err
	}
	if _, err := pgx.ForEachRow(rows, []any{&port, &a}, func() error {
		byID[port].SecurityGroups = append(byID[port].SecurityGroups, a)
		return nil
	}); err != nil {
		return nil, err
	}
	return ports, nil
}

// PortUpdate is a change to a port; SecurityGroups nil leaves them.
type PortUpdate struct {
	Change         func(*Port) error
	SecurityGroups []string
}

// UpdatePort applies u under a row lock and bumps the revision.
func (s *Store) UpdatePort(ctx context.Context, id string, u PortUpdate) (Port, error) {
	var p Port
	err := s.tx(ctx, func(tx pgx.Tx) error {
		ps, err := s.ports(ctx, tx, `WHERE id = $1 FOR UPDATE`, id)
		if err != nil {
			return err
		}
		if len(ps) == 0 {
			return PortNotFound(id)
		}
		p = ps[0]
		if u.Change != nil {
			if err := u.Change(&p); err != nil {
				return err
			}
		}
		p.Revision++
		p.UpdatedAt = s.now()
		profile, _ := json.Marshal(p.Profile)
		details, _ := json.Marshal(p.VIFDetails)
		if _, err := tx.Exec(ctx, `UPDATE ports SET name=$2, description=$3, admin_state_up=$4, status=$5, device_id=$6,
			device_owner=$7, port_security_enabled=$8, binding_host_id=$9, binding_vnic_type=$10, binding_vif_type=$11,
			binding_profile=$12, binding_vif_details=$13, revision_number=$14, updated_at=$15 WHERE id=$1`,
			id, p.Name, p.Description, p.AdminStateUp, p.Status, p.DeviceID, p.DeviceOwner, p.PortSecurityEnabled,
			p.HostID, p.VNICType, p.VIFType, profile, details, p.Revision, p.UpdatedAt); err != nil {
			return err
		}
		if u.SecurityGroups != nil {
			if _, err := tx.Exec(ctx, `DELETE FROM port_security_groups WHERE port_id = $1`, id); err != nil {
				return err
			}
			for _, sg := range u.SecurityGroups {
				if _, err := tx.Exec(ctx, `INSERT INTO port_security_groups (port_id, security_group_id) VALUES ($1, $2)
					ON CONFLICT DO NOTHING`, id, sg); err != nil {
					if db.IsForeignKeyViolation(err) {
						return SecurityGroupNotFound(sg)
					}
					return err
				}
			}
			p.SecurityGroups = u.SecurityGroups
		}
		return nil
	})
	return p, err
}

// DeletePort removes a port, releasing its addresses and MAC, and
// returns what it was.
func (s *Store) DeletePort(ctx context.Context, id string) (Port, error) {
	var p Port
	err := s.tx(ctx, func(tx pgx.Tx) error {
		ps, err := s.ports(ctx, tx, `WHERE id = $1 FOR UPDATE`, id)
		if err != nil {
			return err
		}
		if len(ps) == 0 {
			return PortNotFound(id)
		}
		p = ps[0]
		_, err = tx.Exec(ctx, `DELETE FROM ports WHERE id = $1`, id)
		return err
	})
	return p, err
}
