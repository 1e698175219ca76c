package placement

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/gostack/gostack/services/db"
	"github.com/gostack/gostack/services/fault"
	"github.com/gostack/gostack/services/servicegroup"
)

// Store reads and writes compute nodes and allocations in the nova database.
type Store struct {
	q db.Querier
}

// NewStore returns a Store over q. Claim needs transactions: give it a pool
// (or anything that also satisfies db.TxBeginner).
func NewStore(q db.Querier) *Store { return &Store{q: q} }

// hypervisorQuery selects nodes with their usage and their host's
// nova-compute service.
const hypervisorQuery = `
	SELECT n.id, n.uuid::text, n.host, n.hypervisor_hostname, n.hypervisor_type, n.hypervisor_version,
		n.host_ip, n.vcpus, n.memory_mb, n.local_gb, n.free_ram_mb, n.free_disk_gb,
		n.disk_available_least, n.running_vms, n.cpu_info, n.cpu_allocation_ratio,
		n.ram_allocation_ratio, n.disk_allocation_ratio, n.reserved_host_cpus,
		n.reserved_host_memory_mb, n.reserved_host_disk_mb, n.supported_instances,
		n.created_at, n.updated_at,
		coalesce(u.vcpus, 0), coalesce(u.memory_mb, 0), coalesce(u.disk_gb, 0), coalesce(u.n, 0),
		s.id, s.uuid::text, s."binary", s.topic, coalesce(s.availability_zone, ''), s.disabled,
		coalesce(s.disabled_reason, ''), s.forced_down, s.report_count, s.last_seen_up,
		s.created_at, s.updated_at
	FROM compute_nodes n
	LEFT JOIN (SELECT compute_node_id, sum(vcpus) AS vcpus, sum(memory_mb) AS memory_mb,
			sum(disk_gb) AS disk_gb, count(*) AS n
		FROM allocations GROUP BY compute_node_id) u ON u.compute_node_id = n.id
	LEFT JOIN services s ON s.host = n.host AND s."binary" = 'nova-compute' AND s.deleted_at IS NULL
	WHERE n.deleted_at IS NULL`

func scanHypervisor(row pgx.Row) (Hypervisor, error) {
	var (
		h         Hypervisor
		supported []byte
		updated   *time.Time
		sID       *int64
		sUUID     *string
		sBinary   *string
		sTopic    *string
		sZone     *string
		sDisabled *bool
		sReason   *string
		sForced   *bool
		sCount    *int64
		sLastSeen *time.Time
		sCreated  *time.Time
		sUpdated  *time.Time
	)
	n := &h.Node
	err := row.Scan(&n.ID, &n.UUID, &n.Host, &n.Hostname, &n.HypervisorType, &n.HypervisorVersion,
		&n.HostIP, &n.VCPUs, &n.MemoryMB, &n.LocalGB, &n.ReportedFreeRAMMB, &n.ReportedFreeDiskGB,
		&n.DiskAvailableLeast, &n.ReportedRunningVMs, &n.CPUInfo, &n.CPUAllocationRatio,
		&n.RAMAllocationRatio, &n.DiskAllocationRatio, &n.ReservedCPUs,
		&n.ReservedMemoryMB, &n.ReservedDiskMB, &supported, &n.CreatedAt, &updated,
		&n.Used.VCPUs, &n.Used.MemoryMB, &n.Used.DiskGB, &n.Used.Instances,
		&sID, &sUUID, &sBinary, &sTopic, &sZone, &sDisabled, &sReason, &sForced, &sCount, &sLastSeen,
		&sCreated, &sUpdated)
	if err != nil {
		return Hypervisor{}, err
	}
	n.CreatedAt = n.CreatedAt.UTC()
	if updated != nil {
		n.UpdatedAt = updated.UTC()
	}
	if len(supported) > 0 {
		if err := json.Unmarshal(supported, &n.SupportedInstances); err != nil {
			return Hypervisor{}, fmt.Errorf("compute node %d: supported_instances: %w", n.ID, err)
		}
	}
	if sID != nil {
		svc := &servicegroup.Service{ID: *sID, UUID: *sUUID, Host: n.Host, Binary: *sBinary, Topic: *sTopic,
			Zone: *sZone, Disabled: *sDisabled, DisabledReason: *sReason, ForcedDown: *sForced,
			ReportCount: *sCount, CreatedAt: sCreated.UTC()}
		if sLastSeen != nil {
			svc.LastSeenUp = sLastSeen.UTC()
		}
		if sUpdated != nil {
			svc.UpdatedAt = sUpdated.UTC()
		}
		h.Service = svc
	}
	return h, nil
}

