package libvirt

import (
	"context"
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

// ListInstances lists the guests that carry nova's metadata, i.e. that
// belong to instances, with their power states.
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
	out := []virt.InstanceInfo{}
	for i := range doms {
		dom := &doms[i]
		if isInstance(dom) {
			if info, err := domainInfo(dom); err == nil {
				out = append(out, info)
			} else if !hasCode(err, golibvirt.ERR_NO_DOMAIN) {
				for j := i; j < len(doms); j++ {
					doms[j].Free()
				}
				return nil, classify(err, "list", "(all)")
			}
		}
		dom.Free()
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
