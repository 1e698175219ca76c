package manager

import (
	"context"

	"github.com/gostack/gostack/services/rpc"
)

// Serve runs nova-compute until ctx ends: it registers the service
// through the conductor and heartbeats, reconciles the host (InitHost),
// reports its resources, then serves compute.<host> while the periodic
// resource report and power-state sync run.
func (m *Manager) Serve(ctx context.Context, t *rpc.Transport) error {
	svc, err := m.registerService(ctx)
	if err != nil {
		return err
	}
	go m.heartbeat(ctx, svc.ID)
	if err := m.InitHost(ctx); err != nil {
		m.log.Error("compute: start-up reconciliation failed; the power sync will retry parts of it", "error", err)
	}
	go every(ctx, m.cfg.ResourceReportInterval, func() {
		if err := m.ReportResources(ctx); err != nil && ctx.Err() == nil {
			m.log.Warn("compute: resource report failed", "error", err)
		}
	})
	if m.cfg.SyncPowerStateInterval > 0 {
		go func() {
			// The first sync waits one interval, as nova's periodic task.
			select {
			case <-ctx.Done():
				return
			case <-after(m.cfg.SyncPowerStateInterval):
			}
			every(ctx, m.cfg.SyncPowerStateInterval, func() {
				if err := m.SyncPowerStates(ctx); err != nil && ctx.Err() == nil {
					m.log.Warn("compute: power state sync failed", "error", err)
				}
			})
		}()
	}
	srv := rpc.NewServer(t, rpc.Target{Topic: m.cfg.Topic, Server: m.cfg.Host})
	m.Register(srv)
	m.log.Info("nova-compute: serving", "topic", m.cfg.Topic+"."+m.cfg.Host, "service_id", svc.ID)
	err = srv.Serve(ctx)
	if ctx.Err() != nil {
		return nil
	}
	return err
}
