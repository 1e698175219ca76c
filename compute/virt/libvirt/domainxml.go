package libvirt

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"strings"
	"time"

	"github.com/gostack/gostack/compute/virt"
	"github.com/gostack/gostack/services/fault"
)

// NovaNamespace is the XML namespace of nova's domain metadata; ListInstances
// treats a domain carrying it as an instance's guest.
const NovaNamespace = "http://openstack.org/xmlns/libvirt/nova/1.1"

// Guest is a plain description of a domain, the input of DomainXML.
type Guest struct {
	VirtType    string // kvm or qemu
	Name        string
	UUID        string
	MemoryMiB   int
	VCPUs       int
	CPUMode     string // host-model, host-passthrough, none ("" = none)
	MachineType string // "" = libvirt's default
	VideoModel  string // "" = virtio
	Disks       []Disk
	Interfaces  []virt.Interface
	// ConsoleLog is the file virtlogd writes the serial console to.
	ConsoleLog string
	// VNCListen is the address VNC listens on (with autoport).
	VNCListen string
	// GuestAgent adds the qemu guest agent's virtio channel
	// (hw_qemu_guest_agent).
	GuestAgent bool

	// For <metadata> and <sysinfo>.
	Meta       virt.Metadata
	FlavorDisk Flavor
	ImageID    string
}

// Flavor is the flavor as nova's metadata records it.
type Flavor struct {
	Name        string
	MemoryMiB   int
	RootGB      int
	SwapMiB     int
	EphemeralGB int
	VCPUs       int
}

// Disk is an RBD network disk.
type Disk struct {
	Pool, Image string
	Dev         string // target device, e.g. vda
	Bus         string // virtio, scsi, sata, ide
	Device      string // disk (default) or cdrom
	Monitors    []Monitor
	AuthUser    string // cephx user without "client."; "" = no auth
	SecretUUID  string // libvirt secret with the user's key
	Serial      string // e.g. a volume id; optional
	ReadOnly    bool
	// Shareable disks (multiattach volumes) may be open in several
	// guests: no host cache.
	Shareable bool
	// BootOrder > 0 boots from this disk first (a rescue disk); the
	// guest then has per-device boot order instead of <os><boot dev>.
	BootOrder int
	// QoS are a volume's front-end QoS specs, the disk's <iotune>
	// (iotune.go).
	QoS map[string]string
}

// Monitor is a Ceph monitor address for <host name port>.
type Monitor struct{ Host, Port string }

// Disk buses and their device name prefixes, as nova's blockinfo assigns.
var busPrefix = map[string]string{"virtio": "vd", "scsi": "sd", "sata": "sd", "usb": "sd", "ide": "hd"}

// DeviceName returns the n-th (0-based) device name on bus: vda, vdb, ...
func DeviceName(bus string, n int) (string, error) {
	p, ok := busPrefix[bus]
	if !ok {
		return "", fault.New(fault.Invalid, "Unsupported disk bus %q: use one of virtio, scsi, sata, ide, usb.", bus)
	}
	if bus == "ide" && n > 3 {
		return "", fault.New(fault.Invalid, "An IDE bus holds at most 4 disks.")
	}
	if n < 0 || n >= 26*27 {
		return "", fmt.Errorf("device index %d out of range", n)
	}
	if n < 26 {
		return p + string(rune('a'+n)), nil
	}
	return p + string(rune('a'+n/26-1)) + string(rune('a'+n%26)), nil
}

