package backup

import (
	"context"
	"encoding/json"
)

// Source is what a backup reads: a volume's current data, or one of its
// Cinder snapshots.
type Source struct {
	VolumeID   string
	Backend    string // backend section of the volume's host (host@backend#pool)
	SnapshotID string // "" for the volume's current data
}

// Record is where a driver keeps one backup's data; it is stored as JSON
// in the backup's service_metadata.
type Record struct {
	Image      string `json:"image"`                 // image in the backup pool holding the chain
	Snap       string `json:"snap"`                  // snapshot of Image that is this backup
	SourceSnap string `json:"source_snap,omitempty"` // snapshot of the source volume read, base of the next incremental

	// What a restore gives the target volume besides its data, as
	// upstream keeps the volume's metadata with a backup.
	Bootable      bool              `json:"bootable,omitempty"`
	ImageMetadata map[string]string `json:"volume_glance_metadata,omitempty"`
}

// ParseRecord reads service_metadata; ok is false when there is none (a
// backup that never stored data).
func ParseRecord(s *string) (Record, bool) {
	var r Record
	if s == nil || *s == "" || json.Unmarshal([]byte(*s), &r) != nil || r.Image == "" {
		return Record{}, false
	}
	return r, true
}

// String is the record's service_metadata.
func (r Record) String() string { b, _ := json.Marshal(r); return string(b) }

// Job is one backup to take.
type Job struct {
	BackupID string
	Source   Source
	// Parent is the record of the backup an incremental builds on; nil for
	// a full backup.
	Parent *Record
}

// Target is the volume a restore writes into.
type Target struct {
	VolumeID string
	Backend  string
}

// Driver stores backups.
type Driver interface {
	// Container is what backups' container field shows (the pool).
	Container() string
	// Backup copies the source; on failure it leaves nothing behind.
	Backup(ctx context.Context, j Job) (Record, error)
	// Restore writes a backup's data over the target volume's first sizeGB
	// GiB.
	Restore(ctx context.Context, r Record, t Target, sizeGB int) error
	// Delete removes a backup's data; base says it is the full backup its
	// chain's image belongs to (no incremental depends on it any more).
	// src names the volume whose SourceSnap to drop, if it still exists.
	Delete(ctx context.Context, r Record, base bool, src Source) error
	// Check says whether a backup's data exists (an imported record).
	Check(ctx context.Context, r Record) error
	// Abandon removes whatever an interrupted Backup of j may have left.
	Abandon(ctx context.Context, j Job) error
	// Close releases the driver's connections.
	Close() error
}
