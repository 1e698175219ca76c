// Command network-agent is the network service's per-host agent: the
// flat network's bridge, DHCP and gateway on the network node, and the
// security groups of the host's ports (compute/network/agent).
package main

import (
	"context"
	"log/slog"
	"os"
	"slices"

	"github.com/gostack/gostack/compute/network/agent"
	"github.com/gostack/gostack/compute/network/api"
	"github.com/gostack/gostack/compute/network/rpcapi"
	"github.com/gostack/gostack/services/config"
	"github.com/gostack/gostack/services/daemon"
	"github.com/gostack/gostack/services/log"
	"github.com/gostack/gostack/services/rpc"
)

func opts() []config.Option {
	return slices.Concat(log.Opts(), rpc.Opts(), agent.Opts(), []config.Option{api.AvailabilityZone})
}

func main() { daemon.Main("network-agent", run) }

func run(ctx context.Context, args []string) error {
	files, err := config.ParseArgs("network", "network-agent", args)
	if err != nil {
		return err
	}
	conf, err := config.Load(files, opts()...)
	if err != nil {
		return err
	}
	logger, closer, err := log.New(log.FromConfig(conf, "network-agent"))
	if err != nil {
		return err
	}
	defer closer.Close()
	slog.SetDefault(logger)

	host := agent.Host.Get(conf)
	if host == "" {
		if host, err = os.Hostname(); err != nil {
			return err
		}
	}
	rcfg := rpc.ConfigFrom(conf, "neutron", "network-agent")
	rcfg.Logger = logger
	transport, err := rpc.Open(rcfg)
	if err != nil {
		return err
	}
	defer transport.Close()
	client := rpc.NewClient(transport)
	defer client.Close()

	set := agent.SettingsFrom(conf, host)
	set.AvailabilityZone = api.AvailabilityZone.Get(conf)
	return agent.New(set, rpcapi.NewClient(client), logger).Run(ctx)
}
