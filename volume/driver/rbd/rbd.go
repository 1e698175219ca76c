package rbd

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/gostack/gostack/services/ceph"
	"github.com/gostack/gostack/services/fault"
	"github.com/gostack/gostack/volume/driver"
	"github.com/gostack/gostack/volume/rpcapi"
)

const gib = 1 << 30

// Config is a backend section's RBD settings.
type Config struct {
	Pool                string
	User                string
	CephConf            string
	Keyring             string
	ClusterName         string
	SecretUUID          string
	MaxCloneDepth       int
	FlattenFromSnapshot bool
	ChunkSizeMiB        int
	ImagePool           string // where Glance keeps images ("images")
}

// Driver is one RBD backend.
type Driver struct {
	c   *ceph.Client
	cfg Config
}

// Open connects to the cluster as the backend's user and checks its pool.
func Open(ctx context.Context, cfg Config) (*Driver, error) {
	if cfg.ImagePool == "" {
		cfg.ImagePool = "images"
	}
	c, err := ceph.Connect(ctx, ceph.Config{ConfPath: cfg.CephConf, User: cfg.User, Keyring: cfg.Keyring, ClusterName: cfg.ClusterName})
	if err != nil {
		return nil, err
	}
	if err := c.CheckPool(ctx, cfg.Pool); err != nil {
		c.Close()
		return nil, err
	}
	return &Driver{c: c, cfg: cfg}, nil
}

// Close disconnects.
func (d *Driver) Close() error { return d.c.Close() }

// VolumeName is the RBD image of a volume.
func VolumeName(id string) string { return "volume-" + id }

// SnapshotName is the RBD snapshot of a Cinder snapshot.
func SnapshotName(id string) string { return "snapshot-" + id }

// cloneSnapName is the snapshot taken on a source volume to clone it.
func cloneSnapName(dst string) string { return VolumeName(dst) + ".clone_snap" }

func (d *Driver) vol(id string) ceph.Spec { return ceph.ImageSpec(d.cfg.Pool, VolumeName(id)) }

func (d *Driver) opts() ceph.CreateOptions {
	order := 22
	for n := d.cfg.ChunkSizeMiB; n > 1; n >>= 1 {
		order++
	}
	if d.cfg.ChunkSizeMiB <= 0 {
		order = 22
	}
	return ceph.CreateOptions{Order: order}
}

// Stats reports the pool's capacity as upstream's _get_usage_info: free is
// what the pool can still store, total is that plus what it stores.
func (d *Driver) Stats(ctx context.Context) (driver.Stats, error) {
	st, err := d.c.PoolStats(ctx, d.cfg.Pool)
	if err != nil {
		return driver.Stats{}, err
	}
	free := float64(st.MaxAvail) / gib
	total := float64(st.MaxAvail+st.Stored) / gib
	fsid, err := d.c.FSID(ctx)
	if err != nil {
		return driver.Stats{}, err
	}
	return driver.Stats{Pool: d.cfg.Pool, TotalCapacityGB: round2(total), FreeCapacityGB: round2(free),
		StorageProtocol: "ceph", VendorName: "Open Source", DriverVersion: "1.3.0", MultiAttach: true,
		LocationInfo: d.LocationInfo(fsid)}, nil
}

func round2(f float64) float64 { return float64(int64(f*100)) / 100 }

// CreateVolume makes an empty volume (idempotent for a redelivery).
func (d *Driver) CreateVolume(ctx context.Context, id string, sizeGB int) error {
	err := d.c.Create(ctx, d.vol(id), uint64(sizeGB)*gib, d.opts())
	if fault.KindOf(err) == fault.Conflict {
		return d.resizeUp(ctx, id, sizeGB)
	}
	return err
}

func (d *Driver) resizeUp(ctx context.Context, id string, sizeGB int) error {
	size, err := d.c.Size(ctx, d.vol(id))
	if err != nil {
		return err
	}
	if size < uint64(sizeGB)*gib {
		return d.c.Resize(ctx, d.vol(id), uint64(sizeGB)*gib, ceph.ResizeOptions{})
	}
	return nil
}

// CreateFromSnapshot clones the snapshot, flattening when configured or
// past the clone depth.
func (d *Driver) CreateFromSnapshot(ctx context.Context, id string, sizeGB int, srcVolumeID, snapshotID string) error {
	parent := d.vol(srcVolumeID).WithSnap(SnapshotName(snapshotID))
	if err := d.c.Clone(ctx, parent, d.vol(id), d.opts()); err != nil {
		return err
	}
	flatten := d.cfg.FlattenFromSnapshot
	if !flatten {
		depth, err := d.depth(ctx, d.vol(id))
		if err != nil {
			return err
		}
		flatten = depth > d.cfg.MaxCloneDepth
	}
	if flatten {
		if err := d.c.Flatten(ctx, d.vol(id)); err != nil {
			return err
		}
	}
	return d.resizeUp(ctx, id, sizeGB)
}

