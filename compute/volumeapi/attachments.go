package volumeapi

import (
	"context"
	"net/http"

	"github.com/gostack/gostack/services/fault"
)

// Attachment is Cinder's attachment record (3.27+).
type Attachment struct {
	ID             string         `json:"id"`
	Status         string         `json:"status"`
	Instance       string         `json:"instance"`
	VolumeID       string         `json:"volume_id"`
	AttachMode     string         `json:"attach_mode"`
	ConnectionInfo map[string]any `json:"connection_info"`
}

// Driver reads connection_info's driver_volume_type.
func (a Attachment) Driver() string {
	s, _ := a.ConnectionInfo["driver_volume_type"].(string)
	return s
}

// Data is connection_info's data: the connection_info object itself in
// Cinder's attachments API (its keys beside driver_volume_type), or its
// "data" member in the legacy shape.
func (a Attachment) Data() map[string]any {
	if d, ok := a.ConnectionInfo["data"].(map[string]any); ok {
		return d
	}
	return a.ConnectionInfo
}

// Connector is what a compute host tells Cinder about itself (os-brick's
// connector properties); Mountpoint is the device in the guest.
type Connector struct {
	Host       string
	IP         string
	Mountpoint string
}

func (c Connector) body() map[string]any {
	m := map[string]any{"platform": "x86_64", "os_type": "linux", "multipath": false,
		"do_local_attach": false, "host": c.Host, "ip": c.IP}
	if c.Mountpoint != "" {
		m["mountpoint"] = c.Mountpoint
	}
	return m
}

// AttachmentCreate reserves the volume for the instance (no connector: the
// volume becomes "reserved"). A volume already in use elsewhere is refused
// by Cinder (fault.Invalid).
func (c *Client) AttachmentCreate(ctx context.Context, token, volumeID, instanceUUID string) (Attachment, error) {
	var out struct {
		Attachment Attachment `json:"attachment"`
	}
	in := map[string]any{"attachment": map[string]any{"volume_uuid": volumeID, "instance_uuid": instanceUUID}}
	err := c.do(ctx, token, http.MethodPost, "/attachments", in, &out)
	return out.Attachment, err
}

// AttachmentUpdate gives Cinder the host's connector and returns the
// attachment with its connection_info.
func (c *Client) AttachmentUpdate(ctx context.Context, token, id string, conn Connector) (Attachment, error) {
	var out struct {
		Attachment Attachment `json:"attachment"`
	}
	in := map[string]any{"attachment": map[string]any{"connector": conn.body()}}
	err := c.do(ctx, token, http.MethodPut, "/attachments/"+esc(id), in, &out)
	return out.Attachment, err
}

// AttachmentComplete marks the attachment attached (the volume in-use).
func (c *Client) AttachmentComplete(ctx context.Context, token, id string) error {
	return c.do(ctx, token, http.MethodPost, "/attachments/"+esc(id)+"/action", map[string]any{"os-complete": nil}, nil)
}

// AttachmentDelete removes the attachment (the volume becomes available
// when it was the last); one already gone is not an error.
func (c *Client) AttachmentDelete(ctx context.Context, token, id string) error {
	err := c.do(ctx, token, http.MethodDelete, "/attachments/"+esc(id), nil, nil)
	if fault.KindOf(err) == fault.NotFound {
		return nil
	}
	return err
}

// AttachmentGet returns an attachment.
func (c *Client) AttachmentGet(ctx context.Context, token, id string) (Attachment, error) {
	var out struct {
		Attachment Attachment `json:"attachment"`
	}
	err := c.do(ctx, token, http.MethodGet, "/attachments/"+esc(id), nil, &out)
	return out.Attachment, err
}
