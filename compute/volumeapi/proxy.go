package volumeapi

import (
	"context"
	"net/http"
	"net/url"
)

// The calls behind nova's deprecated volume proxy (os-volumes and
// os-snapshots, microversions 2.1 - 2.35): Cinder's full volume and
// snapshot views, lists of every page, and deletes that report a missing
// resource (nova answers 404 for it) instead of ignoring it.

// VolumeDetail is Cinder's volume view as nova's proxy renders it (nova's
// _untranslate_volume_summary_view): the nullable fields stay nil when
// Cinder sends null.
type VolumeDetail struct {
	ID               string             `json:"id"`
	Status           string             `json:"status"`
	Size             int                `json:"size"`
	AvailabilityZone string             `json:"availability_zone"`
	CreatedAt        string             `json:"created_at"`
	Name             *string            `json:"name"`
	Description      *string            `json:"description"`
	VolumeType       *string            `json:"volume_type"`
	SnapshotID       *string            `json:"snapshot_id"`
	Metadata         map[string]string  `json:"metadata"`
	Attachments      []VolumeAttachment `json:"attachments"`
}

// SnapshotDetail is Cinder's snapshot view as nova's proxy renders it
// (nova's _untranslate_snapshot_summary_view).
type SnapshotDetail struct {
	ID          string  `json:"id"`
	Status      string  `json:"status"`
	Size        int     `json:"size"`
	VolumeID    string  `json:"volume_id"`
	CreatedAt   string  `json:"created_at"`
	Name        *string `json:"name"`
	Description *string `json:"description"`
}

// SnapshotRequest is a snapshot to take (nova's create_snapshot and
// create_snapshot_force); a nil name or description is sent as null.
type SnapshotRequest struct {
	VolumeID    string  `json:"volume_id"`
	Force       bool    `json:"force"`
	Name        *string `json:"name"`
	Description *string `json:"description"`
}

// pageLink is one entry of Cinder's "<collection>_links".
type pageLink struct {
	Rel  string `json:"rel"`
	Href string `json:"href"`
}

func hasNext(links []pageLink) bool {
	for _, l := range links {
		if l.Rel == "next" {
			return true
		}
	}
	return false
}

// pageQuery is the query of the page after the one ending at marker.
func pageQuery(marker string) string {
	if marker == "" {
		return ""
	}
	return "?" + url.Values{"marker": {marker}}.Encode()
}

// ListVolumes returns every volume the caller sees (GET /volumes/detail,
// following Cinder's pages as cinderclient's list does), in Cinder's order.
func (c *Client) ListVolumes(ctx context.Context, token string) ([]VolumeDetail, error) {
	all := []VolumeDetail{}
	marker := ""
	for {
		var page struct {
			Volumes []VolumeDetail `json:"volumes"`
			Links   []pageLink     `json:"volumes_links"`
		}
		if err := c.do(ctx, token, http.MethodGet, "/volumes/detail"+pageQuery(marker), nil, &page); err != nil {
			return nil, err
		}
		all = append(all, page.Volumes...)
		if len(page.Volumes) == 0 || !hasNext(page.Links) {
			return all, nil
		}
		marker = page.Volumes[len(page.Volumes)-1].ID
	}
}

// ShowVolume returns a volume's full view; fault.NotFound when the caller
// cannot see it.
func (c *Client) ShowVolume(ctx context.Context, token, id string) (VolumeDetail, error) {
	var out struct {
		Volume VolumeDetail `json:"volume"`
	}
	err := c.do(ctx, token, http.MethodGet, "/volumes/"+esc(id), nil, &out)
	return out.Volume, err
}

// CreateVolume asks Cinder for a volume, as Create, and returns its full
// view.
func (c *Client) CreateVolume(ctx context.Context, token string, req CreateRequest) (VolumeDetail, error) {
	var out struct {
		Volume VolumeDetail `json:"volume"`
	}
	err := c.do(ctx, token, http.MethodPost, "/volumes", map[string]any{"volume": req}, &out)
	return out.Volume, err
}

// RemoveVolume deletes a volume; unlike Delete, a volume that is not there
// is fault.NotFound.
func (c *Client) RemoveVolume(ctx context.Context, token, id string) error {
	return c.do(ctx, token, http.MethodDelete, "/volumes/"+esc(id), nil, nil)
}

// ListSnapshots returns every snapshot the caller sees (GET
// /snapshots/detail, every page).
func (c *Client) ListSnapshots(ctx context.Context, token string) ([]SnapshotDetail, error) {
	all := []SnapshotDetail{}
	marker := ""
	for {
		var page struct {
			Snapshots []SnapshotDetail `json:"snapshots"`
			Links     []pageLink       `json:"snapshots_links"`
		}
		if err := c.do(ctx, token, http.MethodGet, "/snapshots/detail"+pageQuery(marker), nil, &page); err != nil {
			return nil, err
		}
		all = append(all, page.Snapshots...)
		if len(page.Snapshots) == 0 || !hasNext(page.Links) {
			return all, nil
		}
		marker = page.Snapshots[len(page.Snapshots)-1].ID
	}
}

// ShowSnapshot returns a snapshot's full view; fault.NotFound when the
// caller cannot see it.
func (c *Client) ShowSnapshot(ctx context.Context, token, id string) (SnapshotDetail, error) {
	var out struct {
		Snapshot SnapshotDetail `json:"snapshot"`
	}
	err := c.do(ctx, token, http.MethodGet, "/snapshots/"+esc(id), nil, &out)
	return out.Snapshot, err
}

// NewSnapshot snapshots a volume (POST /snapshots) and returns the
// snapshot's full view; it is "creating" when this returns.
func (c *Client) NewSnapshot(ctx context.Context, token string, req SnapshotRequest) (SnapshotDetail, error) {
	var out struct {
		Snapshot SnapshotDetail `json:"snapshot"`
	}
	err := c.do(ctx, token, http.MethodPost, "/snapshots", map[string]any{"snapshot": req}, &out)
	return out.Snapshot, err
}

// RemoveSnapshot deletes a snapshot; unlike DeleteSnapshot, a snapshot
// that is not there is fault.NotFound.
func (c *Client) RemoveSnapshot(ctx context.Context, token, id string) error {
	return c.do(ctx, token, http.MethodDelete, "/snapshots/"+esc(id), nil, nil)
}
