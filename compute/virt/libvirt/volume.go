package libvirt

import (
	"context"
	"encoding/xml"
	"strings"
	"time"

	golibvirt "libvirt.org/go/libvirt"

	"github.com/gostack/gostack/compute/virt"
	"github.com/gostack/gostack/services/fault"
)

var _ virt.VolumeAttacher = (*Driver)(nil)

// Detaching from a running guest needs the guest's cooperation (PCI
// hot-unplug): the request is repeated every detachRetry until the device
// is gone from the live definition or detachTimeout passes (nova's
// device_detach_attempts and device_detach_timeout).
var (
	detachRetry   = 5 * time.Second
	detachTimeout = 60 * time.Second
)

// domainDisk is a disk as read back from a domain's XML.
type domainDisk struct {
	Device string `xml:"device,attr"`
	Source struct {
		Name string `xml:"name,attr"`
		File string `xml:"file,attr"`
	} `xml:"source"`
	Target struct {
		Dev string `xml:"dev,attr"`
		Bus string `xml:"bus,attr"`
	} `xml:"target"`
	Serial string `xml:"serial"`
}

// DomainDisks reads the disks of a domain XML.
func DomainDisks(domainXML string) ([]domainDisk, error) {
	var dom struct {
		Disks []domainDisk `xml:"devices>disk"`
	}
	if err := xml.Unmarshal([]byte(domainXML), &dom); err != nil {
		return nil, err
	}
	return dom.Disks, nil
}

// disksOf returns the disks of the persistent definition and, for a
// running guest, of the live one.
func disksOf(dom *golibvirt.Domain) (config, live []domainDisk, active bool, err error) {
	return devicesOf(dom, DomainDisks)
}

// devicesOf returns what parse finds in the persistent definition and,
// for a running (or paused) guest, in the live one.
func devicesOf[T any](dom *golibvirt.Domain, parse func(domainXML string) ([]T, error)) (config, live []T, active bool, err error) {
	active, err = dom.IsActive()
	if err != nil {
		return nil, nil, false, err
	}
	x, err := dom.GetXMLDesc(golibvirt.DOMAIN_XML_INACTIVE)
	if err != nil {
		return nil, nil, false, err
	}
	if config, err = parse(x); err != nil {
		return nil, nil, false, err
	}
	if active {
		if x, err = dom.GetXMLDesc(0); err != nil {
			return nil, nil, false, err
		}
		if live, err = parse(x); err != nil {
			return nil, nil, false, err
		}
	}
	return config, live, active, nil
}

func findSerial(disks []domainDisk, serial string) (domainDisk, bool) {
	for _, d := range disks {
		if d.Serial == serial {
			return d, true
		}
	}
	return domainDisk{}, false
}

// AttachVolume hot-plugs an RBD volume into the guest (and its definition,
// so it stays after a restart). The volume's serial is its id, which is how
// the guest (/dev/disk/by-id) and DetachVolume find it again. Cephx: the
// connection's user and secret (defined in libvirt from the user's keyring
// when missing, volumeSecret), else nova's own rbd_user and secret (its
// caps cover the volumes pool).
func (d *Driver) AttachVolume(ctx context.Context, uuid string, vol virt.VolumeConnection) (string, error) {
	if vol.VolumeID == "" {
		return "", fault.New(fault.Invalid, "The volume connection has no volume id.")
	}
	pool, image, ok := strings.Cut(vol.Name, "/")
	if !ok || pool == "" || image == "" {
		return "", fault.New(fault.Invalid, "The volume connection names no RBD image (pool/image): %q.", vol.Name)
	}
	unlock := d.locks.lock(uuid)
	defer unlock()
	user, secret, err := d.volumeAuth(ctx, vol)
	if err != nil {
		return "", err
	}
	mons, err := d.volumeMonitors(ctx, vol)
	if err != nil {
		return "", err
	}
	var device string
	err = d.withDomain(uuid, "attach a volume to", func(dom *golibvirt.Domain) error {
		config, live, active, err := disksOf(dom)
		if err != nil {
			return err
		}
		if disk, ok := findSerial(append(live, config...), vol.VolumeID); ok {
			device = "/dev/" + disk.Target.Dev
			return nil
		}
		bus := vol.Bus
		if bus == "" {
			bus = "virtio"
		}
		dev, err := pickDevice(bus, strings.TrimPrefix(vol.Device, "/dev/"), append(live, config...))
		if err != nil {
			return err
		}
		x, err := DiskXML(Disk{Pool: pool, Image: image, Dev: dev, Bus: bus, Monitors: mons,
			AuthUser: user, SecretUUID: secret, Serial: vol.VolumeID, ReadOnly: vol.ReadOnly, Shareable: vol.Multiattach,
			QoS: vol.QoS})
		if err != nil {
			return err
		}
		flags := golibvirt.DOMAIN_DEVICE_MODIFY_CONFIG
		if active {
			flags |= golibvirt.DOMAIN_DEVICE_MODIFY_LIVE
		}
		if err := dom.AttachDeviceFlags(x, flags); err != nil {
			return err
		}
		device = "/dev/" + dev
		return nil
	})
	if err != nil {
		return "", err
	}
	d.log.InfoContext(ctx, "volume attached", "instance", uuid, "volume", vol.VolumeID, "device", device, "rbd_user", user)
	return device, nil
}

