package libvirt

import (
	"context"
	"encoding/xml"

	golibvirt "libvirt.org/go/libvirt"

	"github.com/gostack/gostack/compute/virt"
	"github.com/gostack/gostack/services/fault"
)

var _ virt.ConsoleProvider = (*Driver)(nil)

// VNCConsole returns the address of the running guest's VNC server, from
// its live definition (the port is chosen when QEMU starts).
func (d *Driver) VNCConsole(ctx context.Context, uuid string) (virt.ConsoleEndpoint, error) {
	var ep virt.ConsoleEndpoint
	err := d.withDomain(uuid, "open the console of", func(dom *golibvirt.Domain) error {
		active, err := dom.IsActive()
		if err != nil {
			return err
		}
		if !active {
			return fault.New(fault.Conflict, "Instance %s is not ready: its guest is not running.", uuid)
		}
		x, err := dom.GetXMLDesc(0)
		if err != nil {
			return err
		}
		ep, err = VNCEndpoint(x)
		return err
	})
	return ep, err
}

// VNCEndpoint reads the VNC listen address and port of a live domain XML.
func VNCEndpoint(domainXML string) (virt.ConsoleEndpoint, error) {
	var dom struct {
		Graphics []struct {
			Type   string `xml:"type,attr"`
			Port   int    `xml:"port,attr"`
			Listen string `xml:"listen,attr"`
		} `xml:"devices>graphics"`
	}
	if err := xml.Unmarshal([]byte(domainXML), &dom); err != nil {
		return virt.ConsoleEndpoint{}, err
	}
	for _, g := range dom.Graphics {
		if g.Type == "vnc" && g.Port > 0 {
			host := g.Listen
			if host == "" || host == "0.0.0.0" {
				host = "127.0.0.1"
			}
			return virt.ConsoleEndpoint{Host: host, Port: g.Port}, nil
		}
	}
	return virt.ConsoleEndpoint{}, fault.New(fault.Conflict, "The guest has no VNC console.")
}
