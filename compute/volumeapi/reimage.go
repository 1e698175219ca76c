package volumeapi

import (
	"context"
	"net/http"
)

// ReimageMicroversion is the volume microversion of os-reimage.
const ReimageMicroversion = "3.68"

// Reimage asks Cinder to write an image over a volume (nova's
// reimage_volume): POST /volumes/{id}/action os-reimage at 3.68. With
// reserved, a volume reserved for its server (a rebuild's root volume) is
// accepted; Cinder sends volume-reimaged to the server when it is done.
func (c *Client) Reimage(ctx context.Context, token, volumeID, imageID string, reserved bool) error {
	body := map[string]any{"os-reimage": map[string]any{"image_id": imageID, "reimage_reserved": reserved}}
	return c.doAt(ctx, token, ReimageMicroversion, http.MethodPost, "/volumes/"+esc(volumeID)+"/action", body, nil)
}
