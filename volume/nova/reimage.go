package nova

import "context"

// VolumeReimaged sends volume-reimaged for each server the volume is
// attached to (compute microversion 2.93), as cinder's reimage_volume:
// the server's rebuild waits for it. failed sends the event with status
// failed, so the rebuild stops at once instead of at its timeout.
func (c *Client) VolumeReimaged(ctx context.Context, volumeID string, servers []string, failed bool) error {
	if len(servers) == 0 {
		return nil
	}
	status := ""
	if failed {
		status = "failed"
	}
	evs := make([]Event, 0, len(servers))
	for _, s := range servers {
		evs = append(evs, Event{Name: "volume-reimaged", ServerUUID: s, Tag: volumeID, Status: status})
	}
	return c.send(ctx, evs, "2.93")
}
