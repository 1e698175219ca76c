package manager

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"time"

	"github.com/gostack/gostack/services/fault"
	"github.com/gostack/gostack/services/rpc"
	"github.com/gostack/gostack/services/servicegroup"
	"github.com/gostack/gostack/volume/driver"
	"github.com/gostack/gostack/volume/glance"
	"github.com/gostack/gostack/volume/message"
	"github.com/gostack/gostack/volume/nova"
	"github.com/gostack/gostack/volume/rpcapi"
	"github.com/gostack/gostack/volume/store"
)

// Config is one backend's manager settings.
type Config struct {
	Host             string // host@backend
	BackendName      string // volume_backend_name
	AvailabilityZone string
	ReportInterval   time.Duration
	ReservedPercent  int
	MaxOverSubRatio  float64
	TempDir          string // image conversion scratch space
}

// Manager serves one backend.
type Manager struct {
	cfg    Config
	db     *store.Store
	sg     *servicegroup.Store
	rpc    *rpcapi.Client
	glance *glance.Client
	nova   *nova.Client // nil: no notifications
	log    *slog.Logger
	open   func(ctx context.Context) (driver.Driver, error)

	initMu sync.Mutex
	mu     sync.RWMutex
	drv    driver.Driver
	drvErr error
}

// New returns a manager; open connects the backend's driver, and is
// retried until it succeeds (the driver is "not initialized" until then).
func New(cfg Config, db *store.Store, sg *servicegroup.Store, rc *rpcapi.Client, gl *glance.Client,
	open func(ctx context.Context) (driver.Driver, error), log *slog.Logger) *Manager {
	if cfg.ReportInterval <= 0 {
		cfg.ReportInterval = 10 * time.Second
	}
	if cfg.TempDir == "" {
		cfg.TempDir = os.TempDir()
	}
	return &Manager{cfg: cfg, db: db, sg: sg, rpc: rc, glance: gl, open: open,
		log: log.With("backend", cfg.Host)}
}

// driver returns the backend's driver, connecting it first if a message
// arrives before the start-up connection finished or after it failed.
func (m *Manager) driver() (driver.Driver, error) {
	if d := m.current(); d != nil {
		return d, nil
	}
	m.initDriver(context.Background())
	if d := m.current(); d != nil {
		return d, nil
	}
	m.mu.RLock()
	defer m.mu.RUnlock()
	return nil, fault.Wrap(m.drvErr, fault.Unavailable, "Volume driver of %s is not initialized.", m.cfg.Host)
}

func (m *Manager) current() driver.Driver {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return m.drv
}

func (m *Manager) initDriver(ctx context.Context) bool {
	m.initMu.Lock()
	defer m.initMu.Unlock()
	if m.current() != nil {
		return true
	}
	cctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	d, err := m.open(cctx)
	cancel()
	m.mu.Lock()
	defer m.mu.Unlock()
	if err != nil {
		if m.drvErr == nil || m.drvErr.Error() != err.Error() {
			m.log.Error("volume driver failed to initialize", "err", err)
		}
		m.drvErr = err
		return false
	}
	m.drv, m.drvErr = d, nil
	m.log.Info("volume driver initialized")
	return true
}

