package libvirt

import (
	"context"
	"errors"
	"os"
	"regexp"
	"time"

	golibvirt "libvirt.org/go/libvirt"

	"github.com/gostack/gostack/compute/virt"
	"github.com/gostack/gostack/services/ceph"
	"github.com/gostack/gostack/services/fault"
)

var uuidRE = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

// checkSpec refuses a spec the driver cannot build.
func checkSpec(s virt.InstanceSpec) error {
	switch {
	case !uuidRE.MatchString(s.UUID):
		return fault.New(fault.Invalid, "Instance uuid %q is not a UUID.", s.UUID)
	case s.Name == "":
		return fault.New(fault.Invalid, "Instance %s has no domain name.", s.UUID)
	case s.VCPUs <= 0 || s.MemoryMiB <= 0:
		return fault.New(fault.Invalid, "Instance %s needs at least one vCPU and some memory (got %d vCPUs, %d MiB).", s.UUID, s.VCPUs, s.MemoryMiB)
	case s.RootGB < 0 || s.EphemeralGB < 0 || s.SwapMiB < 0:
		return fault.New(fault.Invalid, "Instance %s has a negative disk size.", s.UUID)
	case s.Image.ID == "" && !s.BootFromVolume:
		return fault.New(fault.Invalid, "Instance %s has no image to boot from.", s.UUID)
	case s.Image.Properties.FirmwareType != "" && s.Image.Properties.FirmwareType != "bios":
		return fault.New(fault.Invalid, "Image %s asks for hw_firmware_type=%s; this compute host boots BIOS guests only.",
			s.Image.ID, s.Image.Properties.FirmwareType)
	}
	return nil
}

// Spawn builds the instance's guest: root, ephemeral and swap disks in
// RBD, the libvirt secret, then defines and starts the domain. A spawn
// repeated for a guest that exists starts it if needed and returns. A
// failed spawn removes what it made.
func (d *Driver) Spawn(ctx context.Context, spec virt.InstanceSpec) (err error) {
	if err := checkSpec(spec); err != nil {
		return err
	}
	unlock := d.locks.lock(spec.UUID)
	defer unlock()
	start := time.Now()
	if err := plugVIFs(ctx, spec.Interfaces); err != nil {
		return err
	}

	c, err := d.connect()
	if err != nil {
		return err
	}
	if dom, lerr := c.LookupDomainByUUIDString(spec.UUID); lerr == nil {
		defer dom.Free()
		active, aerr := dom.IsActive()
		if aerr == nil && active {
			return nil
		}
		return classify(dom.Create(), "start", spec.UUID)
	} else if !hasCode(lerr, golibvirt.ERR_NO_DOMAIN) {
		d.dropIfLost(c, lerr)
		return classify(lerr, "look up", spec.UUID)
	}

	var made createdDisks
	defined := false
	dir := d.instanceDir(spec.UUID)
	defer func() {
		if err == nil {
			return
		}
		// Clean up on a context of our own: the caller's may be what failed.
		cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Minute)
		defer cancel()
		var errs []error
		if defined {
			errs = append(errs, d.undefine(c, spec.UUID))
		}
		errs = append(errs, d.removeMade(cctx, made))
		if rmErr := os.RemoveAll(dir); rmErr != nil {
			errs = append(errs, rmErr)
		}
		if cerr := errors.Join(errs...); cerr != nil {
			d.log.ErrorContext(ctx, "spawn failed and its cleanup failed too; leftovers need removing",
				"instance", spec.UUID, "error", err, "cleanup_error", cerr)
			err = errors.Join(err, cerr)
		}
	}()

	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fault.Wrap(err, fault.Unavailable, "Cannot create the instance directory %s.", dir)
	}
	if err := d.ensureSecret(ctx); err != nil {
		return err
	}
	mons, err := d.ceph.MonAddrs(ctx)
	if err != nil {
		return err
	}
	guest, err := d.guestFor(spec, mons, nil, "")
	if err != nil {
		return err
	}
	if guest.Disks, err = d.withVolumes(ctx, spec, guest.Disks); err != nil {
		return err
	}
	tDisks := time.Now()
	var tRoot time.Time
	if !spec.BootFromVolume {
		if _, err := d.makeRootDisk(ctx, spec, &made); err != nil {
			return err
		}
	}
	tRoot = time.Now()
	if spec.EphemeralGB > 0 {
		if _, err := d.makeEphemeralDisk(ctx, spec, &made); err != nil {
			return err
		}
	}
	if spec.SwapMiB > 0 {
		if _, err := d.makeSwapDisk(ctx, spec, &made); err != nil {
			return err
		}
	}
	if err := d.importConfigDrive(ctx, spec, &made); err != nil {
		return err
	}
	tDefine := time.Now()
	xml, err := DomainXML(guest)
	if err != nil {
		return err
	}
	dom, err := c.DomainDefineXMLFlags(xml, golibvirt.DOMAIN_DEFINE_VALIDATE)
	if err != nil {
		d.dropIfLost(c, err)
		return fault.Wrap(err, fault.Internal, "The hypervisor refused the definition of instance %s.", spec.UUID)
	}
	defined = true
	defer dom.Free()
	tStart := time.Now()
	if err := dom.Create(); err != nil {
		d.dropIfLost(c, err)
		return fault.Wrap(err, fault.Internal, "The hypervisor could not start instance %s.", spec.UUID)
	}
	d.log.InfoContext(ctx, "instance spawned", "instance", spec.UUID, "domain", spec.Name,
		"prepare_ms", tDisks.Sub(start).Milliseconds(), "root_disk_ms", tRoot.Sub(tDisks).Milliseconds(),
		"other_disks_ms", tDefine.Sub(tRoot).Milliseconds(), "define_ms", tStart.Sub(tDefine).Milliseconds(),
		"start_ms", time.Since(tStart).Milliseconds(), "total_ms", time.Since(start).Milliseconds())
	return nil
}

