package scheduler

import (
	"context"
	"errors"
	"log/slog"
	"sort"
	"sync"
	"time"

	"github.com/gostack/gostack/services/fault"
	"github.com/gostack/gostack/services/rpc"
	"github.com/gostack/gostack/services/servicegroup"
	"github.com/gostack/gostack/volume/message"
	"github.com/gostack/gostack/volume/rpcapi"
	"github.com/gostack/gostack/volume/store"
)

// Scheduler places volumes.
type Scheduler struct {
	db       *store.Store
	sg       *servicegroup.Store
	rpc      *rpcapi.Client
	log      *slog.Logger
	downTime time.Duration
	initWait time.Duration

	mu    sync.Mutex
	caps  map[string]rpcapi.Capabilities // by host@backend
	ready chan struct{}
	once  sync.Once
}

// New returns a scheduler. downTime is service_down_time; initWait is how
// long a create waits for the first capability reports after start
// (scheduler_driver_init_wait_time).
func New(db *store.Store, sg *servicegroup.Store, rc *rpcapi.Client, downTime, initWait time.Duration, log *slog.Logger) *Scheduler {
	return &Scheduler{db: db, sg: sg, rpc: rc, log: log, downTime: downTime, initWait: initWait,
		caps: map[string]rpcapi.Capabilities{}, ready: make(chan struct{})}
}

// Register adds the scheduler's handlers.
func (s *Scheduler) Register(srv *rpc.Server) {
	srv.Register(rpcapi.MethodUpdateCapabilities, rpc.Handle(s.updateCapabilities))
	srv.Register(rpcapi.MethodCreateVolume, rpc.Handle(s.createVolume))
	srv.Register(rpcapi.MethodRetype, rpc.Handle(s.retype))
	srv.Register(rpcapi.MethodMigrateVolume, rpc.Handle(s.migrateVolume))
	srv.Register(rpcapi.MethodGetPools, rpc.Handle(func(ctx context.Context, _ struct{}) ([]rpcapi.Pool, error) {
		return s.Pools(), nil
	}))
}

// Start asks every backend for its capabilities.
func (s *Scheduler) Start(ctx context.Context) {
	if err := s.rpc.AskCapabilities(ctx); err != nil {
		s.log.Warn("cannot ask backends for capabilities", "err", err)
	}
}

func (s *Scheduler) updateCapabilities(_ context.Context, c rpcapi.Capabilities) (struct{}, error) {
	s.mu.Lock()
	s.caps[c.Host] = c
	s.mu.Unlock()
	s.once.Do(func() { close(s.ready) })
	return struct{}{}, nil
}

// Pools lists what the backends reported (scheduler-stats/get_pools).
func (s *Scheduler) Pools() []rpcapi.Pool {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := []rpcapi.Pool{}
	for _, c := range s.caps {
		out = append(out, rpcapi.Pool{Name: c.Host + "#" + c.Pool, Capabilities: c})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

func (s *Scheduler) backends(ctx context.Context) ([]Backend, error) {
	svcs, err := s.sg.List(ctx, servicegroup.Filter{Binary: "cinder-volume"})
	if err != nil {
		return nil, err
	}
	now := time.Now()
	state := map[string]servicegroup.Service{}
	for _, sv := range svcs {
		state[sv.Host] = sv
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Backend
	for h, c := range s.caps {
		sv, ok := state[h]
		out = append(out, Backend{Caps: c, Up: ok && servicegroup.IsUp(sv, now, s.downTime), Disabled: ok && sv.Disabled})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Caps.Host < out[j].Caps.Host })
	return out, nil
}

func (s *Scheduler) createVolume(ctx context.Context, a rpcapi.CreateVolume) (struct{}, error) {
	select {
	case <-s.ready:
	case <-time.After(s.initWait):
	case <-ctx.Done():
		return struct{}{}, ctx.Err()
	}
	v, err := s.db.GetVolume(ctx, a.VolumeID)
	if err != nil {
		return struct{}{}, err
	}
	if v.Status != "creating" || v.Host != "" {
		return struct{}{}, nil // already placed (a redelivery)
	}
	bs, err := s.backends(ctx)
	if err != nil {
		return struct{}{}, err
	}
	ok, why := Filter(bs, a.RequestSpec)
	for _, b := range ok {
		host := b.Caps.Host + "#" + b.Caps.Pool
		if _, err := s.db.UpdateVolume(ctx, v.ID, []string{"creating"}, store.VolumeUpdate{Host: &host}); err != nil {
			return struct{}{}, err
		}
		if err := s.rpc.CreateVolume(ctx, host, a.RequestSpec); err != nil {
			s.log.Warn("cannot reach the chosen backend, trying the next", "backend", b.Caps.Host, "err", err)
			empty := ""
			_, _ = s.db.UpdateVolume(ctx, v.ID, nil, store.VolumeUpdate{Host: &empty})
			continue
		}
		s.log.Info("volume scheduled", "volume", v.ID, "host", host)
		return struct{}{}, nil
	}
	s.log.Error("no valid backend for volume", "volume", v.ID, "size", v.Size, "type", v.TypeName, "rejected", describe(why))
	// The message first: whoever sees the volume in error can read why.
	if err := message.Record(ctx, s.db, v.ProjectID, message.ResourceVolume, v.ID,
		message.ActionScheduleAllocate, message.DetailNoBackend); err != nil {
		return struct{}{}, err
	}
	st := "error"
	if _, err := s.db.UpdateVolume(ctx, v.ID, []string{"creating"}, store.VolumeUpdate{Status: &st}); err != nil && !errors.Is(err, fault.Of(fault.Invalid)) {
		return struct{}{}, err
	}
	if v.GroupID != nil {
		// Its create ended here: a group being made follows its volumes.
		if err := s.db.SettleGroup(context.WithoutCancel(ctx), *v.GroupID); err != nil {
			s.log.Warn("cannot settle group", "group", *v.GroupID, "err", err)
		}
	}
	return struct{}{}, nil
}
