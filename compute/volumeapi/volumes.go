package volumeapi

import (
	"context"
	"net/http"
	"time"

	"github.com/gostack/gostack/services/fault"
)

// Volume is the part of Cinder's volume view Nova reads.
type Volume struct {
	ID                  string             `json:"id"`
	Name                string             `json:"name"`
	Status              string             `json:"status"`
	Size                int                `json:"size"`
	Multiattach         bool               `json:"multiattach"`
	VolumeType          string             `json:"volume_type"`
	AvailabilityZone    string             `json:"availability_zone"`
	Bootable            string             `json:"bootable"`
	ProjectID           string             `json:"os-vol-tenant-attr:tenant_id"`
	Attachments         []VolumeAttachment `json:"attachments"`
	VolumeImageMetadata map[string]string  `json:"volume_image_metadata"`
}

// VolumeAttachment is one entry of a volume's attachments list.
type VolumeAttachment struct {
	ServerID     string `json:"server_id"`
	AttachmentID string `json:"attachment_id"`
	Device       string `json:"device"`
	HostName     string `json:"host_name"`
}

// AttachedTo reports whether the volume is attached to the server.
func (v Volume) AttachedTo(server string) bool {
	for _, a := range v.Attachments {
		if a.ServerID == server {
			return true
		}
	}
	return false
}

// CreateRequest is a volume to create: from ImageRef, SnapshotID or
// SourceVolID, or blank when none is set.
type CreateRequest struct {
	Size             int               `json:"size"`
	Name             string            `json:"name,omitempty"`
	Description      string            `json:"description,omitempty"`
	ImageRef         string            `json:"imageRef,omitempty"`
	SnapshotID       string            `json:"snapshot_id,omitempty"`
	SourceVolID      string            `json:"source_volid,omitempty"`
	VolumeType       string            `json:"volume_type,omitempty"`
	AvailabilityZone string            `json:"availability_zone,omitempty"`
	Metadata         map[string]string `json:"metadata,omitempty"`
}

// Create asks Cinder for a volume (nova's volume_api.create); it is
// "creating" when this returns.
func (c *Client) Create(ctx context.Context, token string, req CreateRequest) (Volume, error) {
	var out struct {
		Volume Volume `json:"volume"`
	}
	err := c.do(ctx, token, http.MethodPost, "/volumes", map[string]any{"volume": req}, &out)
	return out.Volume, err
}

// Get returns a volume; fault.NotFound when the caller cannot see it.
func (c *Client) Get(ctx context.Context, token, id string) (Volume, error) {
	var out struct {
		Volume Volume `json:"volume"`
	}
	err := c.do(ctx, token, http.MethodGet, "/volumes/"+esc(id), nil, &out)
	return out.Volume, err
}

// Delete deletes a volume; one already gone is not an error.
func (c *Client) Delete(ctx context.Context, token, id string) error {
	err := c.do(ctx, token, http.MethodDelete, "/volumes/"+esc(id), nil, nil)
	if fault.KindOf(err) == fault.NotFound {
		return nil
	}
	return err
}

// PollInterval is how often WaitAvailable asks for the volume's status.
var PollInterval = time.Second

// WaitAvailable polls a volume until it is available (nova's
// _await_block_device_map_created), failing at once when it goes to
// error and with fault.Unavailable after timeout.
func (c *Client) WaitAvailable(ctx context.Context, token, id string, timeout time.Duration) (Volume, error) {
	deadline := time.Now().Add(timeout)
	for {
		v, err := c.Get(ctx, token, id)
		if err != nil {
			return v, err
		}
		switch v.Status {
		case "available":
			return v, nil
		case "error", "error_restoring", "error_extending", "error_deleting":
			return v, fault.New(fault.Invalid, "Volume %s did not finish being created even after we waited: it is in status %s.", id, v.Status)
		}
		if time.Now().After(deadline) {
			return v, fault.New(fault.Unavailable, "Volume %s did not finish being created even after we waited %s; it is still %s.", id, timeout, v.Status)
		}
		select {
		case <-ctx.Done():
			return v, ctx.Err()
		case <-time.After(PollInterval):
		}
	}
}

// Snapshot is the part of Cinder's snapshot view Nova reads.
type Snapshot struct {
	ID       string `json:"id"`
	Status   string `json:"status"`
	Size     int    `json:"size"`
	VolumeID string `json:"volume_id"`
}

// GetSnapshot returns a snapshot.
func (c *Client) GetSnapshot(ctx context.Context, token, id string) (Snapshot, error) {
	var out struct {
		Snapshot Snapshot `json:"snapshot"`
	}
	err := c.do(ctx, token, http.MethodGet, "/snapshots/"+esc(id), nil, &out)
	return out.Snapshot, err
}

// CreateSnapshot snapshots a volume (force: also an in-use one), as nova's
// volume_api.create_snapshot_force.
func (c *Client) CreateSnapshot(ctx context.Context, token, volumeID, name, description string, force bool) (Snapshot, error) {
	var out struct {
		Snapshot Snapshot `json:"snapshot"`
	}
	in := map[string]any{"snapshot": map[string]any{"volume_id": volumeID, "name": name, "description": description, "force": force}}
	err := c.do(ctx, token, http.MethodPost, "/snapshots", in, &out)
	return out.Snapshot, err
}

// DeleteSnapshot deletes a snapshot; one already gone is not an error.
func (c *Client) DeleteSnapshot(ctx context.Context, token, id string) error {
	err := c.do(ctx, token, http.MethodDelete, "/snapshots/"+esc(id), nil, nil)
	if fault.KindOf(err) == fault.NotFound {
		return nil
	}
	return err
}

// WaitSnapshot polls a snapshot until it is available.
func (c *Client) WaitSnapshot(ctx context.Context, token, id string, timeout time.Duration) (Snapshot, error) {
	deadline := time.Now().Add(timeout)
	for {
		s, err := c.GetSnapshot(ctx, token, id)
		if err != nil {
			return s, err
		}
		switch s.Status {
		case "available":
			return s, nil
		case "error", "error_deleting":
			return s, fault.New(fault.Invalid, "Snapshot %s of volume %s failed: it is in status %s.", id, s.VolumeID, s.Status)
		}
		if time.Now().After(deadline) {
			return s, fault.New(fault.Unavailable, "Snapshot %s was not ready after %s; it is still %s.", id, timeout, s.Status)
		}
		select {
		case <-ctx.Done():
			return s, ctx.Err()
		case <-time.After(PollInterval):
		}
	}
}
