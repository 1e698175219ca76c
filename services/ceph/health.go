package ceph

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
)

// Health is the cluster's health as `ceph health` reports it.
type Health struct {
	Status string   // HEALTH_OK, HEALTH_WARN or HEALTH_ERR
	Checks []string // "CODE: summary" for each failing check, sorted
}

// OK reports whether the cluster is usable: HEALTH_OK or HEALTH_WARN.
func (h Health) OK() bool { return h.Status == "HEALTH_OK" || h.Status == "HEALTH_WARN" }

// String renders a one-line summary for a daemon's health line.
func (h Health) String() string {
	if len(h.Checks) == 0 {
		return h.Status
	}
	return h.Status + ": " + strings.Join(h.Checks, "; ")
}

// Health asks the monitors for the cluster's health. An error means the
// cluster could not be asked (fault.Unavailable naming the monitors, conf
// and user); a reachable but unhealthy cluster is a Health that is not OK.
func (c *Client) Health(ctx context.Context) (Health, error) {
	out, err := c.monCommand(ctx, map[string]any{"prefix": "health", "format": "json"})
	if err != nil {
		return Health{}, err
	}
	return parseHealth(out)
}

func parseHealth(out []byte) (Health, error) {
	var v struct {
		Status string `json:"status"`
		Checks map[string]struct {
			Severity string `json:"severity"`
			Summary  struct {
				Message string `json:"message"`
			} `json:"summary"`
		} `json:"checks"`
	}
	if err := json.Unmarshal(out, &v); err != nil {
		return Health{}, fmt.Errorf("decode ceph health: %w", err)
	}
	if v.Status == "" {
		return Health{}, fmt.Errorf("ceph health: no status in %q", out)
	}
	h := Health{Status: v.Status}
	for code, c := range v.Checks {
		h.Checks = append(h.Checks, code+": "+c.Summary.Message)
	}
	sort.Strings(h.Checks)
	return h, nil
}
