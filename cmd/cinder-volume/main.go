package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync"

	"github.com/gostack/gostack/services/auth"
	"github.com/gostack/gostack/services/config"
	"github.com/gostack/gostack/services/daemon"
	"github.com/gostack/gostack/services/db"
	"github.com/gostack/gostack/services/log"
	"github.com/gostack/gostack/services/rpc"
	"github.com/gostack/gostack/services/servicegroup"
	"github.com/gostack/gostack/volume/driver"
	"github.com/gostack/gostack/volume/driver/rbd"
	"github.com/gostack/gostack/volume/glance"
	"github.com/gostack/gostack/volume/manager"
	"github.com/gostack/gostack/volume/nova"
	"github.com/gostack/gostack/volume/rpcapi"
	"github.com/gostack/gostack/volume/settings"
	"github.com/gostack/gostack/volume/store"
)

func main() { daemon.Main("cinder-volume", run) }

func run(ctx context.Context, args []string) error {
	files, err := config.ParseArgs("cinder", "cinder-volume", args)
	if err != nil {
		return err
	}
	conf, err := config.Load(files, slices.Concat(log.Opts(), db.Opts(), auth.Opts(), settings.Opts(), rpc.Opts())...)
	if err != nil {
		return err
	}
	logger, closer, err := log.New(log.FromConfig(conf, "cinder-volume"))
	if err != nil {
		return err
	}
	defer closer.Close()
	slog.SetDefault(logger)
	backends := settings.EnabledBackends.Get(conf)
	if len(backends) == 0 {
		return errors.New("[DEFAULT] enabled_backends names no backend section")
	}

	pool, err := db.Open(ctx, db.OptionsFrom(conf))
	if err != nil {
		return err
	}
	defer pool.Close()
	transport, err := rpc.Open(settings.RPC(conf, "cinder-volume"))
	if err != nil {
		return err
	}
	defer transport.Close()
	rc := rpc.NewClient(transport)
	defer rc.Close()
	aopts := auth.OptionsFrom(conf)
	aopts.Logger = logger
	keystone, err := auth.NewClient(aopts)
	if err != nil {
		return err
	}
	gl := glance.New(keystone, settings.GlanceEndpoint.Get(conf))
	db := store.New(pool)
	sg := servicegroup.NewStore(pool)
	host := settings.HostName(conf)

	var wg sync.WaitGroup
	errs := make(chan error, 2*len(backends))
	for _, name := range backends {
		sec, err := conf.Section(name, driver.BackendOpts()...)
		if err != nil {
			return fmt.Errorf("backend %s: %w", name, err)
		}
		backendName := driver.VolumeBackendName.Get(sec)
		if backendName == "" {
			backendName = name
		}
		az := driver.BackendAZ.Get(sec)
		if az == "" {
			az = settings.StorageAZ.Get(conf)
		}
		rcfg := rbd.Config{Pool: driver.RBDPool.Get(sec), User: driver.RBDUser.Get(sec), CephConf: driver.RBDCephConf.Get(sec),
			Keyring: driver.RBDKeyring.Get(sec), ClusterName: driver.RBDClusterName.Get(sec), SecretUUID: driver.RBDSecretUUID.Get(sec),
			MaxCloneDepth: driver.RBDMaxCloneDepth.Get(sec), FlattenFromSnapshot: driver.RBDFlattenFromSnap.Get(sec),
			ChunkSizeMiB: driver.RBDStoreChunkSize.Get(sec)}
		mcfg := manager.Config{Host: host + "@" + name, BackendName: backendName, AvailabilityZone: az,
			ReportInterval: settings.ReportInterval.Get(conf), ReservedPercent: driver.ReservedPercentage.Get(sec),
			MaxOverSubRatio: driver.MaxOverSubscription.Get(sec), TempDir: settings.ImageConvertDir.Get(conf)}
		m := manager.New(mcfg, db, sg, rpcapi.NewClient(rc), gl, func(ctx context.Context) (driver.Driver, error) {
			return rbd.Open(ctx, rcfg)
		}, logger)
		srv := rpc.NewServer(transport, rpc.Target{Exchange: rpcapi.Exchange, Topic: rpcapi.VolumeTopic, Server: mcfg.Host})
		m.SetNova(nova.New(keystone))
		m.Register(srv)
		wg.Add(2)
		go func() { defer wg.Done(); errs <- srv.Serve(ctx) }()
		go func() { defer wg.Done(); errs <- m.Run(ctx) }()
		logger.Info("cinder-volume serving backend", "host", mcfg.Host, "backend_name", backendName, "pool", rcfg.Pool)
	}
	var first error
	go func() { wg.Wait(); close(errs) }()
	for err := range errs {
		if err != nil && first == nil {
			first = err
			logger.Error("backend stopped", "err", err)
		}
	}
	return first
}
