// Command nova-novncproxy serves noVNC and relays its websocket, after
// checking the console token, to a guest's VNC server (compute/console).
package main

import (
	"context"
	"log/slog"
	"net"
	"os"
	"slices"
	"strconv"

	"github.com/gostack/gostack/compute/console"
	"github.com/gostack/gostack/services/config"
	"github.com/gostack/gostack/services/daemon"
	"github.com/gostack/gostack/services/db"
	"github.com/gostack/gostack/services/httpapi"
	"github.com/gostack/gostack/services/log"
)

func opts() []config.Option {
	return slices.Concat(log.Opts(), db.Opts(), console.ProxyOpts())
}

func main() { daemon.Main("nova-novncproxy", run) }

func run(ctx context.Context, args []string) error {
	files, err := config.ParseArgs("nova", "nova-novncproxy", args)
	if err != nil {
		return err
	}
	conf, err := config.Load(files, opts()...)
	if err != nil {
		return err
	}
	logger, closer, err := log.New(log.FromConfig(conf, "nova-novncproxy"))
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
	web := console.WebDirFrom(conf)
	if _, err := os.Stat(web); err != nil {
		logger.Warn("novncproxy: noVNC's files are missing; the page will not load", "web", web, "error", err)
	}
	addr := net.JoinHostPort(console.ProxyHost.Get(conf), strconv.Itoa(console.ProxyPort.Get(conf)))
	srv := &httpapi.Server{Addr: addr, Logger: logger, Handler: console.NewProxy(console.NewStore(pool), web, logger)}
	logger.Info("novncproxy: listening", "addr", addr, "web", web)
	return srv.ListenAndServe(ctx)
}
