package api

import (
	"context"
	"encoding/json"
	"net/http"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/gostack/gostack/compute/objects"
	"github.com/gostack/gostack/compute/volumeapi"
	"github.com/gostack/gostack/services/fault"
)

// Block device mappings of POST /servers (nova's block_device_mapping_v2
// schema, BlockDeviceDict.from_api and compute API _validate_bdm): local
// disks (the image root, ephemeral and swap) and volumes (from an image,
// a snapshot, blank, or an existing volume).

// Volumes is what nova-api asks of the block storage service
// (*volumeapi.Client); token is the caller's.
type Volumes interface {
	Get(ctx context.Context, token, id string) (volumeapi.Volume, error)
	GetSnapshot(ctx context.Context, token, id string) (volumeapi.Snapshot, error)
	AttachmentCreate(ctx context.Context, token, volumeID, instanceUUID string) (volumeapi.Attachment, error)
	AttachmentComplete(ctx context.Context, token, id string) error
	AttachmentDelete(ctx context.Context, token, id string) error
	VolumeProxy // os-volumes and os-snapshots (volume_proxy.go)
}

var _ Volumes = (*volumeapi.Client)(nil)

// SetVolumes gives the API the block storage service (boot from volume,
// os-volume_attachments). Without it volumes are refused.
func (a *API) SetVolumes(v Volumes) { a.volumes = v }

func bdmInvalid(format string, args ...any) error {
	return invalid("Block Device Mapping is Invalid: "+format, args...)
}

var bdmUUID = regexp.MustCompile(`^[a-zA-Z0-9._-]*$`)
var bootIndexRE = regexp.MustCompile(`^-?[0-9]+$`)

// bdmKeys are block_device_mapping_v2's properties at the request's
// microversion.
func bdmKeys(r *http.Request) []string {
	keys := []string{"source_type", "destination_type", "uuid", "device_name", "volume_size", "disk_bus",
		"device_type", "guest_format", "boot_index", "delete_on_termination", "no_device", "connection_info",
		"snapshot_id", "volume_id", "image_id"}
	v := version(r)
	if (v.AtLeast(2, 32) && !v.AtLeast(2, 37)) || v.AtLeast(2, 42) {
		keys = append(keys, "tag")
	}
	if v.AtLeast(2, 67) {
		keys = append(keys, "volume_type")
	}
	return keys
}

// parseBDMv2 reads block_device_mapping_v2 (and the legacy
// block_device_mapping) into mappings; the image root of an image-backed
// server is not among them (the API adds it): rootImage is its image when
// a mapping names it.
func parseBDMv2(r *http.Request, b body, imageRef string) (list []objects.BlockDeviceMapping, rootImage string, err error) {
	list, rootImage, err = parseBDMList(r, b, imageRef)
	return
}

func parseBDMList(r *http.Request, b body, imageRef string) ([]objects.BlockDeviceMapping, string, error) {
	legacy, hasLegacy := b["block_device_mapping"]
	v2, hasV2 := b["block_device_mapping_v2"]
	if hasLegacy && hasV2 {
		return nil, "", invalid("Using different block_device_mapping syntaxes is not allowed.")
	}
	if hasLegacy {
		l, err := parseLegacyBDM(legacy)
		return l, "", err
	}
	if !hasV2 {
		return nil, "", nil
	}
	list, isList := v2.([]any)
	if !isList {
		return nil, "", badField("block_device_mapping_v2", v2, "%s is not of type 'array'", repr(v2))
	}
	var out []objects.BlockDeviceMapping
	rootImage := ""
	for _, x := range list {
		m, ok := x.(map[string]any)
		if !ok {
			return nil, "", badField("block_device_mapping_v2", x, "%s is not of type 'object'", repr(x))
		}
		bd, root, err := parseOneBDM(r, body(m), imageRef)
		if err != nil {
			return nil, "", err
		}
		if root {
			rootImage = bd.ImageID
			continue
		}
		out = append(out, bd)
	}
	return out, rootImage, nil
}

