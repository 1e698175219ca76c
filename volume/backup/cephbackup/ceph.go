package cephbackup

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/gostack/gostack/services/ceph"
	"github.com/gostack/gostack/services/fault"
	"github.com/gostack/gostack/volume/backup"
)

// Cluster says how to reach a pool as one cephx user.
type Cluster struct {
	Pool        string
	User        string
	CephConf    string
	Keyring     string
	ClusterName string
}

// Config is the driver's configuration: the backup pool (backup_ceph_*)
// and, per backend section of cinder.conf, how to reach its volumes.
type Config struct {
	Backup   Cluster
	Backends map[string]Cluster
	// ChunkSize is how much one read or write moves; 8 MiB when zero.
	ChunkSize int
	// InFlight is how many chunks move at once; 4 when zero.
	InFlight int
}

// Driver is the RBD backup driver.
type Driver struct {
	cfg Config

	mu      sync.Mutex
	clients map[Cluster]*ceph.Client
}

// New returns a driver; it connects on first use (and again after a failed
// connection).
func New(cfg Config) *Driver {
	if cfg.ChunkSize <= 0 {
		cfg.ChunkSize = 8 << 20
	}
	if cfg.InFlight <= 0 {
		cfg.InFlight = 4
	}
	return &Driver{cfg: cfg, clients: map[Cluster]*ceph.Client{}}
}

// Container is the backup pool.
func (d *Driver) Container() string { return d.cfg.Backup.Pool }

func (d *Driver) client(ctx context.Context, c Cluster) (*ceph.Client, error) {
	key := c
	key.Pool = ""
	d.mu.Lock()
	defer d.mu.Unlock()
	if cl := d.clients[key]; cl != nil {
		return cl, nil
	}
	cl, err := ceph.Connect(ctx, ceph.Config{ConfPath: c.CephConf, User: c.User, Keyring: c.Keyring, ClusterName: c.ClusterName})
	if err != nil {
		return nil, err
	}
	d.clients[key] = cl
	return cl, nil
}

func (d *Driver) dst(ctx context.Context) (*ceph.Client, error) { return d.client(ctx, d.cfg.Backup) }

func (d *Driver) src(ctx context.Context, backend string) (*ceph.Client, string, error) {
	c, ok := d.cfg.Backends[backend]
	if !ok {
		return nil, "", fault.New(fault.Invalid, "Volume backend %q is not configured for cinder-backup (no [%s] section in enabled_backends).", backend, backend)
	}
	cl, err := d.client(ctx, c)
	return cl, c.Pool, err
}

// Close disconnects.
func (d *Driver) Close() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	var errs []error
	for k, c := range d.clients {
		errs = append(errs, c.Close())
		delete(d.clients, k)
	}
	return errors.Join(errs...)
}

// BaseName is the image holding a volume's backup chain that starts with
// the full backup id, as upstream's Ceph driver names it.
func BaseName(volumeID, backupID string) string {
	return "volume-" + volumeID + ".backup." + backupID
}

// snapName is upstream's backup snapshot name, on both the source volume
// and the backup image.
func snapName(backupID string) string {
	return fmt.Sprintf("backup.%s.snap.%d", backupID, time.Now().UnixNano()/int64(time.Millisecond))
}

func volumeImage(pool, id string) ceph.Spec { return ceph.ImageSpec(pool, "volume-"+id) }

