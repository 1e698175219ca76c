package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/url"
	"os"
	"slices"
	"time"

	"github.com/gostack/gostack/identity/api"
	identitypolicy "github.com/gostack/gostack/identity/policy"
	"github.com/gostack/gostack/identity/store"
	"github.com/gostack/gostack/identity/token"
	"github.com/gostack/gostack/services/config"
	"github.com/gostack/gostack/services/daemon"
	"github.com/gostack/gostack/services/db"
	"github.com/gostack/gostack/services/httpapi"
	"github.com/gostack/gostack/services/log"
	"github.com/gostack/gostack/services/policy"
)

// Bind is where the daemon listens; empty means public_endpoint's host and port.
var Bind = config.String("DEFAULT", "bind", "", "host:port to listen on; default: the host and port of public_endpoint, else 0.0.0.0:5000.")

// keyReloadInterval is how often the key repositories are checked for a rotation.
const keyReloadInterval = 30 * time.Second

func opts() []config.Option {
	return slices.Concat(log.Opts(), db.Opts(), api.Opts(), policy.Opts(), []config.Option{Bind})
}

func main() {
	daemon.Main("keystone", func(ctx context.Context, args []string) error {
		return run(ctx, args, os.Stdout, os.Stderr)
	})
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) > 0 {
		if cmd, ok := subcommands[args[0]]; ok {
			return cmd(ctx, args[1:], stdout, stderr)
		}
	}
	files, err := config.ParseArgs("keystone", "keystone", args)
	if err != nil {
		return err
	}
	conf, err := config.Load(files, opts()...)
	if err != nil {
		return err
	}
	return serve(ctx, conf)
}

func serve(ctx context.Context, conf *config.Config) error {
	logger, closer, err := log.New(log.FromConfig(conf, "keystone"))
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
	tokens, err := token.Open(api.PrivateKeys.Get(conf), api.PublicKeys.Get(conf), nil)
	if err != nil {
		return fmt.Errorf("load JWS keys (run `keystone create-jws-keypair`): %w", err)
	}
	ticker := time.NewTicker(keyReloadInterval)
	defer ticker.Stop()
	go tokens.Watch(ctx, ticker.C, func(reloaded bool, err error) {
		if err != nil {
			logger.Error("reload JWS keys", slog.String("error", err.Error()))
		} else if reloaded {
			logger.Info("reloaded JWS keys")
		}
	})
	enforcer, err := policy.FromConfig(conf, identitypolicy.Defaults(), "")
	if err != nil {
		return err
	}
	a := api.New(store.New(pool), tokens, enforcer, api.SettingsFrom(conf), nil, logger)
	public := api.PublicEndpoint.Get(conf)
	addr, err := listenAddr(Bind.Get(conf), public)
	if err != nil {
		return err
	}
	srv := &httpapi.Server{Addr: addr, Logger: logger,
		Handler: a.Handler(httpapi.Config{Flavor: httpapi.Keystone, PublicEndpoint: public, Logger: logger})}
	return srv.ListenAndServe(ctx)
}

// listenAddr is bind, or the host and port of the public endpoint.
func listenAddr(bind, public string) (string, error) {
	if bind != "" {
		return bind, nil
	}
	if public == "" {
		return "0.0.0.0:5000", nil
	}
	u, err := url.Parse(public)
	if err != nil || u.Host == "" {
		return "", fmt.Errorf("[DEFAULT] public_endpoint %q is not a URL", public)
	}
	port := u.Port()
	if port == "" {
		port = "5000"
	}
	return net.JoinHostPort(u.Hostname(), port), nil
}
