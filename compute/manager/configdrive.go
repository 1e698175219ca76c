package manager

import (
	"context"
	"encoding/base64"
	"os"
	"path/filepath"
	"strings"

	"github.com/gostack/gostack/compute/configdrive"
	"github.com/gostack/gostack/compute/objects"
	"github.com/gostack/gostack/compute/virt"
	"github.com/gostack/gostack/services/fault"
)

// ConfigDriveMetadata is what an instance's config drive tells its guest.
func ConfigDriveMetadata(inst *objects.Instance) configdrive.Metadata {
	md := configdrive.Metadata{
		UUID: inst.UUID, Name: inst.Name, Hostname: inst.Hostname, LaunchIndex: inst.LaunchIndex,
		AvailabilityZone: inst.AvailabilityZone, ProjectID: inst.ProjectID, Meta: inst.Metadata,
	}
	if inst.KeyName != "" && inst.KeyData != "" {
		typ := "ssh"
		if strings.Contains(inst.KeyData, "BEGIN CERTIFICATE") {
			typ = "x509"
		}
		md.Key = &configdrive.Key{Name: inst.KeyName, Type: typ, Data: inst.KeyData}
	}
	if inst.UserData != "" {
		if ud, err := base64.StdEncoding.DecodeString(inst.UserData); err == nil {
			md.UserData = ud
		}
	}
	return md
}

// prepareConfigDrive builds the instance's config drive into a temporary
// file named by spec.ConfigDrive, when the instance asked for one or
// [DEFAULT] force_config_drive is set; done removes the file (the driver
// keeps its own copy).
func (m *Manager) prepareConfigDrive(ctx context.Context, inst *objects.Instance, spec *virt.InstanceSpec) (done func(), err error) {
	if !m.cfg.ConfigDrive.Required(inst.ConfigDrive) {
		return func() {}, nil
	}
	dir, err := os.MkdirTemp("", "configdrive-"+inst.UUID+"-")
	if err != nil {
		return nil, fault.Wrap(err, fault.Internal, "Cannot build the config drive of instance %s.", inst.UUID)
	}
	done = func() { _ = os.RemoveAll(dir) }
	iso := filepath.Join(dir, "disk.config")
	if err := configdrive.Build(ctx, ConfigDriveMetadata(inst), iso, configdrive.Options{MkisofsCmd: m.cfg.ConfigDrive.MkisofsCmd}); err != nil {
		done()
		return nil, fault.Wrap(err, fault.Internal, "Cannot build the config drive of instance %s.", inst.UUID)
	}
	spec.ConfigDrive, spec.HasConfigDrive = iso, true
	return done, nil
}
