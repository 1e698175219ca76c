package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"slices"
	"time"

	"github.com/gostack/gostack/compute/computeapi"
	"github.com/gostack/gostack/compute/conductor"
	"github.com/gostack/gostack/compute/conductorapi"
	"github.com/gostack/gostack/compute/store"
	"github.com/gostack/gostack/scheduler/placement"
	"github.com/gostack/gostack/scheduler/schedulerapi"
	"github.com/gostack/gostack/services/config"
	"github.com/gostack/gostack/services/daemon"
	"github.com/gostack/gostack/services/db"
	"github.com/gostack/gostack/services/log"
	"github.com/gostack/gostack/services/rpc"
	"github.com/gostack/gostack/services/servicegroup"
)

// Options of the daemon, with nova's names.
var (
	Host = config.String("DEFAULT", "host", "",
		"Name of this host in the services table and RPC topics; default: the machine's hostname.")
	ReportInterval = config.Seconds("DEFAULT", "report_interval", 10*time.Second,
		"Seconds between heartbeats of the service.", config.Min(1))
)

func opts() []config.Option {
	return slices.Concat(log.Opts(), db.Opts(), rpc.Opts(), []config.Option{Host, ReportInterval}, conductor.AutoEvacuateOpts())
}

func main() { daemon.Main("nova-conductor", run) }

func run(ctx context.Context, args []string) error {
	files, err := config.ParseArgs("nova", "nova-conductor", args)
	if err != nil {
		return err
	}
	conf, err := config.Load(files, opts()...)
	if err != nil {
		return err
	}
	logger, closer, err := log.New(log.FromConfig(conf, "nova-conductor"))
	if err != nil {
		return err
	}
	defer closer.Close()
	slog.SetDefault(logger)

	host := Host.Get(conf)
	if host == "" {
		if host, err = os.Hostname(); err != nil {
			return err
		}
	}
	pool, err := db.Open(ctx, db.OptionsFrom(conf))
	if err != nil {
		return err
	}
	defer pool.Close()
	rcfg := rpc.ConfigFrom(conf, "nova", "nova-conductor")
	rcfg.Logger = logger
	transport, err := rpc.Open(rcfg)
	if err != nil {
		return err
	}
	defer transport.Close()
	rc := rpc.NewClient(transport)
	defer rc.Close()

	services := servicegroup.NewStore(pool)
	svc, err := services.Register(ctx, servicegroup.Registration{Binary: "nova-conductor", Host: host, Topic: conductorapi.Topic})
	if err != nil {
		return fmt.Errorf("register nova-conductor: %w", err)
	}
	go services.Heartbeat(ctx, svc.ID, ReportInterval.Get(conf), logger)

	m := conductor.New(store.New(pool), services, placement.NewStore(pool), schedulerapi.NewClient(rc), computeapi.NewClient(rc), logger)
	srv := rpc.NewServer(transport, rpc.Target{Topic: conductorapi.Topic, Server: host})
	m.Register(srv)
	m.RegisterLifecycle(srv)
	if s, on := conductor.AutoEvacuateSettingsFrom(conf); on {
		go m.AutoEvacuate(ctx, s)
	}
	logger.Info("nova-conductor: serving", "topic", conductorapi.Topic, "service_id", svc.ID)
	err = srv.Serve(ctx)
	if ctx.Err() != nil {
		return nil
	}
	return err
}
