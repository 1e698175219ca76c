package weigher_test

import (
	"testing"

	"github.com/gostack/gostack/scheduler/hoststate"
	"github.com/gostack/gostack/scheduler/placement"
	"github.com/gostack/gostack/scheduler/weigher"
)

func node(name string, usedMB int) *hoststate.Host {
	return hoststate.New(placement.Hypervisor{Node: placement.Node{Host: name, Hostname: name, VCPUs: 4, MemoryMB: 8192,
		LocalGB: 100, CPUAllocationRatio: 16, RAMAllocationRatio: 1, DiskAllocationRatio: 1,
		Used: placement.Usage{MemoryMB: usedMB}}}, "nova")
}

func order(ws []weigher.Weighed) []string {
	var out []string
	for _, w := range ws {
		out = append(out, w.Host.Host)
	}
	return out
}

func TestSpreadAndStack(t *testing.T) {
	hosts := []*hoststate.Host{node("busy", 6000), node("idle", 0), node("half", 4000)}
	spread := weigher.Sort([]weigher.Weigher{weigher.RAM{Mult: 1}}, hosts)
	if got := order(spread); got[0] != "idle" || got[1] != "half" || got[2] != "busy" {
		t.Errorf("spread order %v", got)
	}
	if spread[0].Weight != 1 || spread[2].Weight != 0 {
		t.Errorf("weights not normalized: %+v", spread)
	}
	stack := weigher.Sort([]weigher.Weigher{weigher.RAM{Mult: -1}}, hosts)
	if got := order(stack); got[0] != "busy" || got[2] != "idle" {
		t.Errorf("stack order %v", got)
	}
	ties := weigher.Sort([]weigher.Weigher{weigher.RAM{Mult: 1}}, []*hoststate.Host{node("b", 0), node("a", 0)})
	if got := order(ties); got[0] != "a" {
		t.Errorf("ties not by name: %v", got)
	}
	// Each weigher counts after normalization: equal free RAM, CPU decides.
	x, y := node("x", 0), node("y", 0)
	y.Used.VCPUs = 10
	if got := order(weigher.Sort([]weigher.Weigher{weigher.RAM{Mult: 1}, weigher.CPU{Mult: 1}, weigher.Disk{Mult: 1}}, []*hoststate.Host{y, x})); got[0] != "x" {
		t.Errorf("cpu weigher ignored: %v", got)
	}
}