// Backup copies the source into the backup pool: a full backup into a new
// image volume-<vol>.backup.<id>, an incremental one into its parent's
// image, writing only what changed since the parent's source snapshot
// (everything when that snapshot is gone). Either way the result is a
// snapshot of the image named backup.<id>.snap.<ms>.
func (d *Driver) Backup(ctx context.Context, j backup.Job) (backup.Record, error) {
	src, pool, err := d.src(ctx, j.Source.Backend)
	if err != nil {
		return backup.Record{}, err
	}
	dst, err := d.dst(ctx)
	if err != nil {
		return backup.Record{}, err
	}
	vol := volumeImage(pool, j.Source.VolumeID)
	snap := snapName(j.BackupID)
	rec := backup.Record{Snap: snap}
	var read ceph.Spec
	if j.Source.SnapshotID != "" {
		read = vol.WithSnap("snapshot-" + j.Source.SnapshotID)
	} else {
		// A point-in-time copy: read a snapshot, not the live volume.
		read = vol.WithSnap(snap)
		if err := src.CreateSnapshot(ctx, read); err != nil {
			return rec, err
		}
		rec.SourceSnap = snap
	}
	fail := func(err error, created bool) (backup.Record, error) {
		clean := context.WithoutCancel(ctx)
		if rec.SourceSnap != "" {
			_ = src.RemoveSnapshot(clean, read)
		}
		if created {
			_ = dst.Remove(clean, ceph.ImageSpec(d.cfg.Backup.Pool, rec.Image), ceph.RemoveOptions{PurgeSnapshots: true})
		}
		return backup.Record{}, err
	}
	size, err := src.Size(ctx, read)
	if err != nil {
		return fail(err, false)
	}
	if j.Parent == nil {
		rec.Image = BaseName(j.Source.VolumeID, j.BackupID)
		base := ceph.ImageSpec(d.cfg.Backup.Pool, rec.Image)
		if err := dst.Create(ctx, base, size, ceph.CreateOptions{}); err != nil {
			return fail(err, false)
		}
		if err := d.copyExtents(ctx, src, read, "", dst, base, false); err != nil {
			return fail(err, true)
		}
		if err := dst.CreateSnapshot(ctx, base.WithSnap(snap)); err != nil {
			return fail(err, true)
		}
		return rec, nil
	}
	// Incremental: the chain's image, back at the parent's state.
	rec.Image = j.Parent.Image
	base := ceph.ImageSpec(d.cfg.Backup.Pool, rec.Image)
	from := ""
	if j.Parent.SourceSnap != "" && rec.SourceSnap != "" {
		ok, err := src.Exists(ctx, vol.WithSnap(j.Parent.SourceSnap))
		if err != nil {
			return fail(err, false)
		}
		if ok {
			from = j.Parent.SourceSnap
		}
	}
	if from != "" {
		if err := dst.RollbackSnapshot(ctx, base.WithSnap(j.Parent.Snap)); err != nil {
			return fail(err, false)
		}
	}
	img, err := dst.Open(ctx, base)
	if err != nil {
		return fail(err, false)
	}
	cur, err := img.Size(ctx)
	if err == nil && cur != size {
		err = img.Resize(ctx, size, ceph.ResizeOptions{AllowShrink: true})
	}
	if err == nil && from == "" {
		// No diff base: the whole image is rewritten.
		err = img.Discard(ctx, 0, size)
	}
	if cerr := img.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fail(err, false)
	}
	if err := d.copyExtents(ctx, src, read, from, dst, base, true); err != nil {
		return fail(err, false)
	}
	if err := dst.CreateSnapshot(ctx, base.WithSnap(snap)); err != nil {
		return fail(err, false)
	}
	// Only the newest source snapshot is kept, as upstream.
	if from != "" {
		_ = src.RemoveSnapshot(ctx, vol.WithSnap(from))
	}
	return rec, nil
}

// copyExtents copies what changed in from's image since snapshot since
// ("" = everything allocated) into to; with discard, extents that are gone
// are discarded in to (a fresh image needs none of that).
func (d *Driver) copyExtents(ctx context.Context, fc *ceph.Client, from ceph.Spec, since string, tc *ceph.Client, to ceph.Spec, discard bool) error {
	in, err := fc.OpenReadOnly(ctx, from)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := tc.Open(ctx, to)
	if err != nil {
		return err
	}
	extents, err := in.Diff(ctx, since)
	if err != nil {
		out.Close()
		return err
	}
	type piece struct{ off, n uint64 }
	work := make(chan piece)
	errs := make(chan error, d.cfg.InFlight)
	var wg sync.WaitGroup
	cctx, cancel := context.WithCancel(ctx)
	defer cancel()
	for range d.cfg.InFlight {
		wg.Add(1)
		go func() {
			defer wg.Done()
			buf := make([]byte, d.cfg.ChunkSize)
			for p := range work {
				b := buf[:p.n]
				if _, err := in.ReadAt(b, int64(p.off)); err != nil {
					errs <- err
					cancel()
					return
				}
				if !discard && allZero(b) {
					continue // a new image reads as zeros already
				}
				if _, err := out.WriteAt(b, int64(p.off)); err != nil {
					errs <- err
					cancel()
					return
				}
			}
		}()
	}
	var sendErr error
send:
	for _, e := range extents {
		if !e.Exists {
			if discard {
				if sendErr = out.Discard(cctx, e.Offset, e.Length); sendErr != nil {
					break
				}
			}
			continue
		}
		for off := e.Offset; off < e.Offset+e.Length; {
			n := min(uint64(d.cfg.ChunkSize), e.Offset+e.Length-off)
			select {
			case work <- piece{off, n}:
			case <-cctx.Done():
				break send
			}
			off += n
		}
	}
	close(work)
	wg.Wait()
	close(errs)
	err = <-errs
	if err == nil {
		err = sendErr
	}
	if err == nil {
		err = ctx.Err()
	}
	if err == nil {
		err = out.Flush(ctx)
	}
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	return err
}

