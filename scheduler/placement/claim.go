package placement

import (
	"context"
	"fmt"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/gostack/gostack/services/db"
	"github.com/gostack/gostack/services/fault"
)

// Claim asks for an instance's resources on a node.
type Claim struct {
	Consumer  string // the instance uuid
	ProjectID string
	UserID    string
	NodeID    int64
	VCPUs     int
	MemoryMB  int
	DiskGB    int
}

// Insufficient says a claim did not fit: which resource, how much was
// asked and how much was left. It is a fault.Conflict.
type Insufficient struct {
	Node      string // hypervisor hostname
	Resource  string // VCPU, MEMORY_MB or DISK_GB, placement's resource classes
	Requested int
	Free      int // what is left to claim
	MaxUnit   int // the most one claim may take (the node's total)
}

func (e *Insufficient) Error() string {
	if e.Requested > e.MaxUnit {
		return fmt.Sprintf("%s on %s: requested %d is more than the node has in all (%d)", e.Resource, e.Node, e.Requested, e.MaxUnit)
	}
	return fmt.Sprintf("%s on %s: requested %d, %d free", e.Resource, e.Node, e.Requested, max(e.Free, 0))
}

// check returns an *Insufficient when c does not fit n.
func check(n *Node, c Claim) error {
	for _, r := range []struct {
		name           string
		req, free, max int
	}{
		{"VCPU", c.VCPUs, n.LeftVCPUs(), n.VCPUs},
		{"MEMORY_MB", c.MemoryMB, n.LeftMemoryMB(), n.MemoryMB},
		{"DISK_GB", c.DiskGB, n.LeftDiskGB(), n.LocalGB},
	} {
		if r.req <= 0 {
			continue
		}
		if r.req > r.max || r.req > r.free {
			return &Insufficient{Node: n.Hostname, Resource: r.name, Requested: r.req, Free: r.free, MaxUnit: r.max}
		}
	}
	return nil
}

// Claim records c if it fits the node, in one transaction that holds the
// node's row lock, so concurrent claims never overcommit it. Claiming again
// for a consumer that already holds a claim on the same node succeeds
// without change (a redelivered request); a claim on another node replaces
// the old one. A claim that does not fit fails with fault.Conflict wrapping
// an *Insufficient; a node that is gone with fault.NotFound.
func (s *Store) Claim(ctx context.Context, c Claim) error {
	if _, err := uuid.Parse(c.Consumer); err != nil {
		return fault.New(fault.Invalid, "a claim needs an instance uuid, got %q", c.Consumer)
	}
	if c.VCPUs < 0 || c.MemoryMB < 0 || c.DiskGB < 0 {
		return fault.New(fault.Invalid, "a claim cannot ask for negative resources")
	}
	txb, ok := s.q.(db.TxBeginner)
	if !ok {
		return fault.New(fault.Internal, "placement: claims need a store over a pool")
	}
	return db.InTx(ctx, txb, func(tx pgx.Tx) error {
		ts := &Store{q: tx}
		// Lock the node first: every claim on it waits here.
		var locked int64
		err := tx.QueryRow(ctx, `SELECT id FROM compute_nodes WHERE id = $1 AND deleted_at IS NULL FOR UPDATE`, c.NodeID).Scan(&locked)
		if db.IsNotFound(err) {
			return hypervisorNotFound(c.NodeID)
		}
		if err != nil {
			return fmt.Errorf("lock compute node %d: %w", c.NodeID, err)
		}
		var current int64
		err = tx.QueryRow(ctx, `SELECT compute_node_id FROM allocations WHERE consumer_uuid = $1`, c.Consumer).Scan(&current)
		switch {
		case err == nil && current == c.NodeID:
			return nil
		case err != nil && !db.IsNotFound(err):
			return fmt.Errorf("read the claim of %s: %w", c.Consumer, err)
		}
		if _, err := tx.Exec(ctx, `DELETE FROM allocations WHERE consumer_uuid = $1`, c.Consumer); err != nil {
			return fmt.Errorf("replace the claim of %s: %w", c.Consumer, err)
		}
		h, err := ts.Get(ctx, c.NodeID) // usage read under the lock
		if err != nil {
			return err
		}
		if err := check(&h.Node, c); err != nil {
			return &fault.Error{Kind: fault.Conflict, Message: "Insufficient compute resources: " + err.Error() + ".", Cause: err}
		}
		_, err = tx.Exec(ctx, `INSERT INTO allocations (consumer_uuid, compute_node_id, project_id, user_id, vcpus, memory_mb, disk_gb)
			VALUES ($1, $2, $3, $4, $5, $6, $7)`,
			c.Consumer, c.NodeID, c.ProjectID, c.UserID, c.VCPUs, c.MemoryMB, c.DiskGB)
		if err != nil {
			return fmt.Errorf("claim on compute node %d for %s: %w", c.NodeID, c.Consumer, err)
		}
		return nil
	})
}

// Release frees the claim of a consumer (an instance deleted, or whose
// build failed). Releasing a claim that does not exist is not an error.
func (s *Store) Release(ctx context.Context, consumer string) error {
	if _, err := uuid.Parse(consumer); err != nil {
		return nil // no claim can have this consumer
	}
	if _, err := s.q.Exec(ctx, `DELETE FROM allocations WHERE consumer_uuid = $1`, consumer); err != nil {
		return fmt.Errorf("release the claim of %s: %w", consumer, err)
	}
	return nil
}

// Allocation is one consumer's claim.
type Allocation struct {
	Consumer  string
	NodeID    int64
	ProjectID string
	UserID    string
	VCPUs     int
	MemoryMB  int
	DiskGB    int
}

// Allocations lists the claims on a node (nodeID > 0), or of a consumer
// (consumer != ""), or all.
func (s *Store) Allocations(ctx context.Context, nodeID int64, consumer string) ([]Allocation, error) {
	rows, err := s.q.Query(ctx, `SELECT consumer_uuid::text, compute_node_id, project_id, user_id, vcpus, memory_mb, disk_gb
		FROM allocations WHERE ($1 = 0 OR compute_node_id = $1) AND ($2 = '' OR consumer_uuid::text = $2)
		ORDER BY id`, nodeID, consumer)
	if err != nil {
		return nil, fmt.Errorf("list allocations: %w", err)
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (Allocation, error) {
		var a Allocation
		err := r.Scan(&a.Consumer, &a.NodeID, &a.ProjectID, &a.UserID, &a.VCPUs, &a.MemoryMB, &a.DiskGB)
		return a, err
	})
}
