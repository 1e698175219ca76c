package ceph

import "context"

// Flatten copies the parent's data into a clone so that it no longer depends
// on its parent snapshot, which can then be unprotected and removed. It
// reads and writes up to the whole image and takes as long; an image that is
// not a clone is left as it is.
func (c *Client) Flatten(ctx context.Context, spec Spec) error {
	if err := spec.validPlain(); err != nil {
		return err
	}
	img, err := c.Open(ctx, spec)
	if err != nil {
		return err
	}
	defer img.Close()
	p, err := img.parent()
	if err != nil || p == nil {
		return err
	}
	if err := errCtx(ctx); err != nil {
		return err
	}
	if err := img.img.Flatten(); err != nil {
		return c.classify(err, "flatten", describe(spec))
	}
	return nil
}