// Register adds the manager's handlers to its RPC server.
func (m *Manager) Register(s *rpc.Server) {
	s.Register(rpcapi.MethodCreateVolume, rpc.Handle(m.createVolume))
	s.Register(rpcapi.MethodDeleteVolume, rpc.Handle(m.deleteVolume))
	s.Register(rpcapi.MethodCreateSnapshot, rpc.Handle(m.createSnapshot))
	s.Register(rpcapi.MethodDeleteSnapshot, rpc.Handle(m.deleteSnapshot))
	s.Register(rpcapi.MethodExtendVolume, rpc.Handle(m.extendVolume))
	s.Register(rpcapi.MethodCopyVolumeToImage, rpc.Handle(m.copyVolumeToImage))
	s.Register(rpcapi.MethodRetype, rpc.Handle(m.retype))
	s.Register(rpcapi.MethodMigrateVolume, rpc.Handle(m.migrateVolume))
	s.Register(rpcapi.MethodReimage, rpc.Handle(m.reimage))
	s.Register(rpcapi.MethodManageExisting, rpc.Handle(m.manageExisting))             // manage.go
	s.Register(rpcapi.MethodGetManageableVolumes, rpc.Handle(m.getManageableVolumes)) // manage.go
	s.Register(rpcapi.MethodUnmanageVolume, rpc.Handle(m.unmanageVolume))             // manage.go
	s.Register(rpcapi.MethodRevertToSnapshot, rpc.Handle(m.revertToSnapshot))         // revert.go
	s.Register(rpcapi.MethodInitConnection, rpc.Handle(m.initializeConnection))
	s.Register(rpcapi.MethodTerminateConnection, rpc.Handle(m.terminateConnection))
	s.Register(rpcapi.MethodPublishCapabilities, rpc.Handle(func(ctx context.Context, _ struct{}) (struct{}, error) {
		m.report(ctx)
		return struct{}{}, nil
	}))
}

// Run registers the service, recovers interrupted work, then heartbeats
// and reports capabilities until ctx ends.
func (m *Manager) Run(ctx context.Context) error {
	svc, err := m.sg.Register(ctx, servicegroup.Registration{Binary: "cinder-volume", Host: m.cfg.Host,
		Topic: rpcapi.VolumeTopic, Zone: m.cfg.AvailabilityZone})
	if err != nil {
		return err
	}
	go m.sg.Heartbeat(ctx, svc.ID, m.cfg.ReportInterval, m.log)
	m.initDriver(ctx)
	m.recover(ctx)
	m.report(ctx)
	t := time.NewTicker(m.cfg.ReportInterval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
			m.initDriver(ctx)
			m.report(ctx)
		}
	}
}

// report sends the backend's capabilities to the schedulers; an
// uninitialized or failing driver reports nothing, as upstream.
func (m *Manager) report(ctx context.Context) {
	d := m.current()
	if d == nil {
		return
	}
	cctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	st, err := d.Stats(cctx)
	if err != nil {
		m.log.Warn("cannot read backend capacity", "err", err)
		return
	}
	// The RBD driver reports no pools: its one pool is named after the
	// backend (upstream's volume_backend_name, "RBD" when unset), and the
	// allocated capacity is what the volumes of this backend hold.
	pool := m.cfg.BackendName
	if pool == "" {
		pool = "RBD"
	}
	var allocated float64
	if vols, err := m.db.ListVolumes(cctx, store.VolumeFilter{Host: m.cfg.Host}, nil, "", 0); err == nil {
		for _, v := range vols {
			allocated += float64(v.Size)
		}
	}
	caps := rpcapi.Capabilities{Host: m.cfg.Host, VolumeBackendName: m.cfg.BackendName, Pool: pool, AllocatedGB: allocated,
		AvailabilityZone: m.cfg.AvailabilityZone, VendorName: st.VendorName, DriverVersion: st.DriverVersion,
		StorageProtocol: st.StorageProtocol, TotalCapacityGB: st.TotalCapacityGB, FreeCapacityGB: st.FreeCapacityGB,
		ReservedPercentage: m.cfg.ReservedPercent, MaxOverSubRatio: m.cfg.MaxOverSubRatio, ThinProvisioning: true,
		MultiAttach: st.MultiAttach, LocationInfo: st.LocationInfo, Timestamp: time.Now().UTC()}
	if err := m.rpc.ReportCapabilities(cctx, caps); err != nil {
		m.log.Warn("cannot report capabilities", "err", err)
	}
}