// depth counts the clone ancestry of spec inside the volume pool.
func (d *Driver) depth(ctx context.Context, spec ceph.Spec) (int, error) {
	n := 0
	for i := 0; i < 64; i++ {
		p, ok, err := d.c.Parent(ctx, spec.Base())
		if err != nil {
			return 0, err
		}
		if !ok || p.Pool != d.cfg.Pool {
			return n, nil
		}
		n++
		spec = p
	}
	return n, nil
}

// CreateClone snapshots the source (volume-<src>@volume-<dst>.clone_snap),
// clones it, and flattens the clone when rbd_max_clone_depth is exceeded,
// dropping the snapshot then, as upstream's create_cloned_volume.
func (d *Driver) CreateClone(ctx context.Context, id string, sizeGB int, srcVolumeID string) error {
	snap := d.vol(srcVolumeID).WithSnap(cloneSnapName(id))
	exists, err := d.c.Exists(ctx, snap)
	if err != nil {
		return err
	}
	if !exists {
		if err := d.c.CreateSnapshot(ctx, snap); err != nil {
			return err
		}
	}
	if err := d.c.ProtectSnapshot(ctx, snap); err != nil && fault.KindOf(err) != fault.Conflict {
		return err
	}
	if err := d.c.Clone(ctx, snap, d.vol(id), d.opts()); err != nil {
		return err
	}
	depth, err := d.depth(ctx, d.vol(id))
	if err != nil {
		return err
	}
	if depth > d.cfg.MaxCloneDepth {
		if err := d.c.Flatten(ctx, d.vol(id)); err != nil {
			return err
		}
		if err := d.c.RemoveSnapshot(ctx, snap); err != nil && fault.KindOf(err) != fault.NotFound {
			return err
		}
	}
	return d.resizeUp(ctx, id, sizeGB)
}

// imageSnap finds the RBD snapshot of a Glance image in this cluster:
// from its location when Glance gave one (rbd://fsid/pool/image/snap, the
// fsid must be ours), else images/<id>@snap if it exists.
func (d *Driver) imageSnap(ctx context.Context, loc driver.ImageLocation) (ceph.Spec, bool, error) {
	if strings.HasPrefix(loc.URL, "rbd://") {
		parts := strings.Split(strings.TrimPrefix(loc.URL, "rbd://"), "/")
		if len(parts) != 4 {
			return ceph.Spec{}, false, nil
		}
		fsid, err := d.c.FSID(ctx)
		if err != nil {
			return ceph.Spec{}, false, err
		}
		if parts[0] != fsid {
			return ceph.Spec{}, false, nil
		}
		spec := ceph.SnapSpec(parts[1], parts[2], parts[3])
		ok, err := d.c.Exists(ctx, spec)
		return spec, ok && err == nil, nil
	}
	if loc.URL != "" {
		return ceph.Spec{}, false, nil
	}
	spec := ceph.SnapSpec(d.cfg.ImagePool, loc.ImageID, "snap")
	ok, err := d.c.Exists(ctx, spec)
	if err != nil {
		// No access to the image pool means no clone, not a failure.
		return ceph.Spec{}, false, nil
	}
	return spec, ok, nil
}

// CloneImage clones a raw image's snapshot when it is in this cluster.
func (d *Driver) CloneImage(ctx context.Context, id string, sizeGB int, loc driver.ImageLocation) (bool, error) {
	if loc.Format != "" && loc.Format != "raw" {
		return false, nil
	}
	parent, ok, err := d.imageSnap(ctx, loc)
	if err != nil || !ok {
		return false, err
	}
	if err := d.c.Clone(ctx, parent, d.vol(id), d.opts()); err != nil {
		return false, err
	}
	return true, d.resizeUp(ctx, id, sizeGB)
}

// ImportImage writes raw data into a new volume and grows it to sizeGB.
func (d *Driver) ImportImage(ctx context.Context, id string, sizeGB int, r io.Reader, size int64) error {
	if size > int64(sizeGB)*gib {
		return fault.New(fault.Invalid, "Image virtual size is %d GiB and doesn't fit in a volume of size %d GiB.", (size+gib-1)/gib, sizeGB)
	}
	exists, err := d.c.Exists(ctx, d.vol(id))
	if err != nil {
		return err
	}
	if exists { // a redelivered request: start over
		if err := d.c.Remove(ctx, d.vol(id), ceph.RemoveOptions{PurgeSnapshots: true}); err != nil {
			return err
		}
	}
	if _, err := d.c.Import(ctx, d.vol(id), r, ceph.ImportOptions{Size: size, Create: d.opts(),
		Stream: ceph.StreamOptions{SkipZeros: true}}); err != nil {
		return err
	}
	return d.resizeUp(ctx, id, sizeGB)
}

