package manager

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/gostack/gostack/scheduler/filter"
	"github.com/gostack/gostack/scheduler/hoststate"
	"github.com/gostack/gostack/scheduler/placement"
	"github.com/gostack/gostack/scheduler/schedulerapi"
	"github.com/gostack/gostack/scheduler/weigher"
	"github.com/gostack/gostack/services/fault"
	"github.com/gostack/gostack/services/rpc"
)

// reasonNotEnough is nova's NoValidHost reason.
const reasonNotEnough = "There are not enough hosts available."

// maxRefusals caps the reasons listed in one NoValidHost.
const maxRefusals = 10

// Manager places instances.
type Manager struct {
	store    *placement.Store
	filters  []filter.Filter
	weighers []weigher.Weigher
	zone     string
	log      *slog.Logger
}

// New returns a Manager over the placement store.
func New(store *placement.Store, s Settings, log *slog.Logger) (*Manager, error) {
	if log == nil {
		log = slog.Default()
	}
	fs, err := filter.New(s.EnabledFilters, filter.Env{ServiceDownTime: s.ServiceDownTime})
	if err != nil {
		return nil, fault.New(fault.Invalid, "%v", err)
	}
	zone := s.DefaultAvailabilityZone
	if zone == "" {
		zone = hoststate.DefaultZone
	}
	return &Manager{
		store:   store,
		filters: fs,
		weighers: []weigher.Weigher{
			weigher.RAM{Mult: s.RAMWeightMultiplier},
			weigher.CPU{Mult: s.CPUWeightMultiplier},
			weigher.Disk{Mult: s.DiskWeightMultiplier},
			weigher.SoftAffinity{Mult: s.SoftAffinityWeightMultiplier},
			weigher.SoftAntiAffinity{Mult: s.SoftAntiAffinityWeightMultiplier},
		},
		zone: zone,
		log:  log,
	}, nil
}

// Register serves the scheduler's methods on srv.
func (m *Manager) Register(srv *rpc.Server) {
	srv.Register(schedulerapi.MethodSelectDestinations, rpc.Handle(m.selectDestinations))
}

func (m *Manager) selectDestinations(ctx context.Context, a schedulerapi.SelectDestinationsArgs) (schedulerapi.SelectDestinationsReply, error) {
	return m.SelectDestinations(ctx, a.Spec)
}

// SelectDestinations places every instance of spec and claims its
// resources. When one cannot be placed, the reply has NoValidHost and no
// claim of the request is left behind.
func (m *Manager) SelectDestinations(ctx context.Context, spec schedulerapi.RequestSpec) (schedulerapi.SelectDestinationsReply, error) {
	start := time.Now()
	if len(spec.InstanceUUIDs) == 0 || spec.Count() != len(spec.InstanceUUIDs) {
		return schedulerapi.SelectDestinationsReply{}, fault.New(fault.Invalid,
			"select_destinations needs one instance uuid per instance (num_instances %d, %d uuids)", spec.NumInstances, len(spec.InstanceUUIDs))
	}
	all, err := m.store.List(ctx, placement.ListOptions{})
	if err != nil {
		return schedulerapi.SelectDestinationsReply{}, err
	}
	hosts := make([]*hoststate.Host, 0, len(all))
	for _, h := range all {
		if slices.ContainsFunc(spec.IgnoreHosts, func(s string) bool { return strings.EqualFold(s, h.Host) }) {
			continue
		}
		hosts = append(hosts, hoststate.New(h, m.zone))
	}
	if err := m.prepare(ctx, &spec, hosts); err != nil { // request.go: group, extra specs, aggregates
		return schedulerapi.SelectDestinationsReply{}, err
	}
	unlock, err := m.lockGroup(ctx, &spec)
	if err != nil {
		return schedulerapi.SelectDestinationsReply{}, err
	}
	defer unlock()
	forced := len(spec.ForceHosts) > 0 || len(spec.ForceNodes) > 0
	if forced {
		var why string
		if hosts, why = filter.Forced(hosts, &spec); why != "" {
			return m.noValidHost(spec, nil, schedulerapi.Refusal{Filter: "force_hosts", Reason: why}), nil
		}
	}

	if spec.RequestedHost != "" {
		var why string
		if hosts, why = filter.Forced(hosts, &schedulerapi.RequestSpec{ForceHosts: []string{spec.RequestedHost}}); why != "" {
			return m.noValidHost(spec, nil, schedulerapi.Refusal{Filter: "requested_destination", Reason: why}), nil
		}
	}

	var chosen []schedulerapi.Selection
	for _, id := range spec.InstanceUUIDs {
		candidates, rejected := hosts, []filter.Rejection(nil)
		if !forced { // as upstream, forced hosts bypass the filters
			candidates, rejected = filter.Apply(m.filters, hosts, &spec)
		}
		refusals := make([]schedulerapi.Refusal, 0, len(rejected))
		for _, r := range rejected {
			refusals = append(refusals, schedulerapi.Refusal{Host: r.Host, Filter: r.Filter, Reason: r.Reason})
		}
		if len(hosts) == 0 {
			refusals = append(refusals, schedulerapi.Refusal{Filter: "hosts", Reason: "no compute host has reported its resources"})
		}
		sel, claimRefusals, err := m.claimBest(ctx, id, &spec, weigher.SortFor(m.weighers, candidates, &spec))
		if err != nil {
			m.release(ctx, chosen)
			return schedulerapi.SelectDestinationsReply{}, err
		}
		if sel == nil {
			return m.noValidHost(spec, chosen, append(refusals, claimRefusals...)...), nil
		}
		chosen = append(chosen, *sel)
		placed(&spec, *sel)
	}
	m.log.InfoContext(ctx, "scheduler: placed instances", "instances", spec.InstanceUUIDs,
		"hosts", hostsOf(chosen), "elapsed", time.Since(start).Round(time.Microsecond))
	return schedulerapi.SelectDestinationsReply{Destinations: chosen}, nil
}