// pickDevice returns the requested device if it is free, else (when none
// was requested) the first free name on the bus.
func pickDevice(bus, want string, used []domainDisk) (string, error) {
	taken := map[string]bool{}
	for _, d := range used {
		taken[d.Target.Dev] = true
	}
	if want != "" {
		if taken[want] {
			return "", fault.New(fault.Conflict, "The device /dev/%s is already in use in the instance.", want)
		}
		if _, ok := busPrefix[bus]; !ok || !strings.HasPrefix(want, busPrefix[bus]) {
			return "", fault.New(fault.Invalid, "The device name /dev/%s does not fit the %s bus.", want, bus)
		}
		return want, nil
	}
	for i := 0; ; i++ {
		dev, err := DeviceName(bus, i)
		if err != nil {
			return "", fault.Wrap(err, fault.Conflict, "No free device name is left on the instance's %s bus.", bus)
		}
		if !taken[dev] {
			return dev, nil
		}
	}
}

// volumeAuth chooses the cephx user and libvirt secret for a volume.
func (d *Driver) volumeAuth(ctx context.Context, vol virt.VolumeConnection) (user, secret string, err error) {
	if vol.AuthEnabled && vol.SecretUUID != "" && vol.AuthUsername != "" {
		ok, err := d.volumeSecret(ctx, vol.AuthUsername, vol.SecretUUID)
		if err != nil {
			return "", "", err
		}
		if ok {
			return vol.AuthUsername, vol.SecretUUID, nil
		}
	}
	if d.s.RBDUser != "" {
		if err := d.ensureSecret(ctx); err != nil {
			return "", "", err
		}
		return d.s.RBDUser, d.s.SecretUUID, nil
	}
	if vol.AuthEnabled {
		return "", "", fault.New(fault.Unavailable,
			"This compute host has no libvirt secret %s for Ceph user %s and no rbd_user of its own: define the secret or set [libvirt] rbd_user.",
			vol.SecretUUID, vol.AuthUsername)
	}
	return "", "", nil
}

// volumeMonitors returns the connection's monitors, or the cluster's.
func (d *Driver) volumeMonitors(ctx context.Context, vol virt.VolumeConnection) ([]Monitor, error) {
	var mons []Monitor
	for i, h := range vol.Hosts {
		port := "6789"
		if i < len(vol.Ports) && vol.Ports[i] != "" {
			port = vol.Ports[i]
		}
		mons = append(mons, Monitor{Host: h, Port: port})
	}
	if len(mons) > 0 {
		return mons, nil
	}
	addrs, err := d.ceph.MonAddrs(ctx)
	if err != nil {
		return nil, err
	}
	for _, a := range addrs {
		mons = append(mons, Monitor{Host: a.Host, Port: a.Port})
	}
	return mons, nil
}

