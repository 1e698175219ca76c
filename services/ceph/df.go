package ceph

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/gostack/gostack/services/fault"
)

// PoolStats is a pool's use as `ceph df` reports it, in bytes.
type PoolStats struct {
	Stored   uint64 // data stored in the pool (before replication)
	Used     uint64 // raw space the pool uses (after replication)
	MaxAvail uint64 // what can still be stored in the pool, given its replication
}

// PoolStats reports a pool's use (`ceph df`). It needs only read caps on
// the monitors; a missing pool is fault.NotFound.
func (c *Client) PoolStats(ctx context.Context, pool string) (PoolStats, error) {
	out, err := c.monCommand(ctx, map[string]any{"prefix": "df", "format": "json"})
	if err != nil {
		return PoolStats{}, err
	}
	return parseDF(out, pool)
}

func parseDF(out []byte, pool string) (PoolStats, error) {
	var df struct {
		Pools []struct {
			Name  string `json:"name"`
			Stats struct {
				Stored    uint64 `json:"stored"`
				BytesUsed uint64 `json:"bytes_used"`
				MaxAvail  uint64 `json:"max_avail"`
			} `json:"stats"`
		} `json:"pools"`
	}
	if err := json.Unmarshal(out, &df); err != nil {
		return PoolStats{}, fmt.Errorf("decode ceph df: %w", err)
	}
	for _, p := range df.Pools {
		if p.Name == pool {
			return PoolStats{Stored: p.Stats.Stored, Used: p.Stats.BytesUsed, MaxAvail: p.Stats.MaxAvail}, nil
		}
	}
	return PoolStats{}, fault.New(fault.NotFound, "The Ceph pool %q does not exist.", pool)
}
