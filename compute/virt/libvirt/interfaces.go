package libvirt

import (
	"context"
	"encoding/xml"
	"strings"

	golibvirt "libvirt.org/go/libvirt"

	"github.com/gostack/gostack/compute/virt"
	"github.com/gostack/gostack/services/fault"
)

var _ virt.InterfaceAttacher = (*Driver)(nil)

// domainNIC is a NIC as read back from a domain's XML.
type domainNIC struct {
	MAC struct {
		Address string `xml:"address,attr"`
	} `xml:"mac"`
	Model struct {
		Type string `xml:"type,attr"`
	} `xml:"model"`
}

// DomainNICs reads the NICs of a domain XML.
func DomainNICs(domainXML string) ([]domainNIC, error) {
	var dom struct {
		NICs []domainNIC `xml:"devices>interface"`
	}
	if err := xml.Unmarshal([]byte(domainXML), &dom); err != nil {
		return nil, err
	}
	return dom.NICs, nil
}

func hasMAC(nics []domainNIC, mac string) bool {
	for _, n := range nics {
		if strings.EqualFold(n.MAC.Address, mac) {
			return true
		}
	}
	return false
}

// nicsOf returns the NICs of the persistent definition and, for a
// running (or paused) guest, of the live one.
func nicsOf(dom *golibvirt.Domain) (config, live []domainNIC, active bool, err error) {
	return devicesOf(dom, DomainNICs)
}

// InterfaceXML is the <interface> element of a NIC, as the boot path
// renders it inside the domain.
func InterfaceXML(nic virt.Interface) (string, error) {
	b, err := xml.Marshal(struct {
		XMLName xml.Name `xml:"interface"`
		xInterface
	}{xInterface: interfaceXML(nic)})
	return string(b), err
}

// AttachInterface hot-plugs a NIC: its bridge is made sure of (as at
// boot), then the interface joins the guest live (running or paused)
// and in its definition. Without a model of its own the NIC gets the
// model of the guest's other NICs (the image's hw_vif_model at boot).
func (d *Driver) AttachInterface(ctx context.Context, uuid string, nic virt.Interface) error {
	if nic.MACAddress == "" {
		return fault.New(fault.Invalid, "The interface to attach has no MAC address.")
	}
	unlock := d.locks.lock(uuid)
	defer unlock()
	if err := plugVIFs(ctx, []virt.Interface{nic}); err != nil {
		return err
	}
	err := d.withDomain(uuid, "attach an interface to", func(dom *golibvirt.Domain) error {
		config, live, active, err := nicsOf(dom)
		if err != nil {
			return err
		}
		if nic.Model == "" {
			for _, n := range config {
				if n.Model.Type != "" {
					nic.Model = n.Model.Type
					break
				}
			}
		}
		x, err := InterfaceXML(nic)
		if err != nil {
			return err
		}
		var flags golibvirt.DomainDeviceModifyFlags
		if !hasMAC(config, nic.MACAddress) {
			flags |= golibvirt.DOMAIN_DEVICE_MODIFY_CONFIG
		}
		if active && !hasMAC(live, nic.MACAddress) {
			flags |= golibvirt.DOMAIN_DEVICE_MODIFY_LIVE
		}
		if flags == 0 {
			return nil
		}
		return dom.AttachDeviceFlags(x, flags)
	})
	if err != nil {
		return err
	}
	d.log.InfoContext(ctx, "interface attached", "instance", uuid, "port", nic.ID, "mac", nic.MACAddress, "bridge", nic.Bridge)
	return nil
}

// DetachInterface unplugs a NIC from a running guest, asking again until
// it is gone from the live definition (the guest releases the PCI
// device), and removes it from the definition.
func (d *Driver) DetachInterface(ctx context.Context, uuid string, nic virt.Interface) error {
	unlock := d.locks.lock(uuid)
	defer unlock()
	x, err := InterfaceXML(virt.Interface{MACAddress: nic.MACAddress, Bridge: nic.Bridge})
	if err != nil {
		return err
	}
	err = d.withDomain(uuid, "detach an interface from", func(dom *golibvirt.Domain) error {
		config, live, active, err := nicsOf(dom)
		if err != nil {
			return err
		}
		if active && hasMAC(live, nic.MACAddress) {
			if err := detachNICLive(ctx, dom, x, nic.MACAddress); err != nil {
				return err
			}
		}
		if hasMAC(config, nic.MACAddress) {
			if err := dom.DetachDeviceFlags(x, golibvirt.DOMAIN_DEVICE_MODIFY_CONFIG); err != nil && !hasCode(err, golibvirt.ERR_DEVICE_MISSING) {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	d.log.InfoContext(ctx, "interface detached", "instance", uuid, "port", nic.ID, "mac", nic.MACAddress)
	return nil
}

// detachNICLive asks the guest to release the NIC until it is gone from
// the live definition (nova's detach with device_detach_attempts).
func detachNICLive(ctx context.Context, dom *golibvirt.Domain, x, mac string) error {
	return detachDeviceLive(ctx, dom, x, func(live string) (bool, error) {
		nics, err := DomainNICs(live)
		if err != nil {
			return false, err
		}
		return !hasMAC(nics, mac), nil
	}, func() error {
		return fault.New(fault.Conflict,
			"The guest did not release the interface with MAC %s within %s; try the detach again.", mac, detachTimeout)
	})
}
