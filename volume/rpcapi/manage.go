package rpcapi

import "context"

// Methods of cinder's volume manager for managing existing storage.
const (
	MethodManageExisting       = "manage_existing"
	MethodGetManageableVolumes = "get_manageable_volumes"
	MethodUnmanageVolume       = "unmanage_volume" // upstream: delete_volume with unmanage_only
)

// ManageExisting is the argument of manage_existing: the volume row (status
// managing, made by the API) and the backend reference's source-name.
type ManageExisting struct {
	VolumeID string `json:"volume_id"`
	Ref      string `json:"ref"`
}

// ManageableVolume is one entry of get_manageable_volumes, upstream's
// dictionary.
type ManageableVolume struct {
	Reference     map[string]string `json:"reference"`
	Size          int               `json:"size"`
	SafeToManage  bool              `json:"safe_to_manage"`
	ReasonNotSafe *string           `json:"reason_not_safe"`
	CinderID      *string           `json:"cinder_id"`
	ExtraInfo     any               `json:"extra_info"`
}

// ManageExisting casts manage_existing to the backend of host.
func (c *Client) ManageExisting(ctx context.Context, host, volumeID, ref string) error {
	return c.c.Cast(ctx, volumeTarget(host), MethodManageExisting, ManageExisting{VolumeID: volumeID, Ref: ref})
}

// GetManageableVolumes asks the backend of host for its manageable volumes.
func (c *Client) GetManageableVolumes(ctx context.Context, host string) ([]ManageableVolume, error) {
	var out []ManageableVolume
	err := c.c.Call(ctx, volumeTarget(host), MethodGetManageableVolumes, struct{}{}, &out)
	return out, err
}

// UnmanageVolume casts the unmanage of a volume (status unmanaging) to its
// backend: the row goes, the storage stays.
func (c *Client) UnmanageVolume(ctx context.Context, host, volumeID string) error {
	return c.c.Cast(ctx, volumeTarget(host), MethodUnmanageVolume, VolumeRef{VolumeID: volumeID})
}
