package rbd

import (
	"context"
	"fmt"
	"strings"

	"github.com/gostack/gostack/services/ceph"
	"github.com/gostack/gostack/services/fault"
	"github.com/gostack/gostack/volume/driver"
	"github.com/gostack/gostack/volume/rpcapi"
)

// storageProtocol is what RBD backends report, and what a destination
// must report for a driver-assisted migration.
const storageProtocol = "ceph"

// LocationInfo is upstream's RBD location_info for a cluster of id fsid,
// cluster:conf:fsid:user:pool, which backends report so that a migration
// can tell whether the destination is the same cluster, and which pool.
func (d *Driver) LocationInfo(fsid string) string {
	return strings.Join([]string{d.clusterName(), d.cfg.CephConf, fsid, d.cfg.User, d.cfg.Pool}, ":")
}

func (d *Driver) clusterName() string {
	if d.cfg.ClusterName == "" {
		return "ceph"
	}
	return d.cfg.ClusterName
}

// location is a parsed location_info.
type location struct{ cluster, conf, fsid, user, pool string }

func parseLocation(s string) (location, bool) {
	f := strings.Split(s, ":")
	if len(f) != 5 || f[2] == "" || f[4] == "" {
		return location{}, false
	}
	return location{cluster: f[0], conf: f[1], fsid: f[2], user: f[3], pool: f[4]}, true
}

func refuse(format string, args ...any) error {
	return fmt.Errorf("%w: %s", driver.ErrCannotMigrate, fmt.Sprintf(format, args...))
}

// MigrateVolume is upstream's RBD migrate_volume. The destination must be
// an RBD backend of the same cluster (its location_info names our fsid).
// In the same pool nothing moves: only the volume's host changes. To
// another pool the image is copied there (rbd_copy, through a connection
// as the destination's user when it differs from ours) and the original
// removed; an attached volume is refused then, as upstream, which would
// fall back to its generic migration (Nova's swap_volume) where we have
// none.
//
// It is safe to repeat: a copy left in the destination pool by an
// interrupted attempt is replaced, and a move that finished before the
// volume's record changed (the image is only in the destination pool) is
// reported done. A failure leaves the volume where it was and nothing in
// the destination pool; a source that cannot be removed after the copy
// keeps the volume on the source (the copy is removed again).
func (d *Driver) MigrateVolume(ctx context.Context, id string, attached bool, dest rpcapi.Destination) error {
	if dest.StorageProtocol != storageProtocol {
		return refuse("the destination %s is not an RBD backend (storage protocol %q)", dest.Host, dest.StorageProtocol)
	}
	loc, ok := parseLocation(dest.LocationInfo)
	if !ok {
		return refuse("the destination %s reports no usable location_info (%q)", dest.Host, dest.LocationInfo)
	}
	fsid, err := d.c.FSID(ctx)
	if err != nil {
		return err
	}
	if loc.fsid != fsid {
		return refuse("migration between Ceph clusters is not supported (%s is in cluster %s, the volume in %s)", dest.Host, loc.fsid, fsid)
	}
	target := d.c
	if loc.conf != d.cfg.CephConf || loc.user != d.cfg.User || loc.cluster != d.clusterName() {
		target, err = ceph.Connect(ctx, ceph.Config{ConfPath: loc.conf, User: loc.user, ClusterName: loc.cluster})
		if err != nil {
			return err
		}
		defer target.Close()
		tfsid, err := target.FSID(ctx)
		if err != nil {
			return err
		}
		if tfsid != fsid {
			return refuse("the destination's connection (%s) reaches cluster %s, not %s", loc.conf, tfsid, fsid)
		}
	}
	if loc.pool == d.cfg.Pool {
		return nil // the same pool: only the volume's host changes
	}
	if attached {
		return refuse("an attached volume cannot move from pool %s to pool %s", d.cfg.Pool, loc.pool)
	}
	src := d.vol(id)
	dst := ceph.ImageSpec(loc.pool, VolumeName(id))
	srcThere, err := d.c.Exists(ctx, src)
	if err != nil {
		return err
	}
	dstThere, err := target.Exists(ctx, dst)
	if err != nil {
		return err
	}
	switch {
	case !srcThere && dstThere:
		return nil // moved by an attempt interrupted before its end was recorded
	case !srcThere:
		return fault.New(fault.NotFound, "RBD image %s of the volume does not exist.", src)
	case dstThere:
		// A copy left by an interrupted attempt: the volume's data is the
		// source's, so the copy is made again.
		if err := target.Remove(ctx, dst, ceph.RemoveOptions{PurgeSnapshots: true}); err != nil && fault.KindOf(err) != fault.NotFound {
			return err
		}
	}
	if err := d.c.Copy(ctx, src, target, dst); err != nil {
		return err
	}
	if err := d.DeleteVolume(ctx, id); err != nil {
		// Upstream keeps both images here; the volume stays on the source
		// instead, whole, and the copy goes.
		still, xerr := d.c.Exists(context.WithoutCancel(ctx), src)
		if xerr == nil && !still {
			return nil // the source went after all: the copy is the volume
		}
		if rerr := target.Remove(context.WithoutCancel(ctx), dst, ceph.RemoveOptions{PurgeSnapshots: true}); rerr != nil && fault.KindOf(rerr) != fault.NotFound {
			return fmt.Errorf("remove the source %s after copying it to %s: %w (and the copy could not be removed: %v)", src, dst, err, rerr)
		}
		return fmt.Errorf("remove the source %s after copying it to %s: %w", src, dst, err)
	}
	return nil
}

var _ driver.Migrator = (*Driver)(nil)
