package api

import (
	"strings"

	"github.com/gostack/gostack/compute/objects"
)

// OS-DCF:diskConfig: AUTO (nova's auto_disk_config: the guest grows its
// partition to the disk) or MANUAL, chosen at create (else the image's
// auto_disk_config property decides) and changed by update, rebuild and
// resize. It is kept in the instance's system metadata; the guest's disks
// are the same either way.
const sysMetaAutoDiskConfig = "auto_disk_config"

// diskConfig reads OS-DCF:diskConfig: "AUTO", "MANUAL", or "" when absent.
func diskConfig(b body) (string, error) {
	v, ok := b["OS-DCF:diskConfig"]
	if !ok {
		return "", nil
	}
	if v != "AUTO" && v != "MANUAL" {
		return "", badField("OS-DCF:diskConfig", v, "%s is not one of ['AUTO', 'MANUAL']", repr(v))
	}
	return v.(string), nil
}

// checkImageDiskConfig refuses AUTO for an image whose auto_disk_config
// is "disabled" (nova's AutoDiskConfigDisabledByImage).
func checkImageDiskConfig(dc string, img objects.ImageMeta) error {
	if dc == "AUTO" && strings.EqualFold(img.Properties["auto_disk_config"], "disabled") {
		return invalid("Requested image %s has automatic disk resize disabled.", img.ID)
	}
	return nil
}

// initialDiskConfig is a new server's: the requested one, else the
// image's auto_disk_config property (true: AUTO).
func initialDiskConfig(dc string, img objects.ImageMeta) string {
	if dc != "" {
		return dc
	}
	switch strings.ToLower(img.Properties["auto_disk_config"]) {
	case "true", "1", "yes", "on", "y", "t":
		return "AUTO"
	}
	return "MANUAL"
}

// withDiskConfig returns sys with the disk config dc recorded ("" leaves
// it); sys itself is not changed.
func withDiskConfig(sys map[string]string, dc string) map[string]string {
	out := make(map[string]string, len(sys)+1)
	for k, v := range sys {
		out[k] = v
	}
	switch dc {
	case "AUTO":
		out[sysMetaAutoDiskConfig] = "True"
	case "MANUAL":
		out[sysMetaAutoDiskConfig] = "False"
	}
	return out
}

// diskConfigOf is a server's OS-DCF:diskConfig.
func diskConfigOf(in objects.Instance) string {
	if in.SystemMetadata[sysMetaAutoDiskConfig] == "True" {
		return "AUTO"
	}
	return "MANUAL"
}