// DetachVolume unplugs the volume from a running guest, waiting until the
// guest has released it, and removes it from the definition. A volume that
// is not attached is not an error.
func (d *Driver) DetachVolume(ctx context.Context, uuid, volumeID string) error {
	unlock := d.locks.lock(uuid)
	defer unlock()
	err := d.withDomain(uuid, "detach a volume from", func(dom *golibvirt.Domain) error {
		config, live, active, err := disksOf(dom)
		if err != nil {
			return err
		}
		if disk, ok := findSerial(live, volumeID); ok && active {
			if err := detachLive(ctx, dom, disk, volumeID); err != nil {
				return err
			}
		}
		if disk, ok := findSerial(config, volumeID); ok {
			x := serialDiskXML(disk)
			if err := dom.DetachDeviceFlags(x, golibvirt.DOMAIN_DEVICE_MODIFY_CONFIG); err != nil && !hasCode(err, golibvirt.ERR_DEVICE_MISSING) {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	d.log.InfoContext(ctx, "volume detached", "instance", uuid, "volume", volumeID)
	return nil
}

// serialDiskXML is the minimal disk element libvirt matches a detach by.
func serialDiskXML(disk domainDisk) string {
	return `<disk type="network" device="disk"><source protocol="rbd" name="` + xmlAttr(disk.Source.Name) +
		`"/><target dev="` + xmlAttr(disk.Target.Dev) + `" bus="` + xmlAttr(disk.Target.Bus) + `"/></disk>`
}

func xmlAttr(s string) string {
	var b strings.Builder
	_ = xml.EscapeText(&b, []byte(s))
	return strings.ReplaceAll(b.String(), `"`, "&#34;")
}

// detachLive asks the guest to release the disk until it is gone from the
// live definition.
func detachLive(ctx context.Context, dom *golibvirt.Domain, disk domainDisk, volumeID string) error {
	return detachDeviceLive(ctx, dom, serialDiskXML(disk), func(live string) (bool, error) {
		disks, err := DomainDisks(live)
		if err != nil {
			return false, err
		}
		_, ok := findSerial(disks, volumeID)
		return !ok, nil
	}, func() error {
		return fault.New(fault.Conflict,
			"The guest did not release volume %s (device /dev/%s) within %s; try the detach again.", volumeID, disk.Target.Dev, detachTimeout)
	})
}

// detachDeviceLive asks the guest to release the device x (again every
// detachRetry, as nova's device_detach_attempts) until gone says the live
// definition no longer has it, or gives tooLate's error after
// detachTimeout.
func detachDeviceLive(ctx context.Context, dom *golibvirt.Domain, x string, gone func(liveXML string) (bool, error), tooLate func() error) error {
	deadline := time.Now().Add(detachTimeout)
	var lastAsk time.Time
	for {
		if time.Since(lastAsk) >= detachRetry {
			err := dom.DetachDeviceFlags(x, golibvirt.DOMAIN_DEVICE_MODIFY_LIVE)
			if hasCode(err, golibvirt.ERR_DEVICE_MISSING) {
				return nil
			}
			if err != nil && !hasCode(err, golibvirt.ERR_OPERATION_FAILED, golibvirt.ERR_OPERATION_TIMEOUT) {
				return err
			}
			lastAsk = time.Now()
		}
		if err := sleepCtx(ctx, pollInterval); err != nil {
			return err
		}
		lx, err := dom.GetXMLDesc(0)
		if err != nil {
			return err
		}
		if ok, err := gone(lx); err != nil || ok {
			return err
		}
		if time.Now().After(deadline) {
			return tooLate()
		}
	}
}

// ExtendVolume tells a running guest that the volume grew to size bytes.
// A stopped guest sees the new size when it starts.
func (d *Driver) ExtendVolume(ctx context.Context, uuid, volumeID string, size int64) error {
	if size <= 0 {
		return fault.New(fault.Invalid, "A volume's new size must be positive (got %d).", size)
	}
	unlock := d.locks.lock(uuid)
	defer unlock()
	return d.withDomain(uuid, "extend a volume of", func(dom *golibvirt.Domain) error {
		_, live, active, err := disksOf(dom)
		if err != nil || !active {
			return err
		}
		disk, ok := findSerial(live, volumeID)
		if !ok {
			return fault.New(fault.NotFound, "Volume %s is not attached to instance %s.", volumeID, uuid)
		}
		return dom.BlockResize(disk.Target.Dev, uint64(size), golibvirt.DOMAIN_BLOCK_RESIZE_BYTES)
	})
}
