package rpcapi

import "context"

// MethodReimage is cinder's volume manager reimage (volume rpcapi 3.18).
const MethodReimage = "reimage"

// Reimage is the argument of reimage: the volume (status downloading,
// previous_status the status to return to) and the image the API checked.
type Reimage struct {
	VolumeID string `json:"volume_id"`
	ImageID  string `json:"image_id"`
}

// Reimage casts reimage to the volume's backend.
func (c *Client) Reimage(ctx context.Context, host, volumeID, imageID string) error {
	return c.c.Cast(ctx, volumeTarget(host), MethodReimage, Reimage{VolumeID: volumeID, ImageID: imageID})
}
