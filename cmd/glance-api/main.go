package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"slices"
	"strconv"
	"syscall"

	"github.com/gostack/gostack/image/api"
	imagepolicy "github.com/gostack/gostack/image/policy"
	"github.com/gostack/gostack/image/registry"
	"github.com/gostack/gostack/image/store/rbd"
	"github.com/gostack/gostack/services/auth"
	"github.com/gostack/gostack/services/ceph"
	"github.com/gostack/gostack/services/config"
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

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:])
	stop()
	if errors.Is(err, flag.ErrHelp) {
		os.Exit(2)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "glance-api: %v\n", err)
		os.Exit(1)
	}
}

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
	overrides, err := policy.OverridesFrom(conf)
	if err != nil {
		return err
	}
	popts := policy.OptionsFrom(conf)
	popts.DeniedFormat = imagepolicy.DeniedFormat
	enforcer, err := policy.New(imagepolicy.Defaults(), overrides, popts)
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
	if settings.EnforceSecureRBAC != popts.EnforceNewDefaults {
		return errors.New("[DEFAULT] enforce_secure_rbac does not match [oslo_policy] enforce_new_defaults. " +
			"Please set both to True to enable secure RBAC personas. Otherwise, make sure both are False.")
	}
	a := api.New(registry.New(pool, nil), store, enforcer, settings, logger)
	addr := net.JoinHostPort(BindHost.Get(conf), strconv.Itoa(BindPort.Get(conf)))
	srv := &httpapi.Server{Addr: addr, Logger: logger,
		Handler: a.Handler(httpapi.Config{Flavor: httpapi.Glance, AuthURI: authn.AuthURI(), Logger: logger}, authn.Handler)}
	err = srv.ListenAndServe(ctx)
	a.Close()
	return err
}