func parseOneBDM(r *http.Request, m body, imageRef string) (objects.BlockDeviceMapping, bool, error) {
	var bd objects.BlockDeviceMapping
	if err := m.only("block_device_mapping_v2", bdmKeys(r)...); err != nil {
		return bd, false, err
	}
	var err error
	for _, k := range []string{"source_type", "destination_type", "uuid", "device_name", "disk_bus", "device_type", "guest_format", "tag", "volume_type"} {
		if _, _, err = m.str(k, false, true, 0, 255); err != nil {
			return bd, false, err
		}
	}
	str := func(k string) string { s, _ := m[k].(string); return s }
	bd.SourceType, bd.DestinationType = str("source_type"), str("destination_type")
	switch bd.SourceType {
	case objects.SourceImage, objects.SourceVolume, objects.SourceSnapshot, objects.SourceBlank:
	case "":
		return bd, false, bdmInvalid("Missing source_type field.")
	default:
		return bd, false, badField("source_type", m["source_type"], "%s is not one of ['volume', 'image', 'snapshot', 'blank']", repr(m["source_type"]))
	}
	switch bd.DestinationType {
	case "":
		bd.DestinationType = objects.DestinationLocal
		if bd.SourceType == objects.SourceVolume || bd.SourceType == objects.SourceSnapshot {
			bd.DestinationType = objects.DestinationVolume
		}
	case objects.DestinationLocal, objects.DestinationVolume:
	default:
		return bd, false, badField("destination_type", m["destination_type"], "%s is not one of ['local', 'volume']", repr(m["destination_type"]))
	}
	id := str("uuid")
	if !bdmUUID.MatchString(id) {
		return bd, false, badField("uuid", m["uuid"], "%s does not match '^[a-zA-Z0-9._-]*$'", repr(m["uuid"]))
	}
	if bd.SourceType == objects.SourceBlank {
		if id != "" {
			return bd, false, bdmInvalid("Invalid device UUID.")
		}
	} else if id == "" {
		return bd, false, bdmInvalid("Missing device UUID.")
	}
	switch bd.SourceType {
	case objects.SourceImage:
		bd.ImageID = id
	case objects.SourceVolume:
		bd.VolumeID = id
	case objects.SourceSnapshot:
		bd.SnapshotID = id
	}
	if (bd.SourceType == objects.SourceVolume || bd.SourceType == objects.SourceSnapshot) && bd.DestinationType == objects.DestinationLocal {
		return bd, false, bdmInvalid("Mapping a %s to a local disk is not supported.", bd.SourceType)
	}
	if n, ok, err := m.intField("volume_size", false, 0, 2147483647, true); err != nil {
		return bd, false, err
	} else if ok {
		bd.VolumeSize = int(n)
	}
	if v, ok := m["boot_index"]; ok && v != nil {
		s := repr(v)
		if str, isStr := v.(string); isStr {
			s = str
		} else if _, isNum := v.(json.Number); !isNum {
			return bd, false, badField("boot_index", v, "%s is not of type 'integer', 'string', 'null'", repr(v))
		}
		if !bootIndexRE.MatchString(s) {
			return bd, false, bdmInvalid("Boot index is invalid.")
		}
		n, _ := strconv.Atoi(s)
		if n >= 0 {
			bd.BootIndex = &n
		}
	}
	if v, ok := m["delete_on_termination"]; ok {
		x, err := parseBool("delete_on_termination", v)
		if err != nil {
			return bd, false, err
		}
		bd.DeleteOnTermination = x
	}
	if v, ok := m["no_device"]; ok {
		x, err := parseBool("no_device", v)
		if err != nil {
			return bd, false, err
		}
		bd.NoDevice = x
	}
	bd.DeviceName, bd.DiskBus, bd.DeviceType = str("device_name"), str("disk_bus"), str("device_type")
	bd.GuestFormat, bd.Tag, bd.VolumeType = str("guest_format"), str("tag"), str("volume_type")
	if bd.DeviceType == "" {
		bd.DeviceType = "disk"
	}
	switch {
	case bd.SourceType == objects.SourceImage && bd.DestinationType == objects.DestinationLocal:
		if bd.BootIndex == nil || *bd.BootIndex != 0 {
			return bd, false, bdmInvalid("Mapping image to local is not supported.")
		}
		if imageRef != "" && id != imageRef {
			return bd, false, bdmInvalid("Boot sequence for the instance and image/block device mapping combination is not valid.")
		}
		return bd, true, nil // the root disk, added by the API
	case bd.SourceType == objects.SourceBlank && bd.DestinationType == objects.DestinationLocal:
		bd.DeleteOnTermination = true
	case bd.DestinationType == objects.DestinationVolume:
		if (bd.SourceType == objects.SourceImage || bd.SourceType == objects.SourceBlank) && bd.VolumeSize <= 0 {
			return bd, false, bdmInvalid("Images with destination_type 'volume' need to have a non-zero size specified")
		}
	}
	return bd, false, nil
}

