package manager

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/gostack/gostack/compute/conductorapi"
	"github.com/gostack/gostack/compute/virt"
	"github.com/gostack/gostack/services/servicegroup"
)

// NodeName is the hypervisor hostname the host reports, as the driver
// sees it (the host name when the driver says nothing).
func nodeName(hr virt.HostResources, host string) string {
	if hr.HypervisorHostname != "" {
		return hr.HypervisorHostname
	}
	return host
}

// BuildNodeReport turns the driver's view of the host into the report the
// conductor stores for the scheduler (pure).
func BuildNodeReport(cfg Config, hr virt.HostResources, runningVMs int) NodeReport {
	cpuInfo, _ := json.Marshal(hr.CPUInfo)
	hvTypes := []string{"qemu"}
	if cfg.VirtType == "kvm" {
		hvTypes = []string{"kvm", "qemu"}
	}
	var supported [][3]string
	if hr.CPUInfo.Arch != "" {
		for _, t := range hvTypes {
			supported = append(supported, [3]string{hr.CPUInfo.Arch, t, "hvm"})
		}
	}
	return NodeReport{
		ComputeNodeReport: conductorapi.ComputeNodeReport{
			Host: cfg.Host, Node: nodeName(hr, cfg.Host),
			HypervisorType: hr.HypervisorType, HypervisorVersion: int64(hr.HypervisorVersion),
			HostIP: cfg.HostIP, VCPUs: hr.VCPUs, MemoryMB: hr.MemoryMiB, LocalGB: hr.LocalGB,
			FreeRAMMB: hr.MemoryMiB - hr.MemoryMiBUsed, FreeDiskGB: hr.LocalGB - hr.LocalGBUsed,
			DiskAvailableLeast: hr.DiskAvailableLeastGB, CPUInfo: string(cpuInfo),
			CPUAllocationRatio: cfg.CPUAllocationRatio, RAMAllocationRatio: cfg.RAMAllocationRatio,
			DiskAllocationRatio: cfg.DiskAllocationRatio, RunningVMs: runningVMs,
		},
		ReservedHostCPUs:     cfg.ReservedCPUs,
		ReservedHostMemoryMB: cfg.ReservedMemoryMB,
		ReservedHostDiskMB:   cfg.ReservedDiskMB,
		SupportedInstances:   supported,
	}
}

// ReportResources sends the host's inventory to the conductor once
// (nova's update_available_resource).
func (m *Manager) ReportResources(ctx context.Context) error {
	hr, err := m.driver.HostResources(ctx)
	if err != nil {
		return fmt.Errorf("read the host's resources: %w", err)
	}
	guests, err := m.driver.ListInstances(ctx)
	if err != nil {
		return fmt.Errorf("list the host's guests: %w", err)
	}
	running := 0
	for _, g := range guests {
		if g.State == virt.Running {
			running++
		}
	}
	if err := m.conductor.ComputeNodeReport(ctx, BuildNodeReport(m.cfg, hr, running)); err != nil {
		return fmt.Errorf("report the host's resources: %w", err)
	}
	return nil
}

// registerService registers nova-compute through the conductor, retrying
// until the conductor answers or ctx ends.
func (m *Manager) registerService(ctx context.Context) (servicegroup.Service, error) {
	delay := time.Second
	for {
		rctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		svc, err := m.conductor.ServiceRegister(rctx, servicegroup.Registration{
			Binary: "nova-compute", Host: m.cfg.Host, Topic: "compute", Disabled: m.live.newDisabled, DisabledReason: m.newServiceReason()})
		cancel()
		if err == nil {
			return svc, nil
		}
		m.log.Warn("compute: cannot register the service through the conductor yet; retrying", "error", err, "retry_in", delay)
		select {
		case <-ctx.Done():
			return servicegroup.Service{}, ctx.Err()
		case <-time.After(delay):
		}
		delay = min(2*delay, 30*time.Second)
	}
}

// heartbeat reports the service alive every ReportInterval until ctx ends.
func (m *Manager) heartbeat(ctx context.Context, id int64) {
	failing := false
	every(ctx, m.cfg.ReportInterval, func() {
		rctx, cancel := context.WithTimeout(ctx, m.cfg.ReportInterval)
		err := m.conductor.ServiceReport(rctx, id)
		cancel()
		switch {
		case err != nil && ctx.Err() == nil:
			if !failing {
				m.log.Warn("compute: heartbeat failed; the service will show as down if this persists", "error", err)
			}
			failing = true
		case err == nil && failing:
			m.log.Info("compute: heartbeat recovered")
			failing = false
		}
	})
}

// every runs fn now and then every d until ctx ends.
func every(ctx context.Context, d time.Duration, fn func()) {
	t := time.NewTicker(d)
	defer t.Stop()
	for {
		fn()
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

func after(d time.Duration) <-chan time.Time { return time.After(d) }