// recover is upstream's init_host cleanup: a volume left creating by a
// crash goes to error (its half-made RBD image removed), one left deleting
// is deleted again; snapshots likewise; extending returns to available
// with an error message. Groups and group snapshots of this backend left
// settling are settled (groups.go).
func (m *Manager) recover(ctx context.Context) {
	m.recoverMigrations(ctx) // migrate.go
	m.recoverReverts(ctx)    // revert.go
	defer m.recoverGroups(ctx)
	vols, err := m.db.ListVolumes(ctx, store.VolumeFilter{Host: m.cfg.Host,
		Statuses: []string{"creating", "downloading", "deleting", "extending", "uploading", "retyping", "managing", "unmanaging"}}, nil, "", 0)
	if err != nil {
		m.log.Error("recovery: cannot list volumes", "err", err)
		return
	}
	for _, v := range vols {
		switch v.Status {
		case "creating", "downloading":
			m.log.Warn("recovery: volume was being created when the service stopped; marking it error", "volume", v.ID)
			if d, err := m.driver(); err == nil {
				_ = d.DeleteVolume(ctx, v.ID)
			}
			m.fail(ctx, v.ID, v.ProjectID, message.ActionCreateFromBackend, message.DetailUnknown, fmt.Errorf("service restarted during create"))
			m.settleGroup(ctx, v.GroupID)
		case "deleting":
			go func(id string) { _, _ = m.deleteVolume(ctx, rpcapi.VolumeRef{VolumeID: id}) }(v.ID)
		case "managing":
			// The reference to manage was in the lost request: the
			// storage is left as it is (renamed or not) for the admin.
			m.log.Warn("recovery: volume was being managed when the service stopped; marking it error_managing", "volume", v.ID)
			m.setStatus(ctx, v.ID, "error_managing")
			m.message(ctx, v.ProjectID, v.ID, message.ActionCreateFromBackend, message.DetailUnknown)
		case "unmanaging":
			go func(id string) { _, _ = m.unmanageVolume(ctx, rpcapi.VolumeRef{VolumeID: id}) }(v.ID)
		case "extending":
			m.setStatus(ctx, v.ID, "error_extending")
			m.message(ctx, v.ProjectID, v.ID, message.ActionExtend, message.DetailDriverFailedExtend)
		case "uploading", "retyping":
			st := "available"
			if v.AttachStatus == "attached" {
				st = "in-use"
			}
			m.setStatus(ctx, v.ID, st)
		}
	}
	snaps, err := m.db.ListSnapshots(ctx, store.SnapshotFilter{}, nil, "", 0)
	if err != nil {
		return
	}
	for _, s := range snaps {
		if s.Status != "creating" && s.Status != "deleting" {
			continue
		}
		v, err := m.db.GetVolume(ctx, s.VolumeID)
		if err != nil || rpcapi.BackendOf(v.Host) != m.cfg.Host {
			continue
		}
		if s.Status == "creating" {
			st := "error"
			_, _ = m.db.UpdateSnapshot(ctx, s.ID, nil, store.SnapshotUpdate{Status: &st})
			m.settleGroupSnapshot(ctx, s.GroupSnapshotID)
		} else {
			go func(id string) { _, _ = m.deleteSnapshot(ctx, rpcapi.SnapshotRef{SnapshotID: id}) }(s.ID)
		}
	}
}

func (m *Manager) setStatus(ctx context.Context, id, status string) {
	if _, err := m.db.UpdateVolume(ctx, id, nil, store.VolumeUpdate{Status: &status}); err != nil {
		m.log.Error("cannot record volume status", "volume", id, "status", status, "err", err)
	}
}

func (m *Manager) message(ctx context.Context, project, resource string, action, detail message.Field) {
	if err := message.Record(ctx, m.db, project, message.ResourceVolume, resource, action, detail); err != nil {
		m.log.Error("cannot record user message", "err", err)
	}
}

// fail puts a volume in error and tells its project why.
func (m *Manager) fail(ctx context.Context, id, project string, action, detail message.Field, cause error) {
	m.log.Error("volume operation failed", "volume", id, "action", action.Text, "err", cause)
	// The message first: whoever sees the volume in error can read why.
	m.message(ctx, project, id, action, detail)
	m.setStatus(ctx, id, "error")
}

func detailOf(err error) message.Field {
	if fault.KindOf(err) == fault.Unavailable {
		return message.DetailDriverNotInitialized
	}
	return message.DetailDriverFailedCreate
}