// parseLegacyBDM reads nova's original block_device_mapping (volumes and
// snapshots by device name).
func parseLegacyBDM(v any) ([]objects.BlockDeviceMapping, error) {
	list, ok := v.([]any)
	if !ok {
		return nil, badField("block_device_mapping", v, "%s is not of type 'array'", repr(v))
	}
	var out []objects.BlockDeviceMapping
	for _, x := range list {
		m, ok := x.(map[string]any)
		if !ok {
			return nil, badField("block_device_mapping", x, "%s is not of type 'object'", repr(x))
		}
		bd := objects.BlockDeviceMapping{DestinationType: objects.DestinationVolume, DeviceType: "disk"}
		bd.DeviceName, _ = m["device_name"].(string)
		bd.VolumeID, _ = m["volume_id"].(string)
		bd.SnapshotID, _ = m["snapshot_id"].(string)
		switch {
		case bd.SnapshotID != "":
			bd.SourceType = objects.SourceSnapshot
		case bd.VolumeID != "":
			bd.SourceType = objects.SourceVolume
		default:
			if nd, _ := m["no_device"].(bool); nd {
				continue
			}
			return nil, bdmInvalid("Missing device UUID.")
		}
		if d, ok := m["delete_on_termination"]; ok {
			x, err := parseBool("delete_on_termination", d)
			if err != nil {
				return nil, err
			}
			bd.DeleteOnTermination = x
		}
		if n, ok := m["volume_size"]; ok && n != nil {
			size, err := strconv.Atoi(strings.TrimSpace(repr(n)))
			if err != nil || size < 0 {
				return nil, badField("volume_size", n, "%s is not of type 'integer'", repr(n))
			}
			bd.VolumeSize = size
		}
		if strings.TrimPrefix(bd.DeviceName, "/dev/") == "vda" || bd.DeviceName == "" && len(out) == 0 {
			zero := 0
			bd.BootIndex = &zero
		}
		out = append(out, bd)
	}
	return out, nil
}

// bootPlan is how a new server boots: from the image (a local root disk)
// or from a volume (its mappings' first boot device), with the image
// metadata the guest is shaped by.
type bootPlan struct {
	fromVolume bool
	image      objects.ImageMeta
}