// DomainXML renders a guest as libvirt domain XML. It is a pure function.
func DomainXML(g Guest) (string, error) {
	if g.Name == "" || g.UUID == "" || g.MemoryMiB <= 0 || g.VCPUs <= 0 {
		return "", fmt.Errorf("domain xml: name, uuid, memory and vcpus are required (got %q %q %d %d)", g.Name, g.UUID, g.MemoryMiB, g.VCPUs)
	}
	if g.VirtType != "kvm" && g.VirtType != "qemu" {
		return "", fmt.Errorf("domain xml: virt type %q is not kvm or qemu", g.VirtType)
	}
	d := xDomain{
		Type:          g.VirtType,
		Name:          g.Name,
		UUID:          g.UUID,
		Metadata:      xInner{Inner: novaMetadata(g)},
		Memory:        xMemory{Unit: "KiB", Value: uint64(g.MemoryMiB) * 1024},
		CurrentMemory: xMemory{Unit: "KiB", Value: uint64(g.MemoryMiB) * 1024},
		VCPU:          xVCPU{Placement: "static", Value: g.VCPUs},
		CPUTune:       &xCPUTune{Shares: 1024 * g.VCPUs},
		SysInfo: xSysInfo{Type: "smbios", Entries: []xEntry{
			{"manufacturer", "OpenStack Foundation"},
			{"product", "OpenStack Nova"},
			{"version", versionOr(g.Meta.NovaVersion)},
			{"serial", g.UUID},
			{"uuid", g.UUID},
			{"family", "Virtual Machine"},
		}},
		OS: xOS{
			Type:   xOSType{Arch: "x86_64", Machine: g.MachineType, Value: "hvm"},
			Boot:   []xBoot{{Dev: "hd"}},
			SMBIOS: &xSMBIOS{Mode: "sysinfo"},
		},
		Features: xFeatures{ACPI: &struct{}{}, APIC: &struct{}{}},
		Clock: xClock{Offset: "utc", Timers: []xTimer{
			{Name: "pit", TickPolicy: "delay"},
			{Name: "rtc", TickPolicy: "catchup"},
			{Name: "hpet", Present: "no"},
		}},
		OnPoweroff: "destroy",
		OnReboot:   "restart",
		OnCrash:    "destroy",
	}
	d.CPU = guestCPU(g)
	needSCSI := false
	for _, disk := range g.Disks {
		x, err := diskXML(disk)
		if err != nil {
			return "", err
		}
		if disk.Bus == "scsi" {
			needSCSI = true
		}
		if disk.BootOrder > 0 {
			d.OS.Boot = nil // libvirt refuses both kinds of boot order
		}
		d.Devices.Disks = append(d.Devices.Disks, x)
	}
	if needSCSI {
		d.Devices.Controllers = append(d.Devices.Controllers, xController{Type: "scsi", Index: "0", Model: "virtio-scsi"})
	}
	for _, nic := range g.Interfaces {
		d.Devices.Interfaces = append(d.Devices.Interfaces, interfaceXML(nic))
	}
	if g.ConsoleLog != "" {
		d.Devices.Serials = []xChar{{Type: "pty", Log: &xCharLog{File: g.ConsoleLog, Append: "off"}, Target: &xCharTarget{Port: "0"}}}
		d.Devices.Consoles = []xChar{{Type: "pty", Target: &xCharTarget{Type: "serial", Port: "0"}}}
	}
	if g.GuestAgent {
		d.Devices.Channels = []xChannel{{Type: "unix", Target: xChannelTarget{Type: "virtio", Name: "org.qemu.guest_agent.0"}}}
	}
	d.Devices.Inputs = []xInput{{Type: "tablet", Bus: "usb"}}
	listen := g.VNCListen
	if listen == "" {
		listen = "127.0.0.1"
	}
	d.Devices.Graphics = []xGraphics{{Type: "vnc", AutoPort: "yes", Listen: listen}}
	video := g.VideoModel
	if video == "" {
		video = "virtio"
	}
	d.Devices.Videos = []xVideo{{Model: xVideoModel{Type: video}}}
	d.Devices.MemBalloon = &xMemBalloon{Model: "virtio", Stats: &xStats{Period: 10}}
	d.Devices.RNGs = []xRNG{{Model: "virtio", Backend: xRNGBackend{Model: "random", Value: "/dev/urandom"}}}

	var buf bytes.Buffer
	enc := xml.NewEncoder(&buf)
	enc.Indent("", "  ")
	if err := enc.Encode(d); err != nil {
		return "", fmt.Errorf("domain xml: %w", err)
	}
	buf.WriteByte('\n')
	return buf.String(), nil
}

func versionOr(v string) string {
	if v == "" {
		return "26.0.0" // Zed
	}
	return v
}

// guestCPU chooses the CPU element: host-model for kvm unless configured,
// nothing but the topology for qemu (TCG emulates its default model).
func guestCPU(g Guest) *xCPU {
	mode := g.CPUMode
	if mode == "" {
		if g.VirtType == "kvm" {
			mode = "host-model"
		} else {
			mode = "none"
		}
	}
	c := &xCPU{Topology: &xTopology{Sockets: g.VCPUs, Cores: 1, Threads: 1}}
	switch mode {
	case "host-model":
		c.Mode, c.Match = "host-model", "exact"
	case "host-passthrough":
		c.Mode = "host-passthrough"
	}
	return c
}

