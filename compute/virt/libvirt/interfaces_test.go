package libvirt

import (
	"testing"

	"github.com/gostack/gostack/compute/virt"
)

// TestInterfaceXML: a hot-plugged NIC is the <interface> the boot path
// puts in the domain (bridge, MAC, tap, model, MTU), and DomainNICs
// reads it back.
func TestInterfaceXML(t *testing.T) {
	nic := virt.Interface{ID: "p1", MACAddress: "fa:16:3e:00:00:01", Bridge: "brq-private", TapName: "tapabcdef01-23", MTU: 1450}
	x, err := InterfaceXML(nic)
	if err != nil {
		t.Fatal(err)
	}
	want := `<interface type="bridge"><mac address="fa:16:3e:00:00:01"></mac><model type="virtio"></model>` +
		`<source bridge="brq-private"></source><target dev="tapabcdef01-23"></target><mtu size="1450"></mtu></interface>`
	if x != want {
		t.Errorf("InterfaceXML:\n got %s\nwant %s", x, want)
	}
	nics, err := DomainNICs(`<domain><devices><interface type="bridge"><mac address="FA:16:3E:00:00:01"/><model type="e1000"/></interface></devices></domain>`)
	if err != nil {
		t.Fatal(err)
	}
	if len(nics) != 1 || !hasMAC(nics, nic.MACAddress) || nics[0].Model.Type != "e1000" {
		t.Errorf("DomainNICs: %+v", nics)
	}
}