func (m *Manager) createVolume(ctx context.Context, a rpcapi.CreateVolume) (struct{}, error) {
	v, err := m.db.GetVolume(ctx, a.VolumeID)
	if err != nil {
		return struct{}{}, err
	}
	if v.Status != "creating" {
		return struct{}{}, nil // a redelivery of finished work
	}
	defer m.settleGroup(ctx, v.GroupID)
	d, err := m.driver()
	if err != nil {
		m.fail(ctx, v.ID, v.ProjectID, message.ActionCreateFromBackend, message.DetailDriverNotInitialized, err)
		return struct{}{}, nil
	}
	up := store.VolumeUpdate{Launched: true}
	action := message.ActionCreateFromBackend
	switch {
	case v.SnapshotID != nil:
		sn, err2 := m.db.GetSnapshot(ctx, *v.SnapshotID)
		if err = err2; err == nil {
			err = d.CreateFromSnapshot(ctx, v.ID, v.Size, sn.VolumeID, sn.ID)
			if src, e := m.db.GetVolume(ctx, sn.VolumeID); e == nil && src.ImageMetadata != nil {
				up.ImageMetadata, up.Bootable = src.ImageMetadata, ptr(src.Bootable)
			}
		}
	case v.SourceVolID != nil:
		src, err2 := m.db.GetVolume(ctx, *v.SourceVolID)
		if err = err2; err == nil {
			err = d.CreateClone(ctx, v.ID, v.Size, src.ID)
			if src.ImageMetadata != nil {
				up.ImageMetadata = src.ImageMetadata
			}
			up.Bootable = ptr(src.Bootable)
		}
	case v.ImageID != nil:
		action = message.ActionCopyImageToVolume
		var meta map[string]string
		meta, err = m.createFromImage(ctx, d, v)
		if err == nil {
			up.ImageMetadata, up.Bootable = meta, ptr(true)
		}
	default:
		err = d.CreateVolume(ctx, v.ID, v.Size)
	}
	if err == nil {
		// The type's back-end QoS, whatever the volume was made from
		// (qos.go); a failure fails the create, as upstream's.
		err = m.applyQoS(ctx, d, v.ID, v.TypeID)
	}
	if err != nil {
		_ = d.DeleteVolume(context.WithoutCancel(ctx), v.ID)
		detail := detailOf(err)
		if fault.KindOf(err) == fault.Invalid && action == message.ActionCopyImageToVolume {
			detail = message.DetailNotEnoughSpaceForImage
		}
		m.fail(ctx, v.ID, v.ProjectID, action, detail, err)
		return struct{}{}, nil
	}
	st := "available"
	up.Status = &st
	if _, err := m.db.UpdateVolume(ctx, v.ID, []string{"creating", "downloading"}, up); err != nil {
		m.log.Warn("volume created but its record changed meanwhile", "volume", v.ID, "err", err)
	}
	m.log.Info("volume created", "volume", v.ID, "size", v.Size)
	return struct{}{}, nil
}

func ptr[T any](v T) *T { return &v }

// createFromImage clones the image when its data is in this cluster, else
// downloads it (converting to raw with qemu-img when needed).
func (m *Manager) createFromImage(ctx context.Context, d driver.Driver, v store.Volume) (map[string]string, error) {
	im, err := m.glance.Get(ctx, *v.ImageID)
	if err != nil {
		return nil, err
	}
	if im.Status != "active" {
		return nil, fault.New(fault.Invalid, "Image %s is not active.", im.ID)
	}
	meta := map[string]string{}
	for k, val := range im.Properties {
		meta[k] = val
	}
	meta["image_id"], meta["image_name"], meta["checksum"] = im.ID, im.Name, im.Checksum
	meta["container_format"], meta["disk_format"] = im.ContainerFormat, im.DiskFormat
	meta["min_disk"], meta["min_ram"], meta["size"] = fmt.Sprint(im.MinDisk), fmt.Sprint(im.MinRAM), fmt.Sprint(im.Size)
	url := im.DirectURL
	if url == "" && len(im.Locations) > 0 {
		url = im.Locations[0]
	}
	ok, err := d.CloneImage(ctx, v.ID, v.Size, driver.ImageLocation{ImageID: im.ID, URL: url, Size: im.Size, Format: im.DiskFormat})
	if err != nil {
		return nil, err
	}
	if ok {
		return meta, nil
	}
	// Not a clone: upstream's _create_from_image_download shows the volume
	// downloading, and records signature_verified (False: no signature is
	// checked) among the image metadata.
	downloading := "downloading"
	if _, err := m.db.UpdateVolume(ctx, v.ID, []string{"creating"}, store.VolumeUpdate{Status: &downloading}); err != nil {
		return nil, err
	}
	meta["signature_verified"] = "False"
	body, size, err := m.glance.Download(ctx, im.ID)
	if err != nil {
		return nil, err
	}
	defer body.Close()
	if im.DiskFormat == "raw" || im.DiskFormat == "" {
		return meta, d.ImportImage(ctx, v.ID, v.Size, body, size)
	}
	raw, rawSize, cleanup, err := m.convert(ctx, body, im.DiskFormat)
	if err != nil {
		return nil, err
	}
	defer cleanup()
	return meta, d.ImportImage(ctx, v.ID, v.Size, raw, rawSize)
}

