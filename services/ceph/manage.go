package ceph

import (
	"context"
	"fmt"

	"github.com/ceph/go-ceph/rbd"
)

// Rename gives an image of a pool a new name in the same pool (rbd rename),
// as upstream's RBD driver does when it takes an image into Cinder's care.
func (c *Client) Rename(ctx context.Context, spec Spec, to string) error {
	if err := spec.validImage(); err != nil {
		return err
	}
	io, err := c.ioctx(ctx, spec.Pool)
	if err != nil {
		return err
	}
	defer io.Destroy()
	if err := rbd.GetImage(io, spec.Image).Rename(to); err != nil {
		return c.classify(err, "rename", describe(spec))
	}
	return nil
}

// Watchers lists the clients that have the image open for writing
// ("client.N at addr"); an image with watchers is in use.
func (i *Image) Watchers(ctx context.Context) ([]string, error) {
	if err := errCtx(ctx); err != nil {
		return nil, err
	}
	ws, err := i.img.ListWatchers()
	if err != nil {
		return nil, i.c.classify(err, "list the watchers of", describe(i.spec))
	}
	out := make([]string, 0, len(ws))
	for _, w := range ws {
		out = append(out, fmt.Sprintf("client.%d at %s", w.Id, w.Addr))
	}
	return out, nil
}
