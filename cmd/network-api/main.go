package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/gostack/gostack/compute/network/api"
	"github.com/gostack/gostack/compute/network/binding"
	"github.com/gostack/gostack/compute/network/bootstrap"
	networkpolicy "github.com/gostack/gostack/compute/network/policy"
	"github.com/gostack/gostack/compute/network/rpcapi"
	"github.com/gostack/gostack/compute/network/store"
	"github.com/gostack/gostack/services/auth"
	"github.com/gostack/gostack/services/config"
	"github.com/gostack/gostack/services/daemon"
	"github.com/gostack/gostack/services/db"
	"github.com/gostack/gostack/services/httpapi"
	"github.com/gostack/gostack/services/log"
	"github.com/gostack/gostack/services/policy"
	"github.com/gostack/gostack/services/rpc"
)

// Where the daemon listens, with neutron's option names.
var (
	BindHost = config.String("DEFAULT", "bind_host", "0.0.0.0", "Address to listen on.")
	BindPort = config.Port("DEFAULT", "bind_port", 9696, "Port to listen on.")
)

func opts() []config.Option {
	return slices.Concat(log.Opts(), db.Opts(), auth.Opts(), policy.Opts(), rpc.Opts(), api.Opts(),
		[]config.Option{BindHost, BindPort})
}

func main() {
	daemon.Main("network-api", func(ctx context.Context, args []string) error {
		if len(args) > 0 && args[0] == "bootstrap" {
			return runBootstrap(ctx, args[1:])
		}
		return run(ctx, args)
	})
}

func run(ctx context.Context, args []string) error {
	files, err := config.ParseArgs("network", "network-api", args)
	if err != nil {
		return err
	}
	conf, err := config.Load(files, opts()...)
	if err != nil {
		return err
	}
	logger, closer, err := log.New(log.FromConfig(conf, "network-api"))
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
	st := store.New(pool, api.BaseMAC.Get(conf))

	enforcer, err := policy.FromConfig(conf, networkpolicy.Defaults(), networkpolicy.DeniedFormat)
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

	rcfg := rpc.ConfigFrom(conf, "neutron", "network-api")
	rcfg.Logger = logger
	transport, err := rpc.Open(rcfg)
	if err != nil {
		return err
	}
	defer transport.Close()
	host, _ := os.Hostname()
	srv := rpc.NewServer(transport, rpc.Target{Exchange: rpcapi.Exchange, Topic: rpcapi.Topic, Server: host})
	bind := binding.New(st, logger)
	bind.Register(srv)
	rpcDone := make(chan error, 1)
	rctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() { rpcDone <- srv.Serve(rctx) }()

	a := api.New(st, enforcer, api.SettingsFrom(conf), logger)
	a.SetAgents(bind)
	addr := net.JoinHostPort(BindHost.Get(conf), strconv.Itoa(BindPort.Get(conf)))
	hs := &httpapi.Server{Addr: addr, Logger: logger,
		Handler: a.Handler(httpapi.Config{AuthURI: authn.AuthURI(), Logger: logger}, authn.Handler)}
	err = hs.ListenAndServe(ctx)
	cancel()
	if rerr := <-rpcDone; err == nil && rerr != nil && ctx.Err() == nil {
		err = rerr
	}
	return err
}

// runBootstrap is `network-api bootstrap`: the default flat network,
// owned by the project the admin logs in to (password from
// OS_PASSWORD), made once.
func runBootstrap(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("network-api bootstrap", flag.ContinueOnError)
	cf := config.AddFlags(fs)
	var spec bootstrap.Spec
	var user, project, dns string
	fs.StringVar(&user, "admin-user", "admin", "the admin user (password in OS_PASSWORD)")
	fs.StringVar(&project, "admin-project", "admin", "the project that owns the network")
	fs.StringVar(&spec.Network, "network", "private", "network name")
	fs.StringVar(&spec.PhysicalNetwork, "physical-network", "physnet1", "the flat network's physical network")
	fs.StringVar(&spec.Subnet, "subnet", "private-subnet", "subnet name")
	fs.StringVar(&spec.CIDR, "cidr", "10.252.0.0/24", "subnet CIDR")
	fs.StringVar(&spec.Gateway, "gateway", "", "gateway address (default: the first host address)")
	fs.StringVar(&spec.PoolStart, "pool-start", "", "first address of the allocation pool")
	fs.StringVar(&spec.PoolEnd, "pool-end", "", "last address of the allocation pool")
	fs.StringVar(&dns, "dns", "", "comma-separated DNS servers")
	if err := fs.Parse(args); err != nil {
		return err
	}
	files, err := cf.Files()
	if err != nil {
		return err
	}
	if !cf.Given() {
		if files, err = config.DefaultFiles("network", "network-api"); err != nil {
			return err
		}
	}
	conf, err := config.Load(files, opts()...)
	if err != nil {
		return err
	}
	if dns != "" {
		spec.DNS = strings.Split(dns, ",")
	}
	aopts := auth.OptionsFrom(conf)
	aopts.Username, aopts.Password, aopts.ProjectName = user, os.Getenv("OS_PASSWORD"), project
	if aopts.Password == "" {
		return errors.New("bootstrap: set OS_PASSWORD to the password of " + user)
	}
	if spec.ProjectID, err = bootstrap.ProjectOf(ctx, aopts); err != nil {
		return err
	}
	pool, err := db.Open(ctx, db.OptionsFrom(conf))
	if err != nil {
		return err
	}
	defer pool.Close()
	res, err := bootstrap.Ensure(ctx, store.New(pool, api.BaseMAC.Get(conf)), spec)
	if err != nil {
		return err
	}
	state := "exists"
	if res.Created {
		state = "created"
	}
	fmt.Printf("network %s (%s) with subnet %s %s: %s\n", res.Network.Name, res.Network.ID, res.Subnet.Name, res.Subnet.CIDR, state)
	return nil
}