// Export writes the volume's data to w.
func (d *Driver) Export(ctx context.Context, id string, w io.Writer) (int64, error) {
	return d.c.Export(ctx, d.vol(id), w, ceph.ExportOptions{})
}

// DeleteVolume removes the volume. Clones of its snapshots (volumes made
// from it or from its snapshots) are flattened first so they keep working.
func (d *Driver) DeleteVolume(ctx context.Context, id string) error {
	spec := d.vol(id)
	snaps, err := d.c.ListSnapshots(ctx, spec)
	if fault.KindOf(err) == fault.NotFound {
		return nil
	}
	if err != nil {
		return err
	}
	for _, s := range snaps {
		if err := d.flattenChildren(ctx, spec.WithSnap(s.Name)); err != nil {
			return err
		}
	}
	err = d.c.Remove(ctx, spec, ceph.RemoveOptions{PurgeSnapshots: true})
	if fault.KindOf(err) == fault.NotFound {
		return nil
	}
	return err
}

func (d *Driver) flattenChildren(ctx context.Context, snap ceph.Spec) error {
	kids, err := d.c.Children(ctx, snap)
	if err != nil {
		return err
	}
	for _, k := range kids {
		if err := d.c.Flatten(ctx, k); err != nil && fault.KindOf(err) != fault.NotFound {
			return fmt.Errorf("flatten %s before removing %s: %w", k, snap, err)
		}
	}
	return nil
}

// Extend grows the volume.
func (d *Driver) Extend(ctx context.Context, id string, sizeGB int) error {
	return d.c.Resize(ctx, d.vol(id), uint64(sizeGB)*gib, ceph.ResizeOptions{})
}

// CreateSnapshot takes and protects volume-<vol>@snapshot-<id>.
func (d *Driver) CreateSnapshot(ctx context.Context, volumeID, snapshotID string) error {
	snap := d.vol(volumeID).WithSnap(SnapshotName(snapshotID))
	err := d.c.CreateSnapshot(ctx, snap)
	if err != nil && fault.KindOf(err) != fault.Conflict {
		return err
	}
	if err := d.c.ProtectSnapshot(ctx, snap); err != nil && fault.KindOf(err) != fault.Conflict {
		return err
	}
	return nil
}

// DeleteSnapshot removes the snapshot; volumes cloned from it are
// flattened first so they keep working.
func (d *Driver) DeleteSnapshot(ctx context.Context, volumeID, snapshotID string) error {
	snap := d.vol(volumeID).WithSnap(SnapshotName(snapshotID))
	if err := d.flattenChildren(ctx, snap); err != nil {
		if fault.KindOf(err) == fault.NotFound || errors.Is(err, fault.Of(fault.NotFound)) {
			return nil
		}
		return err
	}
	err := d.c.RemoveSnapshot(ctx, snap)
	if fault.KindOf(err) == fault.NotFound {
		return nil
	}
	return err
}

// Connection is upstream's RBD initialize_connection data.
func (d *Driver) Connection(ctx context.Context, id string, _ map[string]any) (rpcapi.ConnectionInfo, error) {
	mons, err := d.c.MonAddrs(ctx)
	if err != nil {
		return rpcapi.ConnectionInfo{}, err
	}
	hosts, ports := make([]string, 0, len(mons)), make([]string, 0, len(mons))
	for _, m := range mons {
		hosts = append(hosts, m.Host)
		ports = append(ports, m.Port)
	}
	var user, secretUUID any
	if d.cfg.User != "" {
		user = d.cfg.User
	}
	if d.cfg.SecretUUID != "" {
		secretUUID = d.cfg.SecretUUID
	}
	return rpcapi.ConnectionInfo{DriverVolumeType: "rbd", Data: map[string]any{
		"name":          d.cfg.Pool + "/" + VolumeName(id),
		"hosts":         hosts,
		"ports":         ports,
		"cluster_name":  d.cfg.ClusterName,
		"auth_enabled":  d.cfg.User != "",
		"auth_username": user,
		"secret_type":   "ceph",
		"secret_uuid":   secretUUID,
		"volume_id":     id,
		"discard":       true,
	}}, nil
}

var _ driver.Driver = (*Driver)(nil)
