package main

import (
	"context"
	"log/slog"
	"os"
	"slices"

	"github.com/gostack/gostack/compute/computeapi"
	"github.com/gostack/gostack/compute/manager"
	networkrpc "github.com/gostack/gostack/compute/network/rpcapi"
	"github.com/gostack/gostack/compute/virt/libvirt"
	"github.com/gostack/gostack/compute/volumeapi"
	"github.com/gostack/gostack/services/auth"
	"github.com/gostack/gostack/services/ceph"
	"github.com/gostack/gostack/services/config"
	"github.com/gostack/gostack/services/daemon"
	"github.com/gostack/gostack/services/log"
	"github.com/gostack/gostack/services/rpc"
)

func opts() []config.Option {
	return slices.Concat(log.Opts(), rpc.Opts(), auth.Opts(), manager.Opts(), libvirt.Opts(), manager.LiveMigrationOpts(), manager.ServiceOpts(), manager.LifecycleOpts())
}

func main() { daemon.Main("nova-compute", run) }

func run(ctx context.Context, args []string) error {
	files, err := config.ParseArgs("nova", "nova-compute", args)
	if err != nil {
		return err
	}
	conf, err := config.Load(files, opts()...)
	if err != nil {
		return err
	}
	logger, closer, err := log.New(log.FromConfig(conf, "nova-compute"))
	if err != nil {
		return err
	}
	defer closer.Close()
	slog.SetDefault(logger)

	host := manager.Host.Get(conf)
	if host == "" {
		if host, err = os.Hostname(); err != nil {
			return err
		}
	}
	ls := libvirt.SettingsFrom(conf)
	cluster, err := ceph.Connect(ctx, ceph.Config{ConfPath: ls.CephConf, User: ls.RBDUser, Timeout: libvirt.CephTimeout(conf)})
	if err != nil {
		return err
	}
	defer cluster.Close()
	driver, err := libvirt.New(ctx, ls, cluster, logger)
	if err != nil {
		return err
	}
	defer driver.Close()

	rcfg := rpc.ConfigFrom(conf, "nova", "nova-compute")
	rcfg.Logger = logger
	transport, err := rpc.Open(rcfg)
	if err != nil {
		return err
	}
	defer transport.Close()
	client := rpc.NewClient(transport)
	defer client.Close()

	cfg := manager.ConfigFrom(conf, host)
	cfg.VirtType = ls.VirtType
	m := manager.New(cfg, driver, manager.NewConductorClient(client), logger)
	m.SetLiveMigration(manager.LiveMigrationConfigFrom(conf, cfg.HostIP), computeapi.NewClient(client))
	m.SetEnableNewServices(manager.EnableNewServices.Get(conf))
	m.SetNetwork(networkrpc.NewClient(client))
	m.SetMoveCompute(computeapi.NewClient(client))
	m.SetShelvedOffloadTime(manager.ShelvedOffloadTime.Get(conf))
	// Images outside the Ceph cluster are downloaded from Glance as the
	// service user ([keystone_authtoken]).
	aopts := auth.OptionsFrom(conf)
	aopts.Logger = logger
	if svcAuth, err := auth.NewClient(aopts); err == nil {
		m.SetImageFetcher((&manager.GlanceFetcher{Auth: svcAuth}).Fetch)
		m.SetImageService(&manager.GlanceImages{Auth: svcAuth})
		m.SetVolumeAPI(volumeapi.New(svcAuth))
	} else {
		logger.Warn("nova-compute: no service credentials; images outside the Ceph cluster cannot be built", "error", err)
	}
	return m.Serve(ctx, transport)
}
