package main

import (
	"context"
	"fmt"
	"log/slog"
	"slices"

	"github.com/gostack/gostack/services/config"
	"github.com/gostack/gostack/services/daemon"
	"github.com/gostack/gostack/services/db"
	"github.com/gostack/gostack/services/log"
	"github.com/gostack/gostack/services/rpc"
	"github.com/gostack/gostack/services/servicegroup"
	"github.com/gostack/gostack/volume/backup"
	"github.com/gostack/gostack/volume/backup/cephbackup"
	"github.com/gostack/gostack/volume/rpcapi"
	"github.com/gostack/gostack/volume/settings"
	"github.com/gostack/gostack/volume/store"
)

func main() { daemon.Main("cinder-backup", run) }

func run(ctx context.Context, args []string) error {
	files, err := config.ParseArgs("cinder", "cinder-backup", args)
	if err != nil {
		return err
	}
	conf, err := config.Load(files, slices.Concat(log.Opts(), db.Opts(), settings.Opts(), rpc.Opts())...)
	if err != nil {
		return err
	}
	logger, closer, err := log.New(log.FromConfig(conf, "cinder-backup"))
	if err != nil {
		return err
	}
	defer closer.Close()
	slog.SetDefault(logger)

	dcfg, err := cephbackup.ConfigFrom(conf)
	if err != nil {
		return err
	}
	pool, err := db.Open(ctx, db.OptionsFrom(conf))
	if err != nil {
		return err
	}
	defer pool.Close()
	transport, err := rpc.Open(settings.RPC(conf, "cinder-backup"))
	if err != nil {
		return err
	}
	defer transport.Close()

	drv := cephbackup.New(dcfg)
	defer drv.Close()
	host := settings.HostName(conf)
	m := backup.New(backup.Config{Host: host, AvailabilityZone: settings.StorageAZ.Get(conf),
		ReportInterval: settings.ReportInterval.Get(conf)}, store.New(pool), servicegroup.NewStore(pool), drv, logger)
	srv := rpc.NewServer(transport, rpc.Target{Exchange: rpcapi.Exchange, Topic: rpcapi.BackupTopic, Server: host})
	m.Register(srv)
	errs := make(chan error, 2)
	go func() { errs <- srv.Serve(ctx) }()
	go func() { errs <- m.Run(ctx) }()
	logger.Info("cinder-backup serving", "pool", dcfg.Backup.Pool, "user", dcfg.Backup.User)
	if err := <-errs; err != nil {
		return fmt.Errorf("cinder-backup: %w", err)
	}
	return <-errs
}