// hypervisorNotFound uses nova's ComputeHostNotFound text for an id.
func hypervisorNotFound(id any) error {
	return fault.New(fault.NotFound, "Hypervisor with ID '%v' could not be found.", id)
}

// Get returns the node with the database id.
func (s *Store) Get(ctx context.Context, id int64) (Hypervisor, error) {
	h, err := scanHypervisor(s.q.QueryRow(ctx, hypervisorQuery+` AND n.id = $1`, id))
	if db.IsNotFound(err) {
		return Hypervisor{}, hypervisorNotFound(id)
	}
	if err != nil {
		return Hypervisor{}, fmt.Errorf("get compute node %d: %w", id, err)
	}
	return h, nil
}

// GetByUUID returns the node with the uuid (os-hypervisors ids from 2.53).
func (s *Store) GetByUUID(ctx context.Context, id string) (Hypervisor, error) {
	if _, err := uuid.Parse(id); err != nil {
		return Hypervisor{}, hypervisorNotFound(id)
	}
	h, err := scanHypervisor(s.q.QueryRow(ctx, hypervisorQuery+` AND n.uuid = $1`, id))
	if db.IsNotFound(err) {
		return Hypervisor{}, hypervisorNotFound(id)
	}
	if err != nil {
		return Hypervisor{}, fmt.Errorf("get compute node %s: %w", id, err)
	}
	return h, nil
}

// ListOptions select and page nodes in List.
type ListOptions struct {
	// HostnamePattern keeps the nodes whose hypervisor hostname contains
	// it (os-hypervisors hypervisor_hostname_pattern, a SQL LIKE %pattern%).
	HostnamePattern string
	// Host keeps the nodes of one nova-compute host.
	Host string
	// AfterID starts after the node with this id (a marker); 0: from the start.
	AfterID int64
	// Limit caps the count; 0: no limit.
	Limit int
}

// List returns nodes by id.
func (s *Store) List(ctx context.Context, o ListOptions) ([]Hypervisor, error) {
	q := hypervisorQuery + ` AND n.id > $1 AND ($2 = '' OR n.hypervisor_hostname LIKE '%' || $2 || '%')
		AND ($3 = '' OR n.host = $3) ORDER BY n.id`
	args := []any{o.AfterID, escapeLike(o.HostnamePattern), o.Host}
	if o.Limit > 0 {
		q += ` LIMIT $4`
		args = append(args, o.Limit)
	}
	rows, err := s.q.Query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("list compute nodes: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Hypervisor, error) { return scanHypervisor(r) })
	if err != nil {
		return nil, fmt.Errorf("list compute nodes: %w", err)
	}
	return out, nil
}

func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// Statistics are os-hypervisors/statistics: sums over the nodes whose
// nova-compute service is enabled, as nova's compute_node_statistics.
type Statistics struct {
	Count              int
	VCPUs              int
	VCPUsUsed          int
	MemoryMB           int
	MemoryMBUsed       int
	LocalGB            int
	LocalGBUsed        int
	FreeRAMMB          int
	FreeDiskGB         int
	CurrentWorkload    int
	RunningVMs         int
	DiskAvailableLeast int
}

// Statistics sums the usage of the nodes of enabled services.
func (s *Store) Statistics(ctx context.Context) (Statistics, error) {
	all, err := s.List(ctx, ListOptions{})
	if err != nil {
		return Statistics{}, err
	}
	var st Statistics
	for i := range all {
		h := &all[i]
		if h.Service == nil || h.Service.Disabled {
			continue
		}
		st.Count++
		st.VCPUs += h.VCPUs
		st.VCPUsUsed += h.Used.VCPUs
		st.MemoryMB += h.MemoryMB
		st.MemoryMBUsed += h.MemoryMBUsed()
		st.LocalGB += h.LocalGB
		st.LocalGBUsed += h.LocalGBUsed()
		st.FreeRAMMB += h.FreeRAMMB()
		st.FreeDiskGB += h.FreeDiskGB()
		st.RunningVMs += h.RunningVMs()
		st.DiskAvailableLeast += h.DiskAvailableLeast
	}
	return st, nil
}

// Delete soft-deletes a node (its service was deleted). Its allocations
// stay until their instances go.
func (s *Store) Delete(ctx context.Context, id int64) error {
	tag, err := s.q.Exec(ctx, `UPDATE compute_nodes SET deleted_at = now(), updated_at = now()
		WHERE id = $1 AND deleted_at IS NULL`, id)
	if err != nil {
		return fmt.Errorf("delete compute node %d: %w", id, err)
	}
	if tag.RowsAffected() == 0 {
		return hypervisorNotFound(id)
	}
	return nil
}
