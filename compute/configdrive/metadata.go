package configdrive

import (
	"encoding/json"
	"fmt"
	"path"
	"slices"
)

// Label is the volume label guests look for (cloud-init's ConfigDrive).
const Label = "config-2"

// The dated OpenStack metadata versions nova writes, oldest first (nova's
// api/metadata/base.py), plus "latest".
const (
	Folsom    = "2012-08-10"
	Grizzly   = "2013-04-04"
	Havana    = "2013-10-17"
	Liberty   = "2015-10-15"
	NewtonOne = "2016-06-30"
	NewtonTwo = "2016-10-06"
	Ocata     = "2017-02-22"
	Rocky     = "2018-08-27"
	Victoria  = "2020-10-14"
	Latest    = "latest"
)

// Versions are the version directories under openstack/, in order.
var Versions = []string{Folsom, Grizzly, Havana, Liberty, NewtonOne, NewtonTwo, Ocata, Rocky, Victoria, Latest}

// Key is a key pair injected into the guest.
type Key struct {
	Name string `json:"name"`
	Type string `json:"type"` // "ssh" or "x509"
	Data string `json:"data"` // the public key
}

// Metadata is what a config drive tells the guest.
type Metadata struct {
	UUID             string
	Name             string // display name
	Hostname         string
	LaunchIndex      int
	AvailabilityZone string
	ProjectID        string
	Key              *Key              // the server's key pair, if any
	Meta             map[string]string // server metadata
	UserData         []byte            // nil: no user_data file
	AdminPass        string            // injected password, if any
	RandomSeed       string            // base64 of 512 random bytes (Build fills it)
	// NetworkData is network_data.json; nil writes nova's empty document
	// (no links, networks or services) until there is networking.
	NetworkData any
}

// atLeast reports whether version is min or newer ("latest" is newest).
func atLeast(version, min string) bool {
	return slices.Index(Versions, version) >= slices.Index(Versions, min)
}

// metaData is meta_data.json for one version, with nova's fields.
func (m Metadata) metaData(version string) map[string]any {
	md := map[string]any{
		"uuid":              m.UUID,
		"hostname":          m.Hostname,
		"name":              m.Name,
		"launch_index":      m.LaunchIndex,
		"availability_zone": nullable(m.AvailabilityZone),
	}
	if len(m.Meta) > 0 {
		md["meta"] = m.Meta
	}
	if m.Key != nil {
		md["public_keys"] = map[string]string{m.Key.Name: m.Key.Data}
		md["keys"] = []Key{*m.Key}
	}
	if m.AdminPass != "" {
		md["admin_pass"] = m.AdminPass
	}
	if atLeast(version, Grizzly) {
		md["random_seed"] = m.RandomSeed
	}
	if atLeast(version, Liberty) {
		md["project_id"] = m.ProjectID
	}
	if atLeast(version, NewtonOne) {
		md["devices"] = []any{}
	}
	if atLeast(version, Victoria) {
		md["dedicated_cpus"] = []int{}
	}
	return md
}

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// Files returns the drive's files, path to content, as nova lays them out.
func Files(m Metadata) (map[string][]byte, error) {
	out := map[string][]byte{}
	put := func(p string, v any) error {
		b, err := json.Marshal(v)
		if err != nil {
			return fmt.Errorf("configdrive: %s: %w", p, err)
		}
		out[p] = b
		return nil
	}
	network := m.NetworkData
	if network == nil {
		network = map[string]any{"links": []any{}, "networks": []any{}, "services": []any{}}
	}
	for _, v := range Versions {
		dir := path.Join("openstack", v)
		if err := put(path.Join(dir, "meta_data.json"), m.metaData(v)); err != nil {
			return nil, err
		}
		if m.UserData != nil {
			out[path.Join(dir, "user_data")] = m.UserData
		}
		if atLeast(v, Havana) {
			if err := put(path.Join(dir, "vendor_data.json"), map[string]any{}); err != nil {
				return nil, err
			}
		}
		if atLeast(v, Liberty) {
			if err := put(path.Join(dir, "network_data.json"), network); err != nil {
				return nil, err
			}
		}
		if atLeast(v, NewtonTwo) {
			if err := put(path.Join(dir, "vendor_data2.json"), map[string]any{}); err != nil {
				return nil, err
			}
		}
	}
	return out, nil
}
