package agent

import (
	"context"
	"fmt"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/gostack/gostack/compute/network/rpcapi"
)

// dhcpServer is one dnsmasq for a bridge (all flat networks share it):
// a static range per DHCP-enabled subnet with an address on the bridge,
// answering only the MACs in its hosts file. A changed hosts or options
// file is reloaded with SIGHUP; changed ranges restart it.
type dhcpServer struct {
	bin    string
	dir    string
	bridge string
	args   []string
	cmd    *exec.Cmd
	done   chan struct{}
	files  string // hosts + opts last written
}

// DHCPConfig is what dnsmasq is given for a bridge: its command-line
// ranges and the contents of its hosts and options files. Pure, so it
// is tested without dnsmasq.
type DHCPConfig struct {
	Ranges []string // --dhcp-range values
	Hosts  string   // --dhcp-hostsfile
	Opts   string   // --dhcp-optsfile
}

// BuildDHCP renders the DHCP configuration of the networks on a bridge
// for the bound ports. served says which subnets have an address on the
// bridge (dnsmasq answers only there).
func BuildDHCP(nets []rpcapi.AgentNetwork, ports []rpcapi.VIF, served func(rpcapi.AgentSubnet) bool) DHCPConfig {
	var c DHCPConfig
	var opts, hosts []string
	subnets := map[string]bool{}
	for _, n := range nets {
		for _, s := range n.Subnets {
			p, err := netip.ParsePrefix(s.CIDR)
			if err != nil || !p.Addr().Is4() || !s.DHCP || !served(s) {
				continue
			}
			subnets[s.ID] = true
			tag := "subnet-" + s.ID
			c.Ranges = append(c.Ranges, fmt.Sprintf("set:%s,%s,static,%s,infinite", tag, p.Masked().Addr(), mask(p.Bits())))
			opts = append(opts, fmt.Sprintf("tag:%s,option:router%s", tag, prefixed(s.Gateway)))
			if len(s.DNS) > 0 {
				opts = append(opts, fmt.Sprintf("tag:%s,option:dns-server,%s", tag, strings.Join(s.DNS, ",")))
			}
			if n.MTU > 0 {
				opts = append(opts, fmt.Sprintf("tag:%s,option:mtu,%d", tag, n.MTU))
			}
		}
	}
	for _, v := range ports {
		for _, f := range v.FixedIPs {
			if !subnets[f.SubnetID] {
				continue
			}
			hosts = append(hosts, fmt.Sprintf("%s,host-%s,%s,infinite", v.MAC, strings.ReplaceAll(f.Address, ".", "-"), f.Address))
		}
	}
	sort.Strings(c.Ranges)
	sort.Strings(hosts)
	c.Hosts = strings.Join(hosts, "\n")
	c.Opts = strings.Join(opts, "\n")
	if c.Hosts != "" {
		c.Hosts += "\n"
	}
	if c.Opts != "" {
		c.Opts += "\n"
	}
	return c
}

func prefixed(s string) string {
	if s == "" {
		return ""
	}
	return "," + s
}

func mask(bits int) string {
	m := uint32(0xffffffff) << (32 - bits)
	if bits == 0 {
		m = 0
	}
	return fmt.Sprintf("%d.%d.%d.%d", m>>24, m>>16&0xff, m>>8&0xff, m&0xff)
}

// apply converges dnsmasq to c: stopped without ranges, started or
// restarted when its ranges changed (or it died), reloaded when only
// its files changed.
func (d *dhcpServer) apply(ctx context.Context, c DHCPConfig) error {
	if len(c.Ranges) == 0 {
		d.stop()
		return nil
	}
	if err := os.MkdirAll(d.dir, 0o755); err != nil {
		return err
	}
	files := c.Hosts + "\x00" + c.Opts
	if files != d.files {
		for name, content := range map[string]string{"host": c.Hosts, "opts": c.Opts} {
			tmp := filepath.Join(d.dir, name+".tmp")
			if err := os.WriteFile(tmp, []byte(content), 0o644); err != nil {
				return err
			}
			if err := os.Rename(tmp, filepath.Join(d.dir, name)); err != nil {
				return err
			}
		}
	}
	args := []string{"--keep-in-foreground", "--no-hosts", "--no-resolv", "--port=0", "--conf-file=/dev/null",
		"--bind-dynamic", "--interface=" + d.bridge, "--except-interface=lo", "--dhcp-authoritative", "--leasefile-ro",
		"--dhcp-hostsfile=" + filepath.Join(d.dir, "host"), "--dhcp-optsfile=" + filepath.Join(d.dir, "opts"),
		"--pid-file=" + filepath.Join(d.dir, "pid"), "--log-dhcp", "--log-facility=" + filepath.Join(d.dir, "dnsmasq.log")}
	for _, r := range c.Ranges {
		args = append(args, "--dhcp-range="+r)
	}
	// A host entry that went (a port deleted) is forgotten only by a
	// restart: dnsmasq keeps its lease in memory (infinite, never
	// written) and would refuse the address to the next port given it.
	forget := hostsRemoved(d.files, files)
	if d.running() && slices.Equal(args, d.args) && !forget {
		if files != d.files {
			d.files = files
			return d.cmd.Process.Signal(syscall.SIGHUP)
		}
		return nil
	}
	d.stop()
	d.killStale()
	cmd := exec.Command(d.bin, args...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGTERM}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start dnsmasq: %w", err)
	}
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); close(done) }()
	d.cmd, d.done, d.args, d.files = cmd, done, args, files
	return nil
}

// hostsRemoved reports whether a hosts line of the files before (hosts,
// NUL, options) is missing from the files after.
func hostsRemoved(before, after string) bool {
	oldHosts, _, _ := strings.Cut(before, "\x00")
	newHosts, _, _ := strings.Cut(after, "\x00")
	keep := map[string]bool{}
	for _, l := range strings.Split(newHosts, "\n") {
		keep[l] = true
	}
	for _, l := range strings.Split(oldHosts, "\n") {
		if l != "" && !keep[l] {
			return true
		}
	}
	return false
}

func (d *dhcpServer) running() bool {
	if d.cmd == nil {
		return false
	}
	select {
	case <-d.done:
		return false
	default:
		return true
	}
}

// stop ends the dnsmasq this agent started.
func (d *dhcpServer) stop() {
	if !d.running() {
		d.cmd = nil
		return
	}
	_ = d.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-d.done:
	case <-time.After(5 * time.Second):
		_ = d.cmd.Process.Kill()
		<-d.done
	}
	d.cmd = nil
}

// killStale ends a dnsmasq left by an earlier run of the agent (its pid
// file in our directory and its command line naming it).
func (d *dhcpServer) killStale() {
	b, err := os.ReadFile(filepath.Join(d.dir, "pid"))
	if err != nil {
		return
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil || pid <= 1 {
		return
	}
	cmdline, err := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid))
	if err != nil || !strings.Contains(string(cmdline), filepath.Join(d.dir, "pid")) {
		return
	}
	if p, err := os.FindProcess(pid); err == nil {
		_ = p.Signal(syscall.SIGTERM)
		time.Sleep(200 * time.Millisecond)
	}
}