func diskXML(d Disk) (xDisk, error) {
	if d.Pool == "" || d.Image == "" || d.Dev == "" {
		return xDisk{}, fmt.Errorf("domain xml: disk needs pool, image and target (got %q/%q %q)", d.Pool, d.Image, d.Dev)
	}
	bus := d.Bus
	if bus == "" {
		bus = "virtio"
	}
	if _, ok := busPrefix[bus]; !ok {
		return xDisk{}, fault.New(fault.Invalid, "Unsupported disk bus %q: use one of virtio, scsi, sata, ide, usb.", bus)
	}
	device := d.Device
	if device == "" {
		device = "disk"
	}
	x := xDisk{
		Type:   "network",
		Device: device,
		Driver: xDiskDriver{Name: "qemu", Type: "raw", Cache: "writeback", Discard: "unmap"},
		Source: xDiskSource{Protocol: "rbd", Name: d.Pool + "/" + d.Image},
		Target: xDiskTarget{Dev: d.Dev, Bus: bus},
		Serial: d.Serial,
	}
	if d.ReadOnly {
		x.ReadOnly = &struct{}{}
	}
	if d.Shareable {
		x.Shareable = &struct{}{}
		x.Driver.Cache = "none"
	}
	if d.BootOrder > 0 {
		x.Boot = &xDiskBoot{Order: d.BootOrder}
	}
	iotune, err := iotuneXML(d.QoS)
	if err != nil {
		return xDisk{}, err
	}
	x.IOTune = iotune
	for _, m := range d.Monitors {
		x.Source.Hosts = append(x.Source.Hosts, xHost{Name: m.Host, Port: m.Port})
	}
	if d.AuthUser != "" {
		if d.SecretUUID == "" {
			return xDisk{}, fmt.Errorf("domain xml: disk %s has an auth user but no secret uuid", d.Dev)
		}
		x.Auth = &xAuth{Username: d.AuthUser, Secret: xSecretRef{Type: "ceph", UUID: d.SecretUUID}}
	}
	return x, nil
}

func interfaceXML(n virt.Interface) xInterface {
	model := n.Model
	if model == "" {
		model = "virtio"
	}
	x := xInterface{Type: "bridge", Model: &xModel{Type: model}}
	if n.MACAddress != "" {
		x.MAC = &xMAC{Address: n.MACAddress}
	}
	if n.Bridge != "" {
		x.Source = &xIfSource{Bridge: n.Bridge}
	}
	if n.TapName != "" {
		x.Target = &xIfTarget{Dev: n.TapName}
	}
	if n.MTU > 0 {
		x.MTU = &xMTU{Size: n.MTU}
	}
	return x
}

// novaMetadata renders nova's <nova:instance> metadata element.
func novaMetadata(g Guest) string {
	var b strings.Builder
	esc := func(s string) string {
		var e bytes.Buffer
		_ = xml.EscapeText(&e, []byte(s))
		return strings.ReplaceAll(e.String(), `"`, "&#34;")
	}
	created := g.Meta.CreatedAt
	if created.IsZero() {
		created = time.Unix(0, 0)
	}
	fmt.Fprintf(&b, `<nova:instance xmlns:nova="%s">`, NovaNamespace)
	fmt.Fprintf(&b, `<nova:package version="%s"/>`, esc(versionOr(g.Meta.NovaVersion)))
	fmt.Fprintf(&b, `<nova:name>%s</nova:name>`, esc(g.Meta.DisplayName))
	fmt.Fprintf(&b, `<nova:creationTime>%s</nova:creationTime>`, created.UTC().Format("2006-01-02 15:04:05"))
	f := g.FlavorDisk
	fmt.Fprintf(&b, `<nova:flavor name="%s"><nova:memory>%d</nova:memory><nova:disk>%d</nova:disk><nova:swap>%d</nova:swap><nova:ephemeral>%d</nova:ephemeral><nova:vcpus>%d</nova:vcpus></nova:flavor>`,
		esc(f.Name), f.MemoryMiB, f.RootGB, f.SwapMiB, f.EphemeralGB, f.VCPUs)
	fmt.Fprintf(&b, `<nova:owner><nova:user uuid="%s">%s</nova:user><nova:project uuid="%s">%s</nova:project></nova:owner>`,
		esc(g.Meta.UserID), esc(g.Meta.UserName), esc(g.Meta.ProjectID), esc(g.Meta.ProjectName))
	if g.ImageID != "" {
		fmt.Fprintf(&b, `<nova:root type="image" uuid="%s"/>`, esc(g.ImageID))
	}
	b.WriteString(`<nova:ports/>`)
	b.WriteString(`</nova:instance>`)
	return b.String()
}