// claimBest claims the instance on the first host of ranked that takes it.
// A host whose claim conflicts is refreshed (its usage re-read) and
// skipped. It returns nil and the claims' refusals when no host took it.
func (m *Manager) claimBest(ctx context.Context, id string, spec *schedulerapi.RequestSpec, ranked []weigher.Weighed) (*schedulerapi.Selection, []schedulerapi.Refusal, error) {
	var refusals []schedulerapi.Refusal
	res := spec.Resources
	for _, w := range ranked {
		h := w.Host
		err := m.store.Claim(ctx, placement.Claim{
			Consumer: id, ProjectID: spec.ProjectID, UserID: spec.UserID, NodeID: h.ID,
			VCPUs: res.VCPUs, MemoryMB: res.MemoryMB, DiskGB: res.DiskGB(),
		})
		switch {
		case err == nil:
			h.Consume(res)
			return &schedulerapi.Selection{InstanceUUID: id, ServiceHost: h.Host, Nodename: h.Hostname,
				ComputeNodeUUID: h.UUID, AvailabilityZone: h.Zone}, refusals, nil
		case fault.KindOf(err) == fault.Conflict || fault.KindOf(err) == fault.NotFound:
			refusals = append(refusals, schedulerapi.Refusal{Host: h.Hostname, Filter: "claim", Reason: claimReason(err)})
			if fresh, gerr := m.store.Get(ctx, h.ID); gerr == nil {
				h.Hypervisor = fresh // later instances of the request see the truth
			}
			m.log.DebugContext(ctx, "scheduler: claim refused; trying the next host", "instance", id, "node", h.Hostname, "error", err)
		default:
			return nil, nil, fmt.Errorf("claim resources for %s on %s: %w", id, h.Hostname, err)
		}
	}
	return nil, refusals, nil
}

func claimReason(err error) string {
	var in *placement.Insufficient
	if errors.As(err, &in) {
		return in.Error()
	}
	return fault.MessageOf(err)
}

// noValidHost releases the claims made so far and builds the answer.
func (m *Manager) noValidHost(spec schedulerapi.RequestSpec, chosen []schedulerapi.Selection, refusals ...schedulerapi.Refusal) schedulerapi.SelectDestinationsReply {
	ctx := context.Background()
	m.release(ctx, chosen)
	if len(refusals) > maxRefusals {
		refusals = refusals[:maxRefusals]
	}
	nv := &schedulerapi.NoValidHost{Reason: reasonNotEnough, Filtered: refusals}
	m.log.Info("scheduler: no valid host", "instances", spec.InstanceUUIDs, "flavor", spec.FlavorID, "why", nv.Error())
	return schedulerapi.SelectDestinationsReply{NoValidHost: nv}
}

// release gives back the claims of a request that failed part way. It
// does not depend on the caller's ctx, which may be what failed.
func (m *Manager) release(ctx context.Context, chosen []schedulerapi.Selection) {
	if len(chosen) == 0 {
		return
	}
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	for _, s := range chosen {
		if err := m.store.Release(rctx, s.InstanceUUID); err != nil {
			m.log.Error("scheduler: could not release a claim; the node's usage counts it until the instance is deleted",
				"instance", s.InstanceUUID, "error", err)
		}
	}
}

func hostsOf(sel []schedulerapi.Selection) []string {
	out := make([]string, len(sel))
	for i, s := range sel {
		out[i] = s.Nodename
	}
	return out
}