func allZero(b []byte) bool {
	for _, c := range b {
		if c != 0 {
			return false
		}
	}
	return true
}

// Restore discards the target's first sizeGB GiB and writes the backup's
// data there (read as client backup_ceph_user, written as the backend's
// rbd_user).
func (d *Driver) Restore(ctx context.Context, r backup.Record, t backup.Target, sizeGB int) error {
	dst, err := d.dst(ctx)
	if err != nil {
		return err
	}
	src, pool, err := d.src(ctx, t.Backend)
	if err != nil {
		return err
	}
	from := ceph.SnapSpec(d.cfg.Backup.Pool, r.Image, r.Snap)
	size, err := dst.Size(ctx, from)
	if err != nil {
		return err
	}
	target := volumeImage(pool, t.VolumeID)
	have, err := src.Size(ctx, target)
	if err != nil {
		return err
	}
	if have < size {
		return fault.New(fault.Invalid, "Invalid volume: volume size %d is too small to restore backup of size %d.", have>>30, (size+1<<30-1)>>30)
	}
	img, err := src.Open(ctx, target)
	if err != nil {
		return err
	}
	err = img.Discard(ctx, 0, size)
	if cerr := img.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	return d.copyExtents(ctx, dst, from, "", src, target, true)
}

// Delete removes the backup's snapshot, the chain's image with the full
// backup, and the source snapshot the backup was read from.
func (d *Driver) Delete(ctx context.Context, r backup.Record, base bool, s backup.Source) error {
	dst, err := d.dst(ctx)
	if err != nil {
		return err
	}
	img := ceph.ImageSpec(d.cfg.Backup.Pool, r.Image)
	if base {
		err = dst.Remove(ctx, img, ceph.RemoveOptions{PurgeSnapshots: true})
	} else {
		err = dst.RemoveSnapshot(ctx, img.WithSnap(r.Snap))
	}
	if err != nil && fault.KindOf(err) != fault.NotFound {
		return err
	}
	if r.SourceSnap != "" {
		if src, pool, err := d.src(ctx, s.Backend); err == nil {
			err = src.RemoveSnapshot(ctx, volumeImage(pool, s.VolumeID).WithSnap(r.SourceSnap))
			if err != nil && fault.KindOf(err) != fault.NotFound {
				return err
			}
		}
	}
	return nil
}

// Check finds the backup's snapshot in the backup pool.
func (d *Driver) Check(ctx context.Context, r backup.Record) error {
	dst, err := d.dst(ctx)
	if err != nil {
		return err
	}
	spec := ceph.SnapSpec(d.cfg.Backup.Pool, r.Image, r.Snap)
	ok, err := dst.Exists(ctx, spec)
	if err == nil && !ok {
		err = fault.New(fault.NotFound, "The data of the backup (RBD %s) does not exist.", spec)
	}
	return err
}

// Abandon removes a full backup's image and the source snapshots named
// after the backup, whatever an interrupted Backup left.
func (d *Driver) Abandon(ctx context.Context, j backup.Job) error {
	var errs []error
	if j.Parent == nil {
		if dst, err := d.dst(ctx); err != nil {
			errs = append(errs, err)
		} else if err := dst.Remove(ctx, ceph.ImageSpec(d.cfg.Backup.Pool, BaseName(j.Source.VolumeID, j.BackupID)),
			ceph.RemoveOptions{PurgeSnapshots: true}); err != nil && fault.KindOf(err) != fault.NotFound {
			errs = append(errs, err)
		}
	}
	src, pool, err := d.src(ctx, j.Source.Backend)
	if err != nil {
		return errors.Join(append(errs, err)...)
	}
	vol := volumeImage(pool, j.Source.VolumeID)
	snaps, err := src.ListSnapshots(ctx, vol)
	if err != nil && fault.KindOf(err) != fault.NotFound {
		errs = append(errs, err)
	}
	for _, s := range snaps {
		if strings.HasPrefix(s.Name, "backup."+j.BackupID+".snap.") {
			if err := src.RemoveSnapshot(ctx, vol.WithSnap(s.Name)); err != nil && fault.KindOf(err) != fault.NotFound {
				errs = append(errs, err)
			}
		}
	}
	return errors.Join(errs...)
}

var _ backup.Driver = (*Driver)(nil)
