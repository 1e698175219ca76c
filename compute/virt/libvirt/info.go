package libvirt

import (
	"context"
	"encoding/xml"
	"time"

	golibvirt "libvirt.org/go/libvirt"

	"github.com/gostack/gostack/compute/virt"
)

// powerState maps a libvirt domain state to nova's power state
// (LIBVIRT_POWER_STATE upstream): blocked counts as running, shut off as
// shutdown, pmsuspended as suspended.
func powerState(s golibvirt.DomainState) virt.PowerState {
	switch s {
	case golibvirt.DOMAIN_RUNNING, golibvirt.DOMAIN_BLOCKED:
		return virt.Running
	case golibvirt.DOMAIN_PAUSED:
		return virt.Paused
	case golibvirt.DOMAIN_SHUTDOWN, golibvirt.DOMAIN_SHUTOFF:
		return virt.Shutdown
	case golibvirt.DOMAIN_CRASHED:
		return virt.Crashed
	case golibvirt.DOMAIN_PMSUSPENDED:
		return virt.Suspended
	}
	return virt.NoState
}

// Info reports the guest's power state and size.
func (d *Driver) Info(ctx context.Context, uuid string) (virt.InstanceInfo, error) {
	var info virt.InstanceInfo
	err := d.withDomain(uuid, "get the state of", func(dom *golibvirt.Domain) error {
		var err error
		info, err = domainInfo(dom)
		return err
	})
	return info, err
}

func domainInfo(dom *golibvirt.Domain) (virt.InstanceInfo, error) {
	di, err := dom.GetInfo()
	if err != nil {
		return virt.InstanceInfo{}, err
	}
	uuid, err := dom.GetUUIDString()
	if err != nil {
		return virt.InstanceInfo{}, err
	}
	name, err := dom.GetName()
	if err != nil {
		return virt.InstanceInfo{}, err
	}
	saved, _ := dom.HasManagedSaveImage(0)
	return virt.InstanceInfo{
		UUID:      uuid,
		Name:      name,
		State:     powerState(di.State),
		MaxMemKiB: di.MaxMem,
		MemKiB:    di.Memory,
		VCPUs:     int(di.NrVirtCpu),
		CPUTime:   time.Duration(di.CpuTime),
		Saved:     saved,
	}, nil
}

// ListInstances lists the guests of this driver's instances, with their
// power states: domains carrying nova's metadata whose files live in this
// driver's instances_path. Another nova-compute (or a test) sharing the
// libvirtd keeps its files elsewhere, so its guests are not listed and its
// instances are safe from this host's clean-ups.
func (d *Driver) ListInstances(ctx context.Context) ([]virt.InstanceInfo, error) {
	c, err := d.connect()
	if err != nil {
		return nil, err
	}
	doms, err := c.ListAllDomains(0)
	if err != nil {
		d.dropIfLost(c, err)
		return nil, classify(err, "list", "(all)")
	}
	defer func() {
		for i := range doms {
			doms[i].Free()
		}
	}()
	out := []virt.InstanceInfo{}
	for i := range doms {
		dom := &doms[i]
		if !isInstance(dom) || !d.owns(dom) {
			continue
		}
		info, err := domainInfo(dom)
		if hasCode(err, golibvirt.ERR_NO_DOMAIN) {
			continue // undefined meanwhile
		}
		if err != nil {
			d.dropIfLost(c, err)
			return nil, classify(err, "list", "(all)")
		}
		out = append(out, info)
	}
	return out, nil
}

// isInstance reports whether a domain carries nova's metadata.
func isInstance(dom *golibvirt.Domain) bool {
	_, err := dom.GetMetadata(golibvirt.DOMAIN_METADATA_ELEMENT, NovaNamespace, golibvirt.DOMAIN_AFFECT_CONFIG)
	if err == nil {
		return true
	}
	_, err = dom.GetMetadata(golibvirt.DOMAIN_METADATA_ELEMENT, NovaNamespace, golibvirt.DOMAIN_AFFECT_LIVE)
	return err == nil
}

// owns reports whether the domain's console log is in this driver's
// instances_path.
func (d *Driver) owns(dom *golibvirt.Domain) bool {
	x, err := dom.GetXMLDesc(golibvirt.DOMAIN_XML_INACTIVE)
	if err != nil {
		return false
	}
	uuid, err := dom.GetUUIDString()
	if err != nil {
		return false
	}
	for _, p := range ConsoleLogPaths(x) {
		if p == d.consoleLog(uuid) {
			return true
		}
	}
	return false
}

// ConsoleLogPaths returns the files a domain's serial consoles log to.
func ConsoleLogPaths(domainXML string) []string {
	var dom struct {
		Serials []struct {
			Type   string `xml:"type,attr"`
			Source struct {
				Path string `xml:"path,attr"`
			} `xml:"source"`
			Log struct {
				File string `xml:"file,attr"`
			} `xml:"log"`
		} `xml:"devices>serial"`
	}
	if err := xml.Unmarshal([]byte(domainXML), &dom); err != nil {
		return nil
	}
	var out []string
	for _, s := range dom.Serials {
		if s.Log.File != "" {
			out = append(out, s.Log.File)
		}
		if s.Type == "file" && s.Source.Path != "" {
			out = append(out, s.Source.Path)
		}
	}
	return out
}
