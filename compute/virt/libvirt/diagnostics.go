package libvirt

import (
	"context"
	"encoding/xml"

	golibvirt "libvirt.org/go/libvirt"

	"github.com/gostack/gostack/compute/virt"
)

var _ virt.Diagnoser = (*Driver)(nil)

// diagDevices is what diagnostics read of the live domain XML: the disks'
// guest device names and the NICs' host devices and MACs.
type diagDevices struct {
	Disks []struct {
		Target struct {
			Dev string `xml:"dev,attr"`
		} `xml:"target"`
	} `xml:"devices>disk"`
	Interfaces []struct {
		MAC struct {
			Address string `xml:"address,attr"`
		} `xml:"mac"`
		Target struct {
			Dev string `xml:"dev,attr"`
		} `xml:"target"`
	} `xml:"devices>interface"`
}

// Diagnostics implements virt.Diagnoser as nova's libvirt driver: domain
// info, per-vCPU times, block and interface statistics, the balloon's
// actual memory.
func (d *Driver) Diagnostics(ctx context.Context, uuid string) (virt.Diagnostics, error) {
	out := virt.Diagnostics{Driver: "libvirt", Hypervisor: d.s.VirtType, HypervisorOS: "linux"}
	err := d.withDomain(uuid, "read the diagnostics of", func(dom *golibvirt.Domain) error {
		info, err := dom.GetInfo()
		if err != nil {
			return err
		}
		out.State = powerState(info.State)
		out.MemoryMaxMiB = int(info.MaxMem / 1024)
		if out.State == virt.Running {
			if vcpus, err := dom.GetVcpus(); err == nil {
				for _, v := range vcpus {
					out.CPUs = append(out.CPUs, virt.CPUDiagnostics{ID: int(v.Number), TimeNS: v.CpuTime})
				}
			}
			if stats, err := dom.MemoryStats(uint32(golibvirt.DOMAIN_MEMORY_STAT_NR), 0); err == nil {
				for _, s := range stats {
					if s.Tag == int32(golibvirt.DOMAIN_MEMORY_STAT_ACTUAL_BALLOON) {
						out.MemoryUsed = int(s.Val / 1024)
					}
				}
			}
		}
		raw, err := dom.GetXMLDesc(0)
		if err != nil {
			return err
		}
		var devs diagDevices
		if err := xml.Unmarshal([]byte(raw), &devs); err != nil {
			return err
		}
		for _, disk := range devs.Disks {
			dd := virt.DiskDiagnostics{Device: disk.Target.Dev}
			if out.State == virt.Running && dd.Device != "" {
				if bs, err := dom.BlockStats(dd.Device); err == nil {
					dd.ReadBytes, dd.ReadRequests = bs.RdBytes, bs.RdReq
					dd.WriteBytes, dd.WriteRequests = bs.WrBytes, bs.WrReq
					dd.Errors = bs.Errs
				}
			}
			out.Disks = append(out.Disks, dd)
		}
		for _, nic := range devs.Interfaces {
			nd := virt.NICDiagnostics{Device: nic.Target.Dev, MAC: nic.MAC.Address}
			if out.State == virt.Running && nd.Device != "" {
				if is, err := dom.InterfaceStats(nd.Device); err == nil {
					nd.RxOctets, nd.RxErrors, nd.RxDrop, nd.RxPackets = is.RxBytes, is.RxErrs, is.RxDrop, is.RxPackets
					nd.TxOctets, nd.TxErrors, nd.TxDrop, nd.TxPackets = is.TxBytes, is.TxErrs, is.TxDrop, is.TxPackets
				}
			}
			out.NICs = append(out.NICs, nd)
		}
		return nil
	})
	return out, err
}
