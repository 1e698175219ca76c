package libvirt

import (
	"context"
	"encoding/xml"
	"fmt"

	golibvirt "libvirt.org/go/libvirt"

	"github.com/gostack/gostack/compute/virt"
)

// HostResources reports the host's CPUs and memory (from libvirt), the
// disks' capacity (the RBD pool's share of the cluster), the hypervisor's
// version and the host CPU, as nova's get_available_resource.
func (d *Driver) HostResources(ctx context.Context) (virt.HostResources, error) {
	var r virt.HostResources
	c, err := d.connect()
	if err != nil {
		return r, err
	}
	fail := func(err error) (virt.HostResources, error) {
		d.dropIfLost(c, err)
		return virt.HostResources{}, classify(err, "describe the host for", "(host)")
	}
	ni, err := c.GetNodeInfo()
	if err != nil {
		return fail(err)
	}
	r.VCPUs = int(ni.Cpus)
	r.MemoryMiB = int(ni.Memory / 1024)
	if ms, err := c.GetMemoryStats(golibvirt.NODE_MEMORY_STATS_ALL_CELLS, 0); err == nil && ms.TotalSet {
		avail := ms.Free + ms.Buffers + ms.Cached
		r.MemoryMiB = int(ms.Total / 1024)
		r.MemoryMiBUsed = int((ms.Total - min(avail, ms.Total)) / 1024)
	}
	doms, err := c.ListAllDomains(golibvirt.CONNECT_LIST_DOMAINS_ACTIVE)
	if err != nil {
		return fail(err)
	}
	for i := range doms {
		if info, err := doms[i].GetInfo(); err == nil {
			r.VCPUsUsed += int(info.NrVirtCpu)
		}
		doms[i].Free()
	}
	v, err := c.GetVersion()
	if err != nil {
		return fail(err)
	}
	r.HypervisorType = "QEMU"
	r.HypervisorVersion = int(v)
	if r.HypervisorHostname, err = c.GetHostname(); err != nil {
		return fail(err)
	}
	caps, err := c.GetCapabilities()
	if err != nil {
		return fail(err)
	}
	if r.CPUInfo, err = ParseCPUInfo(caps); err != nil {
		return virt.HostResources{}, err
	}
	ps, err := d.ceph.PoolStats(ctx, d.s.Pool)
	if err != nil {
		return virt.HostResources{}, err
	}
	r.LocalGB = int((ps.Stored + ps.MaxAvail) / gib)
	r.LocalGBUsed = int(ps.Stored / gib)
	r.DiskAvailableLeastGB = int(ps.MaxAvail / gib)
	return r, nil
}

// ParseCPUInfo reads the host CPU from libvirt's capabilities XML.
func ParseCPUInfo(capsXML string) (virt.CPUInfo, error) {
	var caps struct {
		Host struct {
			CPU struct {
				Arch     string `xml:"arch"`
				Model    string `xml:"model"`
				Vendor   string `xml:"vendor"`
				Topology struct {
					Sockets int `xml:"sockets,attr"`
					Cores   int `xml:"cores,attr"`
					Threads int `xml:"threads,attr"`
				} `xml:"topology"`
				Features []struct {
					Name string `xml:"name,attr"`
				} `xml:"feature"`
			} `xml:"cpu"`
			Topology struct {
				Cells struct {
					Num int `xml:"num,attr"`
				} `xml:"cells"`
			} `xml:"topology"`
		} `xml:"host"`
	}
	if err := xml.Unmarshal([]byte(capsXML), &caps); err != nil {
		return virt.CPUInfo{}, fmt.Errorf("parse libvirt capabilities: %w", err)
	}
	cpu := caps.Host.CPU
	info := virt.CPUInfo{
		Arch:   cpu.Arch,
		Model:  cpu.Model,
		Vendor: cpu.Vendor,
		Topology: virt.CPUTopology{
			Cells:   max(caps.Host.Topology.Cells.Num, 1),
			Sockets: cpu.Topology.Sockets,
			Cores:   cpu.Topology.Cores,
			Threads: cpu.Topology.Threads,
		},
		Features: []string{},
	}
	for _, f := range cpu.Features {
		info.Features = append(info.Features, f.Name)
	}
	return info, nil
}