// convert writes the download to a scratch file and converts it to raw.
func (m *Manager) convert(ctx context.Context, r io.Reader, format string) (io.Reader, int64, func(), error) {
	dir, err := os.MkdirTemp(m.cfg.TempDir, "cinder-image-")
	if err != nil {
		return nil, 0, nil, err
	}
	cleanup := func() { os.RemoveAll(dir) }
	src := filepath.Join(dir, "src")
	f, err := os.Create(src)
	if err != nil {
		cleanup()
		return nil, 0, nil, err
	}
	if _, err := io.Copy(f, r); err != nil {
		f.Close()
		cleanup()
		return nil, 0, nil, err
	}
	f.Close()
	dst := filepath.Join(dir, "raw")
	out, err := exec.CommandContext(ctx, "qemu-img", "convert", "-f", format, "-O", "raw", src, dst).CombinedOutput()
	if err != nil {
		cleanup()
		return nil, 0, nil, fault.Wrap(fmt.Errorf("qemu-img: %v: %s", err, out), fault.Invalid,
			"Image of disk format %s could not be converted to raw.", format)
	}
	os.Remove(src)
	g, err := os.Open(dst)
	if err != nil {
		cleanup()
		return nil, 0, nil, err
	}
	st, _ := g.Stat()
	return g, st.Size(), func() { g.Close(); cleanup() }, nil
}

// qemuFormats are qemu-img's names of the disk formats an upload may ask
// for (upstream's image_utils.fixup_disk_format and convert_image).
var qemuFormats = map[string]string{"qcow2": "qcow2", "vmdk": "vmdk", "vdi": "vdi", "vhd": "vpc", "vhdx": "vhdx",
	"ploop": "parallels"}

