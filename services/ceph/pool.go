package ceph

import (
	"context"
	"encoding/json"
	"fmt"
	"syscall"

	"github.com/ceph/go-ceph/rbd"

	"github.com/gostack/gostack/services/fault"
)

// PoolOptions tune EnsurePool when it creates a pool.
type PoolOptions struct {
	// PGNum is the new pool's placement group count; the cluster's
	// osd_pool_default_pg_num when zero.
	PGNum int
}

// CheckPool verifies that a pool exists and is enabled for RBD, as a service
// does at start-up. It needs only read caps on the monitors. A missing pool,
// or one without the "rbd" application, is fault.Unavailable with the
// commands that fix it.
func (c *Client) CheckPool(ctx context.Context, pool string) error {
	if err := errCtx(ctx); err != nil {
		return err
	}
	if _, err := c.conn.GetPoolByName(pool); err != nil {
		if isErrno(err, syscall.ENOENT) {
			return fault.Wrap(err, fault.Unavailable,
				"The Ceph pool %q does not exist (%s): create it with `ceph osd pool create %s` and `rbd pool init %s`.",
				pool, c.where, pool, pool)
		}
		return c.classify(err, "look up", "pool "+pool)
	}
	apps, err := c.poolApplications(ctx, pool)
	if err != nil {
		return err
	}
	if _, ok := apps["rbd"]; !ok {
		return fault.New(fault.Unavailable,
			"The Ceph pool %q is not initialised for RBD (%s): run `rbd pool init %s`.", pool, c.where, pool)
	}
	return nil
}

// EnsurePool creates the pool if it is missing and initialises it for RBD
// (the equivalent of `ceph osd pool create` and `rbd pool init`, which
// enables the "rbd" application). It is idempotent and needs a user allowed
// to create pools; for a user with `profile rbd` caps use CheckPool.
func (c *Client) EnsurePool(ctx context.Context, pool string, opts PoolOptions) error {
	if pool == "" {
		return fault.New(fault.Invalid, "A Ceph pool name must not be empty.")
	}
	if err := errCtx(ctx); err != nil {
		return err
	}
	if _, err := c.conn.GetPoolByName(pool); err != nil {
		if !isErrno(err, syscall.ENOENT) {
			return c.classify(err, "look up", "pool "+pool)
		}
		cmd := map[string]any{"prefix": "osd pool create", "pool": pool}
		if opts.PGNum > 0 {
			cmd["pg_num"] = opts.PGNum
		}
		if _, err := c.monCommand(ctx, cmd); err != nil && !isErrno(err, syscall.EEXIST) {
			return err
		}
		// The new pool reaches this client with the next OSD map.
		if err := c.conn.WaitForLatestOSDMap(); err != nil {
			return c.classify(err, "wait for the OSD map with", "pool "+pool)
		}
	}
	apps, err := c.poolApplications(ctx, pool)
	if err != nil {
		return err
	}
	if _, ok := apps["rbd"]; ok {
		return nil
	}
	io, err := c.ioctx(ctx, pool)
	if err != nil {
		return err
	}
	defer io.Destroy()
	if err := rbd.PoolInit(io, false); err != nil {
		return c.classify(err, "initialise for RBD", "pool "+pool)
	}
	return nil
}

// poolApplications returns the applications enabled on a pool.
func (c *Client) poolApplications(ctx context.Context, pool string) (map[string]json.RawMessage, error) {
	out, err := c.monCommand(ctx, map[string]any{"prefix": "osd pool application get", "pool": pool, "format": "json"})
	if err != nil {
		return nil, err
	}
	apps := map[string]json.RawMessage{}
	if err := json.Unmarshal(out, &apps); err != nil {
		return nil, fmt.Errorf("decode applications of pool %s: %w", pool, err)
	}
	return apps, nil
}

// ListImages returns the names of the RBD images in a pool.
func (c *Client) ListImages(ctx context.Context, pool string) ([]string, error) {
	io, err := c.ioctx(ctx, pool)
	if err != nil {
		return nil, err
	}
	defer io.Destroy()
	names, err := rbd.GetImageNames(io)
	if err != nil {
		return nil, c.classify(err, "list images in", "pool "+pool)
	}
	return names, nil
}
