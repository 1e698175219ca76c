package ceph

import (
	"context"
	"syscall"

	"github.com/gostack/gostack/services/fault"
)

// Metadata returns the image's key/value metadata (rbd image-meta list).
// Keys prefixed conf_ are librbd options that override the cluster's for
// this image (conf_rbd_qos_iops_limit, ...).
func (i *Image) Metadata(ctx context.Context) (map[string]string, error) {
	if err := errCtx(ctx); err != nil {
		return nil, err
	}
	m, err := i.img.ListMetadata()
	if err != nil {
		return nil, i.c.classify(err, "list the metadata of", describe(i.spec))
	}
	if m == nil {
		m = map[string]string{}
	}
	return m, nil
}

// SetMetadata sets one metadata key of the image (rbd image-meta set).
func (i *Image) SetMetadata(ctx context.Context, key, value string) error {
	if err := errCtx(ctx); err != nil {
		return err
	}
	if i.readOnly {
		return fault.New(fault.Conflict, "RBD %s is open read-only.", describe(i.spec))
	}
	if err := i.img.SetMetadata(key, value); err != nil {
		return i.c.classify(err, "set metadata "+key+" of", describe(i.spec))
	}
	return nil
}

// RemoveMetadata removes one metadata key of the image (rbd image-meta
// remove); a key the image does not have is not an error.
func (i *Image) RemoveMetadata(ctx context.Context, key string) error {
	if err := errCtx(ctx); err != nil {
		return err
	}
	if i.readOnly {
		return fault.New(fault.Conflict, "RBD %s is open read-only.", describe(i.spec))
	}
	if err := i.img.RemoveMetadata(key); err != nil && !isErrno(err, syscall.ENOENT) {
		return i.c.classify(err, "remove metadata "+key+" of", describe(i.spec))
	}
	return nil
}
