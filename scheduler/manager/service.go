package manager

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/gostack/gostack/scheduler/schedulerapi"
	"github.com/gostack/gostack/services/rpc"
	"github.com/gostack/gostack/services/servicegroup"
)

// ServiceConfig says how nova-scheduler runs as a daemon.
type ServiceConfig struct {
	Host           string        // [DEFAULT] host
	ReportInterval time.Duration // [DEFAULT] report_interval
}

// Serve runs the scheduler as nova-scheduler: it registers its services
// row, heartbeats, and serves the scheduler topic on t until ctx ends.
func (m *Manager) Serve(ctx context.Context, t *rpc.Transport, services *servicegroup.Store, c ServiceConfig) error {
	svc, err := services.Register(ctx, servicegroup.Registration{Binary: "nova-scheduler", Host: c.Host, Topic: schedulerapi.Topic})
	if err != nil {
		return fmt.Errorf("register nova-scheduler: %w", err)
	}
	go services.Heartbeat(ctx, svc.ID, c.ReportInterval, m.log)

	srv := rpc.NewServer(t, rpc.Target{Topic: schedulerapi.Topic, Server: c.Host})
	m.Register(srv)
	m.log.Info("nova-scheduler: serving", "topic", schedulerapi.Topic, "service_id", svc.ID)
	err = srv.Serve(ctx)
	if ctx.Err() != nil {
		return nil
	}
	return err
}

// Logger returns the manager's logger.
func (m *Manager) Logger() *slog.Logger { return m.log }
