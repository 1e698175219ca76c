package weigher

import (
	"slices"
	"strings"

	"github.com/gostack/gostack/scheduler/hoststate"
	"github.com/gostack/gostack/scheduler/schedulerapi"
)

// Weigher gives a host a raw weight; higher is preferred before the
// multiplier is applied.
type Weigher interface {
	Name() string
	Multiplier() float64
	Weight(h *hoststate.Host) float64
}

// RAM weighs free RAM left to claim (nova's RAMWeigher,
// [filter_scheduler] ram_weight_multiplier).
type RAM struct{ Mult float64 }

// Name is nova's class name.
func (RAM) Name() string { return "RAMWeigher" }

// Multiplier is ram_weight_multiplier.
func (w RAM) Multiplier() float64 { return w.Mult }

// Weight is the free memory in MB.
func (RAM) Weight(h *hoststate.Host) float64 { return float64(h.LeftMemoryMB()) }

// CPU weighs free vCPUs (nova's CPUWeigher, cpu_weight_multiplier).
type CPU struct{ Mult float64 }

// Name is nova's class name.
func (CPU) Name() string { return "CPUWeigher" }

// Multiplier is cpu_weight_multiplier.
func (w CPU) Multiplier() float64 { return w.Mult }

// Weight is the free vCPUs.
func (CPU) Weight(h *hoststate.Host) float64 { return float64(h.LeftVCPUs()) }

// Disk weighs free disk (nova's DiskWeigher, disk_weight_multiplier).
type Disk struct{ Mult float64 }

// Name is nova's class name.
func (Disk) Name() string { return "DiskWeigher" }

// Multiplier is disk_weight_multiplier.
func (w Disk) Multiplier() float64 { return w.Mult }

// Weight is the free disk in GB.
func (Disk) Weight(h *hoststate.Host) float64 { return float64(h.LeftDiskGB()) }

// Weighed is a host with its total weight.
type Weighed struct {
	Host   *hoststate.Host
	Weight float64
}

// normalize maps ws linearly onto [0, 1] (all 0 when they are equal), as
// nova's weights.normalize.
func normalize(ws []float64) []float64 {
	out := make([]float64, len(ws))
	if len(ws) == 0 {
		return out
	}
	lo, hi := slices.Min(ws), slices.Max(ws)
	if hi == lo {
		return out
	}
	for i, w := range ws {
		out[i] = (w - lo) / (hi - lo)
	}
	return out
}

// Sort weighs hosts and returns them best first. Ties keep a stable order
// by host and node name, so results are reproducible.
func Sort(weighers []Weigher, hosts []*hoststate.Host) []Weighed {
	return SortFor(weighers, hosts, nil)
}

// SortFor is Sort for a request: RequestWeighers weigh hosts for spec.
func SortFor(weighers []Weigher, hosts []*hoststate.Host, spec *schedulerapi.RequestSpec) []Weighed {
	out := make([]Weighed, len(hosts))
	for i, h := range hosts {
		out[i].Host = h
	}
	raw := make([]float64, len(hosts))
	for _, w := range weighers {
		if w.Multiplier() == 0 {
			continue
		}
		for i, h := range hosts {
			if rw, ok := w.(RequestWeigher); ok {
				raw[i] = rw.WeightFor(h, spec)
			} else {
				raw[i] = w.Weight(h)
			}
		}
		for i, n := range normalize(raw) {
			out[i].Weight += n * w.Multiplier()
		}
	}
	slices.SortStableFunc(out, func(a, b Weighed) int {
		switch {
		case a.Weight > b.Weight:
			return -1
		case a.Weight < b.Weight:
			return 1
		}
		if c := strings.Compare(a.Host.Host, b.Host.Host); c != 0 {
			return c
		}
		return strings.Compare(a.Host.Hostname, b.Host.Hostname)
	})
	return out
}
