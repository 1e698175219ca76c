package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/gostack/gostack/migrations"
	"github.com/gostack/gostack/services/config"
	"github.com/gostack/gostack/services/db"
)

const usage = `usage: gostack-manage db sync|version --service NAME [--config-file FILE]... [--connection URL]

  db sync     apply the pending schema migrations of the service database
  db version  print the schema version of the service database

services: keystone, glance, cinder, nova
--connection overrides [database] connection from the config files.
`

// errUsage marks a command line we cannot run; main exits 2 on it.
var errUsage = errors.New("bad usage")

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	switch {
	case errors.Is(err, errUsage):
		fmt.Fprint(os.Stderr, usage)
		os.Exit(2)
	case err != nil:
		fmt.Fprintf(os.Stderr, "gostack-manage: %v\n", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) < 2 || args[0] != "db" || (args[1] != "sync" && args[1] != "version") {
		return errUsage
	}
	cmd := args[1]
	fl := flag.NewFlagSet("gostack-manage db "+cmd, flag.ContinueOnError)
	fl.SetOutput(stderr)
	service := fl.String("service", "", "service database: "+strings.Join(migrations.Services(), ", "))
	connection := fl.String("connection", "", "database URL; overrides [database] connection")
	var files fileList
	fl.Var(&files, "config-file", "config file to read [database] from; repeatable, later files win")
	if err := fl.Parse(args[2:]); err != nil {
		return errUsage
	}
	if *service == "" || fl.NArg() > 0 {
		return errUsage
	}
	if err := migrations.Check(*service); err != nil {
		return err
	}

	conf, err := config.Load(files, db.Opts()...)
	if err != nil {
		return err
	}
	opts := db.OptionsFrom(conf)
	if *connection != "" {
		opts.Connection = *connection
	}
	pool, err := db.Open(ctx, opts)
	if err != nil {
		return err
	}
	defer pool.Close()

	if cmd == "version" {
		current, latest, err := migrations.Version(ctx, pool, *service)
		if err != nil {
			return err
		}
		fmt.Fprintln(stdout, current)
		if current < latest {
			fmt.Fprintf(stderr, "%s: latest schema version is %d; run `gostack-manage db sync --service %s`\n", *service, latest, *service)
		}
		return nil
	}
	rep, err := migrations.Sync(ctx, pool, *service)
	if err != nil {
		return err
	}
	for _, a := range rep.Applied {
		fmt.Fprintf(stdout, "%s: applied %s\n", *service, a.Name)
	}
	fmt.Fprintf(stdout, "%s: schema at version %d\n", *service, rep.Version)
	return nil
}

// fileList collects repeated --config-file flags.
type fileList []string

func (f *fileList) String() string     { return strings.Join(*f, ",") }
func (f *fileList) Set(v string) error { *f = append(*f, v); return nil }
