package main

import (
	"context"
	"log/slog"
	"net"
	"slices"
	"strconv"

	"github.com/gostack/gostack/services/auth"
	"github.com/gostack/gostack/services/config"
	"github.com/gostack/gostack/services/daemon"
	"github.com/gostack/gostack/services/db"
	"github.com/gostack/gostack/services/httpapi"
	"github.com/gostack/gostack/services/log"
	"github.com/gostack/gostack/services/policy"
	"github.com/gostack/gostack/services/rpc"
	"github.com/gostack/gostack/services/servicegroup"
	"github.com/gostack/gostack/volume/api"
	"github.com/gostack/gostack/volume/glance"
	volumepolicy "github.com/gostack/gostack/volume/policy"
	"github.com/gostack/gostack/volume/rpcapi"
	"github.com/gostack/gostack/volume/settings"
	"github.com/gostack/gostack/volume/store"
)

func opts() []config.Option {
	return slices.Concat(log.Opts(), db.Opts(), auth.Opts(), policy.Opts(), settings.Opts(), rpc.Opts())
}

func main() { daemon.Main("cinder-api", run) }

func run(ctx context.Context, args []string) error {
	files, err := config.ParseArgs("cinder", "cinder-api", args)
	if err != nil {
		return err
	}
	conf, err := config.Load(files, opts()...)
	if err != nil {
		return err
	}
	logger, closer, err := log.New(log.FromConfig(conf, "cinder-api"))
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
	transport, err := rpc.Open(settings.RPC(conf, "cinder-api"))
	if err != nil {
		return err
	}
	defer transport.Close()
	rc := rpc.NewClient(transport)
	defer rc.Close()

	enforcer, err := policy.FromConfig(conf, volumepolicy.Defaults(), volumepolicy.DeniedFormat)
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

	set := api.Settings{DefaultVolumeType: settings.DefaultType.Get(conf), DefaultAZ: settings.AZ(conf),
		ServiceDownTime: int(settings.ServiceDownTime.Get(conf).Seconds()), Quotas: settings.Quotas(conf),
		OSAPIMaxLimit: settings.MaxLimit.Get(conf)}
	a := api.New(store.New(pool), servicegroup.NewStore(pool), rpcapi.NewClient(rc),
		glance.New(client, settings.GlanceEndpoint.Get(conf)), enforcer, set, logger)
	addr := net.JoinHostPort(settings.ListenHost.Get(conf), strconv.Itoa(settings.ListenPort.Get(conf)))
	srv := &httpapi.Server{Addr: addr, Logger: logger,
		Handler: a.Handler(httpapi.Config{Flavor: httpapi.Cinder, AuthURI: authn.AuthURI(), Logger: logger}, authn.Handler)}
	return srv.ListenAndServe(ctx)
}