// guestFor describes the instance's guest for DomainXML. Its disks take
// the first device names on the bus that are not reserved (by volumes);
// bootDisk, when set, comes first (a rescue disk).
func (d *Driver) guestFor(spec virt.InstanceSpec, mons []ceph.MonAddr, reserved map[string]bool, bootDisk string) (Guest, error) {
	bus := spec.Image.Properties.DiskBus
	if bus == "" {
		bus = "virtio"
	}
	var monitors []Monitor
	for _, m := range mons {
		monitors = append(monitors, Monitor{Host: m.Host, Port: m.Port})
	}
	var names []string
	if bootDisk != "" {
		names = append(names, bootDisk)
	}
	if !spec.BootFromVolume {
		names = append(names, rootDiskName(spec.UUID))
	}
	if spec.EphemeralGB > 0 {
		names = append(names, ephemeralDiskName(spec.UUID))
	}
	if spec.SwapMiB > 0 {
		names = append(names, swapDiskName(spec.UUID))
	}
	var disks []Disk
	next := 0
	for _, n := range names {
		var dev string
		for {
			var err error
			if dev, err = DeviceName(bus, next); err != nil {
				return Guest{}, err
			}
			next++
			if !reserved[dev] {
				break
			}
		}
		disk := Disk{Pool: d.s.Pool, Image: n, Dev: dev, Bus: bus, Monitors: monitors,
			AuthUser: d.s.RBDUser, SecretUUID: d.s.SecretUUID}
		if n == bootDisk {
			// before any other disk, also a root volume kept on vda
			disk.BootOrder = 1
		}
		disks = append(disks, disk)
	}
	disks = d.withConfigDrive(spec, disks, monitors)
	nics := make([]virt.Interface, len(spec.Interfaces))
	for i, n := range spec.Interfaces {
		if n.Model == "" {
			n.Model = spec.Image.Properties.VIFModel
		}
		nics[i] = n
	}
	return Guest{
		VirtType:    d.s.VirtType,
		Name:        spec.Name,
		UUID:        spec.UUID,
		MemoryMiB:   spec.MemoryMiB,
		VCPUs:       spec.VCPUs,
		CPUMode:     d.s.CPUMode,
		MachineType: spec.Image.Properties.MachineType,
		VideoModel:  spec.Image.Properties.VideoModel,
		Disks:       disks,
		Interfaces:  nics,
		GuestAgent:  spec.Image.Properties.QemuGuestAgent,
		ConsoleLog:  d.consoleLog(spec.UUID),
		Meta:        spec.Metadata,
		FlavorDisk: Flavor{Name: spec.Metadata.FlavorName, MemoryMiB: spec.MemoryMiB, RootGB: spec.RootGB,
			SwapMiB: spec.SwapMiB, EphemeralGB: spec.EphemeralGB, VCPUs: spec.VCPUs},
		ImageID: spec.Image.ID,
	}, nil
}