// The XML shapes (a subset of libvirt's domain schema).
type (
	xDomain struct {
		XMLName       xml.Name  `xml:"domain"`
		Type          string    `xml:"type,attr"`
		Name          string    `xml:"name"`
		UUID          string    `xml:"uuid"`
		Metadata      xInner    `xml:"metadata"`
		Memory        xMemory   `xml:"memory"`
		CurrentMemory xMemory   `xml:"currentMemory"`
		VCPU          xVCPU     `xml:"vcpu"`
		CPUTune       *xCPUTune `xml:"cputune"`
		SysInfo       xSysInfo  `xml:"sysinfo"`
		OS            xOS       `xml:"os"`
		Features      xFeatures `xml:"features"`
		CPU           *xCPU     `xml:"cpu"`
		Clock         xClock    `xml:"clock"`
		OnPoweroff    string    `xml:"on_poweroff"`
		OnReboot      string    `xml:"on_reboot"`
		OnCrash       string    `xml:"on_crash"`
		Devices       xDevices  `xml:"devices"`
	}
	xInner struct {
		Inner string `xml:",innerxml"`
	}
	xMemory struct {
		Unit  string `xml:"unit,attr"`
		Value uint64 `xml:",chardata"`
	}
	xVCPU struct {
		Placement string `xml:"placement,attr"`
		Value     int    `xml:",chardata"`
	}
	xCPUTune struct {
		Shares int `xml:"shares"`
	}
	xSysInfo struct {
		Type    string   `xml:"type,attr"`
		Entries []xEntry `xml:"system>entry"`
	}
	xEntry struct {
		Name  string `xml:"name,attr"`
		Value string `xml:",chardata"`
	}
	xOS struct {
		Type   xOSType  `xml:"type"`
		Boot   []xBoot  `xml:"boot"`
		SMBIOS *xSMBIOS `xml:"smbios"`
	}
	xOSType struct {
		Arch    string `xml:"arch,attr,omitempty"`
		Machine string `xml:"machine,attr,omitempty"`
		Value   string `xml:",chardata"`
	}
	xBoot struct {
		Dev string `xml:"dev,attr"`
	}
	xDiskBoot struct {
		Order int `xml:"order,attr"`
	}
	xSMBIOS struct {
		Mode string `xml:"mode,attr"`
	}
	xFeatures struct {
		ACPI *struct{} `xml:"acpi"`
		APIC *struct{} `xml:"apic"`
	}
	xCPU struct {
		Mode     string     `xml:"mode,attr,omitempty"`
		Match    string     `xml:"match,attr,omitempty"`
		Topology *xTopology `xml:"topology"`
	}
	xTopology struct {
		Sockets int `xml:"sockets,attr"`
		Cores   int `xml:"cores,attr"`
		Threads int `xml:"threads,attr"`
	}
	xClock struct {
		Offset string   `xml:"offset,attr"`
		Timers []xTimer `xml:"timer"`
	}
	xTimer struct {
		Name       string `xml:"name,attr"`
		TickPolicy string `xml:"tickpolicy,attr,omitempty"`
		Present    string `xml:"present,attr,omitempty"`
	}
	xDevices struct {
		Disks       []xDisk       `xml:"disk"`
		Controllers []xController `xml:"controller"`
		Interfaces  []xInterface  `xml:"interface"`
		Serials     []xChar       `xml:"serial"`
		Consoles    []xChar       `xml:"console"`
		Channels    []xChannel    `xml:"channel"`
		Inputs      []xInput      `xml:"input"`
		Graphics    []xGraphics   `xml:"graphics"`
		Videos      []xVideo      `xml:"video"`
		MemBalloon  *xMemBalloon  `xml:"memballoon"`
		RNGs        []xRNG        `xml:"rng"`
	}
	xDisk struct {
		XMLName   xml.Name    `xml:"disk"`
		Type      string      `xml:"type,attr"`
		Device    string      `xml:"device,attr"`
		Driver    xDiskDriver `xml:"driver"`
		Auth      *xAuth      `xml:"auth"`
		Source    xDiskSource `xml:"source"`
		Target    xDiskTarget `xml:"target"`
		IOTune    *xIOTune    `xml:"iotune"`
		Boot      *xDiskBoot  `xml:"boot"`
		ReadOnly  *struct{}   `xml:"readonly"`
		Shareable *struct{}   `xml:"shareable"`
		Serial    string      `xml:"serial,omitempty"`
	}
	xDiskDriver struct {
		Name    string `xml:"name,attr"`
		Type    string `xml:"type,attr"`
		Cache   string `xml:"cache,attr,omitempty"`
		Discard string `xml:"discard,attr,omitempty"`
	}
	xAuth struct {
		Username string     `xml:"username,attr"`
		Secret   xSecretRef `xml:"secret"`
	}
	xSecretRef struct {
		Type string `xml:"type,attr"`
		UUID string `xml:"uuid,attr"`
	}
	xDiskSource struct {
		Protocol string  `xml:"protocol,attr"`
		Name     string  `xml:"name,attr"`
		Hosts    []xHost `xml:"host"`
	}
	xHost struct {
		Name string `xml:"name,attr"`
		Port string `xml:"port,attr,omitempty"`
	}
	xDiskTarget struct {
		Dev string `xml:"dev,attr"`
		Bus string `xml:"bus,attr"`
	}
	xController struct {
		Type  string `xml:"type,attr"`
		Index string `xml:"index,attr"`
		Model string `xml:"model,attr,omitempty"`
	}
	xInterface struct {
		Type   string     `xml:"type,attr"`
		MAC    *xMAC      `xml:"mac"`
		Model  *xModel    `xml:"model"`
		Source *xIfSource `xml:"source"`
		Target *xIfTarget `xml:"target"`
		MTU    *xMTU      `xml:"mtu"`
	}
	xMAC struct {
		Address string `xml:"address,attr"`
	}
	xModel struct {
		Type string `xml:"type,attr"`
	}
	xIfSource struct {
		Bridge string `xml:"bridge,attr"`
	}
	xIfTarget struct {
		Dev string `xml:"dev,attr"`
	}
	xMTU struct {
		Size int `xml:"size,attr"`
	}
	xChar struct {
		Type   string       `xml:"type,attr"`
		Log    *xCharLog    `xml:"log"`
		Target *xCharTarget `xml:"target"`
	}
	xCharLog struct {
		File   string `xml:"file,attr"`
		Append string `xml:"append,attr,omitempty"`
	}
	xCharTarget struct {
		Type string `xml:"type,attr,omitempty"`
		Port string `xml:"port,attr"`
	}
	xChannel struct {
		Type   string         `xml:"type,attr"`
		Target xChannelTarget `xml:"target"`
	}
	xChannelTarget struct {
		Type string `xml:"type,attr"`
		Name string `xml:"name,attr"`
	}
	xInput struct {
		Type string `xml:"type,attr"`
		Bus  string `xml:"bus,attr"`
	}
	xGraphics struct {
		Type     string `xml:"type,attr"`
		AutoPort string `xml:"autoport,attr"`
		Listen   string `xml:"listen,attr"`
	}
	xVideo struct {
		Model xVideoModel `xml:"model"`
	}
	xVideoModel struct {
		Type string `xml:"type,attr"`
	}
	xMemBalloon struct {
		Model string  `xml:"model,attr"`
		Stats *xStats `xml:"stats"`
	}
	xStats struct {
		Period int `xml:"period,attr"`
	}
	xRNG struct {
		Model   string      `xml:"model,attr"`
		Backend xRNGBackend `xml:"backend"`
	}
	xRNGBackend struct {
		Model string `xml:"model,attr"`
		Value string `xml:",chardata"`
	}
)

// DiskXML renders one disk element, for hot-plug.
func DiskXML(d Disk) (string, error) {
	x, err := diskXML(d)
	if err != nil {
		return "", err
	}
	out, err := xml.MarshalIndent(x, "", "  ")
	if err != nil {
		return "", err
	}
	return string(out), nil
}