// planBoot checks the mappings against the image and the block storage
// service (nova's _validate_bdm and _get_bdm_image_metadata) and returns
// how the server boots.
func (a *API) planBoot(ctx context.Context, r *http.Request, c caller, imageRef string, bdms []objects.BlockDeviceMapping, f objects.Flavor) (bootPlan, error) {
	var boots []objects.BlockDeviceMapping
	for _, b := range bdms {
		if b.BootIndex != nil {
			boots = append(boots, b)
		}
	}
	sort.SliceStable(boots, func(i, j int) bool { return *boots[i].BootIndex < *boots[j].BootIndex })
	requestedImage := imageRef
	if imageRef != "" && len(boots) > 0 && *boots[0].BootIndex == 0 && boots[0].DestinationType == objects.DestinationVolume {
		// imageRef beside a root volume mapping (OSC --image with
		// --block-device ...boot_index=0): the server boots from the volume.
		imageRef = ""
	}
	// boot indexes run 0, 1, ... (the image root is 0 when imageRef is set)
	next := 0
	if imageRef != "" {
		next = 1
	}
	for _, b := range boots {
		if *b.BootIndex != next {
			return bootPlan{}, bdmInvalid("Boot sequence for the instance and image/block device mapping combination is not valid.")
		}
		next++
	}
	hasVolumes := false
	for _, b := range bdms {
		if b.DestinationType == objects.DestinationVolume {
			hasVolumes = true
		}
	}
	if hasVolumes && a.volumes == nil {
		return bootPlan{}, invalid("This cloud has no block storage service configured for the compute API, so servers cannot have volumes.")
	}
	token := c.AuthToken
	// Every volume and snapshot named must exist and be usable.
	for _, b := range bdms {
		switch {
		case b.SourceType == objects.SourceVolume:
			v, err := a.volumes.Get(ctx, token, b.VolumeID)
			if fault.KindOf(err) == fault.NotFound {
				return bootPlan{}, bdmInvalid("failed to get volume %s.", b.VolumeID)
			}
			if err != nil {
				return bootPlan{}, err
			}
			if err := multiattachAllowed(r, v); err != nil {
				return bootPlan{}, err
			}
			if v.Status != "available" && !(v.Multiattach && v.Status == "in-use") {
				return bootPlan{}, invalid("Invalid volume: volume '%s' status must be 'available'. Currently in '%s'", v.ID, v.Status)
			}
		case b.SourceType == objects.SourceSnapshot:
			s, err := a.volumes.GetSnapshot(ctx, token, b.SnapshotID)
			if fault.KindOf(err) == fault.NotFound {
				return bootPlan{}, bdmInvalid("failed to get snapshot %s.", b.SnapshotID)
			}
			if err != nil {
				return bootPlan{}, err
			}
			if s.Status != "available" {
				return bootPlan{}, invalid("Invalid snapshot: snapshot %s status must be 'available'. Currently in '%s'", s.ID, s.Status)
			}
			if b.VolumeSize > 0 && b.VolumeSize < s.Size {
				return bootPlan{}, invalid("Volume size %d GiB is smaller than snapshot %s (%d GiB).", b.VolumeSize, s.ID, s.Size)
			}
		case b.SourceType == objects.SourceImage && b.DestinationType == objects.DestinationVolume:
			img, err := a.images.Image(ctx, token, b.ImageID)
			if fault.KindOf(err) == fault.NotFound {
				return bootPlan{}, bdmInvalid("failed to get image %s.", b.ImageID)
			}
			if err != nil {
				return bootPlan{}, err
			}
			if img.Status != "active" {
				return bootPlan{}, invalid("Image %s is not active.", img.ID)
			}
			size := img.Size
			if img.VirtualSize > 0 {
				size = img.VirtualSize
			}
			if size > int64(b.VolumeSize)*gib {
				return bootPlan{}, invalid("Size of specified image %d is larger than volume size %d.", size, int64(b.VolumeSize)*gib)
			}
			if img.MinDisk > b.VolumeSize {
				return bootPlan{}, invalid("Volume is smaller than the minimum size specified in image metadata. Volume size is %d bytes, minimum size is %d bytes.",
					int64(b.VolumeSize)*gib, int64(img.MinDisk)*gib)
			}
		}
	}
	if imageRef != "" {
		return bootPlan{}, nil // image-backed: the caller resolves the image
	}
	if len(boots) == 0 || boots[0].DestinationType != objects.DestinationVolume {
		return bootPlan{}, bdmInvalid("Boot sequence for the instance and image/block device mapping combination is not valid.")
	}
	root := boots[0]
	plan := bootPlan{fromVolume: true}
	switch root.SourceType {
	case objects.SourceImage:
		img, err := a.images.Image(ctx, token, root.ImageID)
		if err != nil {
			return bootPlan{}, err
		}
		plan.image = img
	case objects.SourceVolume:
		v, err := a.volumes.Get(ctx, token, root.VolumeID)
		if err != nil {
			return bootPlan{}, err
		}
		if strings.EqualFold(v.Bootable, "false") { // nova's InvalidBDMVolumeNotBootable
			return bootPlan{}, invalid("Block Device %s is not bootable.", v.ID)
		}
		plan.image = volumeImageMeta(v.VolumeImageMetadata)
	case objects.SourceSnapshot:
		if requestedImage != "" { // an image of a volume-backed snapshot
			img, err := a.images.Image(ctx, token, requestedImage)
			if err != nil {
				return bootPlan{}, err
			}
			plan.image = img
		}
	}
	if f.MemoryMB < plan.image.MinRAM {
		return bootPlan{}, invalid("Flavor's memory is too small for requested image.")
	}
	return plan, nil
}

// volumeImageMeta is the image metadata Cinder keeps on a volume made from
// an image (nova's get_image_metadata_from_volume).
func volumeImageMeta(md map[string]string) objects.ImageMeta {
	img := objects.ImageMeta{Status: "active", Properties: map[string]string{}}
	for k, v := range md {
		switch k {
		case "image_id":
			img.ID = v
		case "image_name":
			img.Name = v
		case "disk_format":
			img.DiskFormat = v
		case "container_format":
			img.ContainerFormat = v
		case "min_ram":
			img.MinRAM, _ = strconv.Atoi(v)
		case "min_disk":
			img.MinDisk, _ = strconv.Atoi(v)
		case "size", "checksum":
		default:
			img.Properties[k] = v
		}
	}
	return img
}
