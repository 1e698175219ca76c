package main

import (
	"context"
	"log/slog"
	"net"
	"slices"
	"strconv"

	"github.com/gostack/gostack/compute/api"
	"github.com/gostack/gostack/compute/computeapi"
	"github.com/gostack/gostack/compute/conductorapi"
	networkrpc "github.com/gostack/gostack/compute/network/rpcapi"
	"github.com/gostack/gostack/compute/networkapi"
	computepolicy "github.com/gostack/gostack/compute/policy"
	"github.com/gostack/gostack/compute/store"
	"github.com/gostack/gostack/compute/volumeapi"
	"github.com/gostack/gostack/scheduler/placement"
	"github.com/gostack/gostack/services/auth"
	"github.com/gostack/gostack/services/config"
	"github.com/gostack/gostack/services/daemon"
	"github.com/gostack/gostack/services/db"
	"github.com/gostack/gostack/services/httpapi"
	"github.com/gostack/gostack/services/log"
	"github.com/gostack/gostack/services/policy"
	"github.com/gostack/gostack/services/rpc"
	"github.com/gostack/gostack/services/servicegroup"
)

func opts() []config.Option {
	return slices.Concat(log.Opts(), db.Opts(), auth.Opts(), policy.Opts(), rpc.Opts(), api.Opts())
}

func main() { daemon.Main("nova-api", run) }

func run(ctx context.Context, args []string) error {
	files, err := config.ParseArgs("nova", "nova-api", args)
	if err != nil {
		return err
	}
	conf, err := config.Load(files, opts()...)
	if err != nil {
		return err
	}
	logger, closer, err := log.New(log.FromConfig(conf, "nova-api"))
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
	rcfg := rpc.ConfigFrom(conf, "nova", "nova-api")
	rcfg.Logger = logger
	transport, err := rpc.Open(rcfg)
	if err != nil {
		return err
	}
	defer transport.Close()
	rc := rpc.NewClient(transport)
	defer rc.Close()

	enforcer, err := policy.FromConfig(conf, computepolicy.Defaults(), computepolicy.DeniedFormat)
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

	a := api.New(api.Deps{
		Store: store.New(pool), Services: servicegroup.NewStore(pool), Nodes: placement.NewStore(pool),
		Conductor: conductorapi.NewClient(rc), Compute: computeapi.NewClient(rc), Images: api.NewGlance(client),
		Policy: enforcer, Settings: api.SettingsFrom(conf), Log: logger,
	})
	a.SetVolumes(volumeapi.New(client))
	a.SetNetworkAPI(networkapi.New(client))
	a.SetNetwork(networkrpc.NewClient(rc))
	addr := net.JoinHostPort(api.Listen.Get(conf), strconv.Itoa(api.ListenPort.Get(conf)))
	srv := &httpapi.Server{Addr: addr, Logger: logger,
		Handler: a.Handler(httpapi.Config{Flavor: httpapi.Nova, AuthURI: authn.AuthURI(), Logger: logger,
			PublicEndpoint: api.PublicEndpoint.Get(conf)}, authn.Handler)}
	return srv.ListenAndServe(ctx)
}
