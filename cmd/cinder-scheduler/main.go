package main

import (
	"context"
	"log/slog"
	"slices"

	"github.com/gostack/gostack/services/config"
	"github.com/gostack/gostack/services/daemon"
	"github.com/gostack/gostack/services/db"
	"github.com/gostack/gostack/services/log"
	"github.com/gostack/gostack/services/rpc"
	"github.com/gostack/gostack/services/servicegroup"
	"github.com/gostack/gostack/volume/rpcapi"
	"github.com/gostack/gostack/volume/scheduler"
	"github.com/gostack/gostack/volume/settings"
	"github.com/gostack/gostack/volume/store"
)

func main() { daemon.Main("cinder-scheduler", run) }

func run(ctx context.Context, args []string) error {
	files, err := config.ParseArgs("cinder", "cinder-scheduler", args)
	if err != nil {
		return err
	}
	conf, err := config.Load(files, slices.Concat(log.Opts(), db.Opts(), settings.Opts(), rpc.Opts())...)
	if err != nil {
		return err
	}
	logger, closer, err := log.New(log.FromConfig(conf, "cinder-scheduler"))
	if err != nil {
		return err
	}
	defer closer.Close()
	slog.SetDefault(logger)

	pool, err := db.Open(ctx, db.OptionsFrom(conf))
	if err != nil {
		return err
	}
	defer pool.Close()
	transport, err := rpc.Open(settings.RPC(conf, "cinder-scheduler"))
	if err != nil {
		return err
	}
	defer transport.Close()
	rc := rpc.NewClient(transport)
	defer rc.Close()

	sg := servicegroup.NewStore(pool)
	host := settings.HostName(conf)
	svc, err := sg.Register(ctx, servicegroup.Registration{Binary: "cinder-scheduler", Host: host,
		Topic: rpcapi.SchedulerTopic, Zone: settings.StorageAZ.Get(conf)})
	if err != nil {
		return err
	}
	go sg.Heartbeat(ctx, svc.ID, settings.ReportInterval.Get(conf), logger)

	s := scheduler.New(store.New(pool), sg, rpcapi.NewClient(rc), settings.ServiceDownTime.Get(conf),
		settings.SchedulerWait.Get(conf), logger)
	srv := rpc.NewServer(transport, rpc.Target{Exchange: rpcapi.Exchange, Topic: rpcapi.SchedulerTopic, Server: host})
	s.Register(srv)
	go func() {
		if err := srv.Ready(ctx); err == nil {
			s.Start(ctx)
		}
	}()
	logger.Info("cinder-scheduler serving", "host", host)
	return srv.Serve(ctx)
}
