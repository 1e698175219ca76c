package main

import (
	"context"
	"log/slog"
	"net"
	"slices"
	"strconv"

	"github.com/gostack/gostack/image/api"
	imagepolicy "github.com/gostack/gostack/image/policy"
	"github.com/gostack/gostack/image/registry"
	"github.com/gostack/gostack/image/store/rbd"
	"github.com/gostack/gostack/services/auth"
	"github.com/gostack/gostack/services/ceph"
	"github.com/gostack/gostack/services/config"
	"github.com/gostack/gostack/services/daemon"
	"github.com/gostack/gostack/services/db"
	"github.com/gostack/gostack/services/httpapi"
	"github.com/gostack/gostack/services/log"
	"github.com/gostack/gostack/services/policy"
)

// Where the daemon listens, with glance's option names.
var (
	BindHost = config.String("DEFAULT", "bind_host", "0.0.0.0", "Address to listen on.")
	BindPort = config.Port("DEFAULT", "bind_port", 9292, "Port to listen on.")
)

func opts() []config.Option {
	return slices.Concat(log.Opts(), db.Opts(), auth.Opts(), policy.Opts(), rbd.Opts(), api.Opts(),
		[]config.Option{BindHost, BindPort})
}

func main() { daemon.Main("glance-api", run) }

func run(ctx context.Context, args []string) error {
	files, err := config.ParseArgs("glance", "glance-api", args)
	if err != nil {
		return err
	}
	conf, err := config.Load(files, opts()...)
	if err != nil {
		return err
	}
	logger, closer, err := log.New(log.FromConfig(conf, "glance-api"))
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
	rbd.TuneMalloc()
	cluster, err := ceph.Connect(ctx, ceph.Config{ConfPath: rbd.CephConf.Get(conf), User: rbd.User.Get(conf)})
	if err != nil {
		return err
	}
	defer cluster.Close()
	if err := cluster.CheckPool(ctx, rbd.Pool.Get(conf)); err != nil {
		return err
	}
	store, err := rbd.New(cluster, rbd.ConfigFrom(conf))
	if err != nil {
		return err
	}
	enforcer, err := policy.FromConfig(conf, imagepolicy.Defaults(), imagepolicy.DeniedFormat)
	if err != nil {
		return err
	}
	aopts := auth.OptionsFrom(conf)
	aopts.Policy, aopts.Logger = enforcer, logger
	client, err := auth.NewClient(aopts)
	if err != nil {
		return err
	}
	authn := auth.New(client)

	settings, err := api.SettingsFrom(conf)
	if err != nil {
		return err
	}
	a := api.New(registry.New(pool, nil), store, enforcer, settings, logger)
	addr := net.JoinHostPort(BindHost.Get(conf), strconv.Itoa(BindPort.Get(conf)))
	srv := &httpapi.Server{Addr: addr, Logger: logger,
		Handler: a.Handler(httpapi.Config{Flavor: httpapi.Glance, AuthURI: authn.AuthURI(), Logger: logger}, authn.Handler)}
	err = srv.ListenAndServe(ctx)
	a.Close()
	return err
}
