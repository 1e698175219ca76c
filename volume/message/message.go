package message

import (
	"context"
	"time"

	"github.com/gostack/gostack/services/rpc"
	"github.com/gostack/gostack/volume/store"
)

// Field is an action or a detail: its id and its words.
type Field struct{ ID, Text string }

// Resource types.
const (
	ResourceVolume   = "VOLUME"
	ResourceSnapshot = "VOLUME_SNAPSHOT"
	ResourceBackup   = "VOLUME_BACKUP"
)

// Actions.
var (
	ActionScheduleAllocate  = Field{"001", "schedule allocate volume"}
	ActionAttach            = Field{"002", "attach volume"}
	ActionCopyVolumeToImage = Field{"003", "copy volume to image"}
	ActionCopyImageToVolume = Field{"005", "copy image to volume"}
	ActionExtend            = Field{"007", "extend volume"}
	ActionCreateFromBackend = Field{"008", "create volume from backend storage"}
	ActionSnapshotCreate    = Field{"009", "create snapshot"}
	ActionSnapshotDelete    = Field{"010", "delete snapshot"}
	ActionReimage           = Field{"016", "reimage volume"}
)

// Details.
var (
	DetailUnknown                = Field{"001", "An unknown error occurred."}
	DetailDriverNotInitialized   = Field{"002", "Driver is not initialized at present."}
	DetailNoBackend              = Field{"003", "Could not find any available weighted backend."}
	DetailFailedToUpload         = Field{"004", "Failed to upload volume to image at backend."}
	DetailQuotaExceed            = Field{"006", "Not enough quota resource for operation."}
	DetailNotEnoughSpaceForImage = Field{"007", "Image used for creating volume exceeds available space."}
	DetailNotifyComputeFailed    = Field{"009", "Compute service failed to extend volume."}
	DetailDriverFailedExtend     = Field{"010", "Volume Driver failed to extend volume."}
	DetailDriverFailedCreate     = Field{"012", "Driver failed to create the volume."}
	DetailSnapshotCreateError    = Field{"013", "Snapshot failed to create."}
	DetailSnapshotDeleteError    = Field{"016", "Snapshot failed to delete."}
	DetailVolumeInvalidState     = Field{"027", "Volume status is invalid."}
	DetailReimageFailed          = Field{"028", "Compute service failed to reimage volume."}
)

var (
	actions = index(ActionScheduleAllocate, ActionAttach, ActionCopyVolumeToImage, ActionCopyImageToVolume,
		ActionExtend, ActionCreateFromBackend, ActionSnapshotCreate, ActionSnapshotDelete, ActionReimage)
	details = index(DetailUnknown, DetailDriverNotInitialized, DetailNoBackend, DetailFailedToUpload,
		DetailQuotaExceed, DetailNotEnoughSpaceForImage, DetailNotifyComputeFailed, DetailDriverFailedExtend, DetailDriverFailedCreate,
		DetailSnapshotCreateError, DetailSnapshotDeleteError, DetailVolumeInvalidState, DetailReimageFailed)
)

func index(fs ...Field) map[string]string {
	m := map[string]string{}
	for _, f := range fs {
		m[f.ID] = f.Text
	}
	return m
}

// TTL is how long a message lives ([DEFAULT] message_ttl, 30 days).
var TTL = 30 * 24 * time.Hour

// EventID is upstream's "VOLUME_<resource>_<action>_<detail>".
func EventID(resourceType, action, detail string) string {
	return "VOLUME_" + resourceType + "_" + action + "_" + detail
}

// UserMessage renders "<action>:<detail>", as cinder's messages API.
func UserMessage(action, detail string) string {
	a, d := actions[action], details[detail]
	if a == "" {
		a = "unknown action"
	}
	if d == "" {
		d = DetailUnknown.Text
	}
	return a + ":" + d // cinder's "%s:%s", no space
}

// Record stores a message for project about a resource; the request id
// comes from the RPC or request context.
func Record(ctx context.Context, db *store.Store, project, resourceType, resource string, action, detail Field) error {
	var reqID *string
	if rc, ok := rpc.FromContext(ctx); ok && rc.RequestID != "" {
		reqID = &rc.RequestID
	}
	return db.CreateMessage(context.WithoutCancel(ctx), store.Message{ProjectID: project, RequestID: reqID,
		ResourceType: resourceType, ResourceUUID: resource, EventID: EventID(resourceType, action.ID, detail.ID),
		ActionID: action.ID, DetailID: detail.ID}, TTL)
}