// uploadConverted is upstream's upload_volume for a disk format other than
// raw: the volume's data to a scratch file, converted there by qemu-img,
// and the result uploaded.
func (m *Manager) uploadConverted(ctx context.Context, d driver.Driver, v store.Volume, im rpcapi.ImageMeta) error {
	out, ok := qemuFormats[im.DiskFormat]
	if !ok {
		return fmt.Errorf("disk format %s cannot be made from a volume", im.DiskFormat)
	}
	dir, err := os.MkdirTemp(m.cfg.TempDir, "cinder-upload-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	src, dst := filepath.Join(dir, "volume.raw"), filepath.Join(dir, "image."+im.DiskFormat)
	f, err := os.Create(src)
	if err != nil {
		return err
	}
	if _, err := d.Export(ctx, v.ID, f); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if b, err := exec.CommandContext(ctx, "qemu-img", "convert", "-f", "raw", "-O", out, src, dst).CombinedOutput(); err != nil {
		return fmt.Errorf("qemu-img convert to %s: %v: %s", out, err, b)
	}
	os.Remove(src)
	g, err := os.Open(dst)
	if err != nil {
		return err
	}
	defer g.Close()
	st, err := g.Stat()
	if err != nil {
		return err
	}
	return m.glance.Upload(ctx, im.ID, g, st.Size())
}

func (m *Manager) deleteVolume(ctx context.Context, a rpcapi.VolumeRef) (struct{}, error) {
	v, err := m.db.GetVolume(ctx, a.VolumeID)
	if fault.KindOf(err) == fault.NotFound {
		return struct{}{}, nil
	}
	if err != nil {
		return struct{}{}, err
	}
	defer m.settleGroup(ctx, v.GroupID)
	d, err := m.driver()
	if err != nil && v.LaunchedAt == nil {
		// Never created on the backend (a failed create removes what it
		// made): nothing to clean up there.
		return struct{}{}, m.db.DeleteVolume(ctx, v.ID)
	}
	if err != nil {
		m.log.Error("cannot delete volume: driver not initialized", "volume", v.ID)
		m.setStatus(ctx, v.ID, "error_deleting")
		return struct{}{}, nil
	}
	if a.Cascade {
		snaps, _ := m.db.ListSnapshots(ctx, store.SnapshotFilter{VolumeID: v.ID}, nil, "", 0)
		for _, s := range snaps {
			if err := d.DeleteSnapshot(ctx, v.ID, s.ID); err != nil {
				m.log.Error("cascade delete: snapshot", "snapshot", s.ID, "err", err)
				m.setStatus(ctx, v.ID, "error_deleting")
				return struct{}{}, nil
			}
			_ = m.db.DeleteSnapshot(ctx, s.ID)
		}
	}
	if err := d.DeleteVolume(ctx, v.ID); err != nil {
		m.log.Error("delete volume failed", "volume", v.ID, "err", err)
		m.setStatus(ctx, v.ID, "error_deleting")
		return struct{}{}, nil
	}
	if err := m.db.DeleteVolume(ctx, v.ID); err != nil {
		return struct{}{}, err
	}
	m.log.Info("volume deleted", "volume", v.ID)
	return struct{}{}, nil
}

func (m *Manager) createSnapshot(ctx context.Context, a rpcapi.SnapshotRef) (struct{}, error) {
	s, err := m.db.GetSnapshot(ctx, a.SnapshotID)
	if err != nil {
		return struct{}{}, err
	}
	if s.Status != "creating" {
		return struct{}{}, nil
	}
	defer m.settleGroupSnapshot(ctx, s.GroupSnapshotID)
	st := "available"
	prog := "100%"
	d, err := m.driver()
	if err == nil {
		err = d.CreateSnapshot(ctx, s.VolumeID, s.ID)
	}
	if err != nil {
		m.log.Error("create snapshot failed", "snapshot", s.ID, "err", err)
		st = "error"
		prog = "0%"
		_ = message.Record(ctx, m.db, s.ProjectID, message.ResourceSnapshot, s.ID, message.ActionSnapshotCreate, message.DetailSnapshotCreateError)
	}
	_, err = m.db.UpdateSnapshot(ctx, s.ID, nil, store.SnapshotUpdate{Status: &st, Progress: &prog})
	return struct{}{}, err
}

func (m *Manager) deleteSnapshot(ctx context.Context, a rpcapi.SnapshotRef) (struct{}, error) {
	s, err := m.db.GetSnapshot(ctx, a.SnapshotID)
	if fault.KindOf(err) == fault.NotFound {
		return struct{}{}, nil
	}
	if err != nil {
		return struct{}{}, err
	}
	defer m.settleGroupSnapshot(ctx, s.GroupSnapshotID)
	d, err := m.driver()
	if err == nil {
		err = d.DeleteSnapshot(ctx, s.VolumeID, s.ID)
	}
	if err != nil {
		m.log.Error("delete snapshot failed", "snapshot", s.ID, "err", err)
		st := "error_deleting"
		_, _ = m.db.UpdateSnapshot(ctx, s.ID, nil, store.SnapshotUpdate{Status: &st})
		_ = message.Record(ctx, m.db, s.ProjectID, message.ResourceSnapshot, s.ID, message.ActionSnapshotDelete, message.DetailSnapshotDeleteError)
		return struct{}{}, nil
	}
	return struct{}{}, m.db.DeleteSnapshot(ctx, s.ID)
}

func (m *Manager) extendVolume(ctx context.Context, a rpcapi.ExtendVolume) (struct{}, error) {
	v, err := m.db.GetVolume(ctx, a.VolumeID)
	if err != nil {
		return struct{}{}, err
	}
	d, err := m.driver()
	if err == nil {
		err = d.Extend(ctx, v.ID, a.NewSize)
	}
	if err != nil {
		m.log.Error("extend failed", "volume", v.ID, "err", err)
		m.setStatus(ctx, v.ID, "error_extending")
		m.message(ctx, v.ProjectID, v.ID, message.ActionExtend, message.DetailDriverFailedExtend)
		return struct{}{}, nil
	}
	st := "available"
	if v.AttachStatus == "attached" {
		st = "in-use"
	}
	if _, err := m.db.UpdateVolume(ctx, v.ID, nil, store.VolumeUpdate{Status: &st, Size: &a.NewSize}); err != nil {
		return struct{}{}, err
	}
	if st == "in-use" && m.nova != nil {
		// The guest sees the new size once Nova resizes its disk.
		atts, _ := m.db.ListAttachments(ctx, store.AttachmentFilter{VolumeIDs: []string{v.ID}, Status: "attached"})
		var servers []string
		for _, at := range atts {
			if at.InstanceUUID != nil {
				servers = append(servers, *at.InstanceUUID)
			}
		}
		if err := m.nova.VolumeExtended(ctx, v.ID, servers); err != nil {
			m.log.Error("cannot tell Nova about the extended volume", "volume", v.ID, "err", err)
			m.message(ctx, v.ProjectID, v.ID, message.ActionExtend, message.DetailNotifyComputeFailed)
		}
	}
	return struct{}{}, nil
}

// SetNova makes the manager notify Nova of changes to attached volumes.
func (m *Manager) SetNova(c *nova.Client) { m.nova = c }

func (m *Manager) copyVolumeToImage(ctx context.Context, a rpcapi.CopyVolumeToImage) (struct{}, error) {
	v, err := m.db.GetVolume(ctx, a.VolumeID)
	if err != nil {
		return struct{}{}, err
	}
	back := "available"
	if v.AttachStatus == "attached" {
		back = "in-use"
	}
	d, err := m.driver()
	if err == nil && (a.ImageMeta.DiskFormat == "" || a.ImageMeta.DiskFormat == "raw") {
		pr, pw := io.Pipe()
		go func() {
			_, err := d.Export(ctx, v.ID, pw)
			pw.CloseWithError(err)
		}()
		err = m.glance.Upload(ctx, a.ImageMeta.ID, pr, int64(v.Size)<<30)
		pr.CloseWithError(err)
	} else if err == nil {
		err = m.uploadConverted(ctx, d, v, a.ImageMeta)
	}
	if err != nil {
		m.log.Error("upload to image failed", "volume", v.ID, "image", a.ImageMeta.ID, "err", err)
		_ = m.glance.Delete(context.WithoutCancel(ctx), a.ImageMeta.ID)
		m.message(ctx, v.ProjectID, v.ID, message.ActionCopyVolumeToImage, message.DetailFailedToUpload)
	}
	m.setStatus(ctx, v.ID, back)
	return struct{}{}, nil
}

func (m *Manager) initializeConnection(ctx context.Context, a rpcapi.Connection) (rpcapi.ConnectionInfo, error) {
	v, err := m.db.GetVolume(ctx, a.VolumeID)
	if err != nil {
		return rpcapi.ConnectionInfo{}, err
	}
	d, err := m.driver()
	if err != nil {
		return rpcapi.ConnectionInfo{}, err
	}
	info, err := d.Connection(ctx, v.ID, a.Connector)
	if err != nil {
		return info, err
	}
	mode := "rw"
	if v.ReadOnly() {
		mode = "ro"
	}
	info.Data["access_mode"] = mode
	info.Data["qos_specs"] = nil
	info.Data["encrypted"] = false
	info.Data["cacheable"] = false
	return info, nil
}

func (m *Manager) terminateConnection(ctx context.Context, a rpcapi.Connection) (struct{}, error) {
	return struct{}{}, nil
}
