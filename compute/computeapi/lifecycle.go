package computeapi

import (
	"context"

	"github.com/gostack/gostack/compute/objects"
)

// Methods of the server lifecycle, as nova's compute rpcapi names them.
const (
	MethodSnapshotInstance      = "snapshot_instance"
	MethodRebuildInstance       = "rebuild_instance"
	MethodPrepResize            = "prep_resize"
	MethodResizeInstance        = "resize_instance"
	MethodFinishResize          = "finish_resize"
	MethodConfirmResize         = "confirm_resize"
	MethodRevertResize          = "revert_resize"
	MethodFinishRevertResize    = "finish_revert_resize"
	MethodShelveInstance        = "shelve_instance"
	MethodShelveOffloadInstance = "shelve_offload_instance"
	MethodUnshelveInstance      = "unshelve_instance"
	MethodRescueInstance        = "rescue_instance"
	MethodUnrescueInstance      = "unrescue_instance"
)

// SnapshotInstanceArgs are the arguments of snapshot_instance: the Glance
// image (queued) to fill with the instance's root disk, in pool.
type SnapshotInstanceArgs struct {
	Instance objects.Instance `json:"instance"`
	ImageID  string           `json:"image_id"`
	Pool     string           `json:"pool,omitempty"` // the Glance RBD pool; "" for the default
	// BackupType and Rotation make it createBackup: once the image is
	// active, the instance's backups of that type beyond the Rotation
	// newest are deleted.
	BackupType string `json:"backup_type,omitempty"`
	Rotation   *int   `json:"rotation,omitempty"`
}

// RebuildInstanceArgs are the arguments of rebuild_instance.
type RebuildInstanceArgs struct {
	Instance          objects.Instance             `json:"instance"`
	Image             objects.ImageMeta            `json:"image"` // the new image
	OrigImageRef      string                       `json:"orig_image_ref"`
	PreserveEphemeral bool                         `json:"preserve_ephemeral"`
	BDMs              []objects.BlockDeviceMapping `json:"bdms,omitempty"`
	// AdminPassword is never logged.
	AdminPassword string `json:"admin_password,omitempty"`
	// ReimageBootVolume (2.93) has Cinder write the image over the root
	// volume of a volume-backed instance (nova's reimage_boot_volume).
	ReimageBootVolume bool `json:"reimage_boot_volume,omitempty"`
}

// ResizeArgs are the arguments of prep_resize, resize_instance,
// finish_resize, confirm_resize, revert_resize and finish_revert_resize.
type ResizeArgs struct {
	Instance      objects.Instance  `json:"instance"`
	Migration     objects.Migration `json:"migration"`
	NewFlavor     objects.Flavor    `json:"new_flavor"`
	OldFlavor     objects.Flavor    `json:"old_flavor"`
	CleanShutdown bool              `json:"clean_shutdown"`
	// BDMs are the instance's mappings: a guest defined on another host
	// than its source gets its volumes from them, and their Cinder
	// attachments follow it.
	BDMs []objects.BlockDeviceMapping `json:"bdms,omitempty"`
}

// ShelveInstanceArgs are the arguments of shelve_instance and
// shelve_offload_instance.
type ShelveInstanceArgs struct {
	Instance      objects.Instance `json:"instance"`
	ImageID       string           `json:"image_id,omitempty"` // the <name>-shelved image (queued)
	Pool          string           `json:"pool,omitempty"`
	CleanShutdown bool             `json:"clean_shutdown"`
}

// UnshelveInstanceArgs are the arguments of unshelve_instance: the image
// the disk was kept in and the node the scheduler chose.
type UnshelveInstanceArgs struct {
	Instance objects.Instance  `json:"instance"`
	Image    objects.ImageMeta `json:"image"`
	Node     string            `json:"node"`
	// BDMs are the instance's mappings: its volumes are connected on the
	// host that unshelves it.
	BDMs []objects.BlockDeviceMapping `json:"bdms,omitempty"`
}

// RescueInstanceArgs are the arguments of rescue_instance.
type RescueInstanceArgs struct {
	Instance    objects.Instance  `json:"instance"`
	RescueImage objects.ImageMeta `json:"rescue_image"`
	// RescuePassword is never logged.
	RescuePassword string `json:"rescue_password,omitempty"`
}

func (c *Client) castTo(ctx context.Context, host, method string, args any) error {
	return c.rpc.Cast(ctx, c.target(host), method, args)
}

// SnapshotInstance casts snapshot_instance to the instance's host.
func (c *Client) SnapshotInstance(ctx context.Context, a SnapshotInstanceArgs) error {
	return c.cast(ctx, &a.Instance, MethodSnapshotInstance, a)
}

// RebuildInstance casts rebuild_instance to the instance's host.
func (c *Client) RebuildInstance(ctx context.Context, a RebuildInstanceArgs) error {
	return c.cast(ctx, &a.Instance, MethodRebuildInstance, a)
}

// PrepResize casts prep_resize to the destination host.
func (c *Client) PrepResize(ctx context.Context, host string, a ResizeArgs) error {
	return c.castTo(ctx, host, MethodPrepResize, a)
}

// ResizeInstance casts resize_instance to the source host.
func (c *Client) ResizeInstance(ctx context.Context, host string, a ResizeArgs) error {
	return c.castTo(ctx, host, MethodResizeInstance, a)
}

// FinishResize casts finish_resize to the destination host.
func (c *Client) FinishResize(ctx context.Context, host string, a ResizeArgs) error {
	return c.castTo(ctx, host, MethodFinishResize, a)
}

// ConfirmResize casts confirm_resize to the source host.
func (c *Client) ConfirmResize(ctx context.Context, host string, a ResizeArgs) error {
	return c.castTo(ctx, host, MethodConfirmResize, a)
}

// RevertResize casts revert_resize to the destination host.
func (c *Client) RevertResize(ctx context.Context, host string, a ResizeArgs) error {
	return c.castTo(ctx, host, MethodRevertResize, a)
}

// FinishRevertResize casts finish_revert_resize to the source host.
func (c *Client) FinishRevertResize(ctx context.Context, host string, a ResizeArgs) error {
	return c.castTo(ctx, host, MethodFinishRevertResize, a)
}

// ShelveInstance casts shelve_instance to the instance's host.
func (c *Client) ShelveInstance(ctx context.Context, a ShelveInstanceArgs) error {
	return c.cast(ctx, &a.Instance, MethodShelveInstance, a)
}

// ShelveOffloadInstance casts shelve_offload_instance to the instance's host.
func (c *Client) ShelveOffloadInstance(ctx context.Context, a ShelveInstanceArgs) error {
	return c.cast(ctx, &a.Instance, MethodShelveOffloadInstance, a)
}

// UnshelveInstance casts unshelve_instance to the chosen host.
func (c *Client) UnshelveInstance(ctx context.Context, host string, a UnshelveInstanceArgs) error {
	return c.castTo(ctx, host, MethodUnshelveInstance, a)
}

// RescueInstance casts rescue_instance to the instance's host.
func (c *Client) RescueInstance(ctx context.Context, a RescueInstanceArgs) error {
	return c.cast(ctx, &a.Instance, MethodRescueInstance, a)
}

// UnrescueInstance casts unrescue_instance to the instance's host.
func (c *Client) UnrescueInstance(ctx context.Context, inst objects.Instance) error {
	return c.cast(ctx, &inst, MethodUnrescueInstance, InstanceArgs{Instance: inst})
}
