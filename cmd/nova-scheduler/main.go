package main

import (
	"context"
	"log/slog"
	"os"
	"slices"
	"time"

	"github.com/gostack/gostack/scheduler/manager"
	"github.com/gostack/gostack/scheduler/placement"
	"github.com/gostack/gostack/services/config"
	"github.com/gostack/gostack/services/daemon"
	"github.com/gostack/gostack/services/db"
	"github.com/gostack/gostack/services/log"
	"github.com/gostack/gostack/services/rpc"
	"github.com/gostack/gostack/services/servicegroup"
)

// Options of the daemon itself, with nova's names.
var (
	Host = config.String("DEFAULT", "host", "",
		"Name of this host in the services table and RPC topics; default: the machine's hostname.")
	ReportInterval = config.Seconds("DEFAULT", "report_interval", 10*time.Second,
		"Seconds between heartbeats of the service.", config.Min(1))
)

func opts() []config.Option {
	return slices.Concat(log.Opts(), db.Opts(), rpc.Opts(), manager.Opts(), []config.Option{Host, ReportInterval})
}

func main() { daemon.Main("nova-scheduler", run) }

func run(ctx context.Context, args []string) error {
	files, err := config.ParseArgs("nova", "nova-scheduler", args)
	if err != nil {
		return err
	}
	conf, err := config.Load(files, opts()...)
	if err != nil {
		return err
	}
	logger, closer, err := log.New(log.FromConfig(conf, "nova-scheduler"))
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
	rcfg := rpc.ConfigFrom(conf, "nova", "nova-scheduler")
	rcfg.Logger = logger
	transport, err := rpc.Open(rcfg)
	if err != nil {
		return err
	}
	defer transport.Close()

	m, err := manager.New(placement.NewStore(pool), manager.SettingsFrom(conf), logger)
	if err != nil {
		return err
	}
	return m.Serve(ctx, transport, servicegroup.NewStore(pool),
		manager.ServiceConfig{Host: host, ReportInterval: ReportInterval.Get(conf)})
}
