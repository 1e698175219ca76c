package libvirt

import (
	"bufio"
	"context"
	"encoding/base64"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	golibvirt "libvirt.org/go/libvirt"

	"github.com/gostack/gostack/services/fault"
)

// volumeSecret makes sure libvirt holds the key of the Ceph user Cinder's
// connection names (auth_username, e.g. cinder) under the connection's
// secret_uuid, as the upstream install guide has operators do by hand
// (virsh secret-define, secret-set-value). The key is read from that
// user's keyring beside this host's ceph.conf or in /etc/ceph; it goes to
// libvirt's secret API only. ok is false when this host has no keyring
// for the user, or libvirt holds the user's key under another uuid (the
// caller then uses nova's own rbd_user).
func (d *Driver) volumeSecret(ctx context.Context, user, secretUUID string) (ok bool, err error) {
	c, err := d.connect()
	if err != nil {
		return false, err
	}
	if sec, lerr := c.LookupSecretByUUIDString(secretUUID); lerr == nil {
		sec.Free()
		return true, nil
	}
	key, found, err := d.keyringKey(user)
	if err != nil || !found {
		return false, err
	}
	raw, err := base64.StdEncoding.DecodeString(key)
	if err != nil {
		return false, fault.New(fault.Unavailable, "The cephx key of client.%s in its keyring is not base64.", user)
	}
	defer clear(raw)
	d.secretMu.Lock()
	defer d.secretMu.Unlock()
	sec, err := c.SecretDefineXML(SecretXML(secretUUID, user), 0)
	if err != nil {
		d.dropIfLost(c, err)
		if other, lerr := c.LookupSecretByUsage(golibvirt.SECRET_USAGE_TYPE_CEPH, secretUsage(user)); lerr == nil {
			// libvirt holds one secret per usage: another uuid for this
			// user's key is a misconfiguration to report, not a reason
			// to fail the attach (nova's own rbd_user serves instead).
			id, _ := other.GetUUIDString()
			other.Free()
			d.log.WarnContext(ctx, "a libvirt secret for the block storage service's Ceph user exists under another uuid; using nova's own rbd_user for the volume (set Cinder's rbd_secret_uuid to it)",
				"rbd_user", user, "secret_uuid", secretUUID, "existing_secret_uuid", id)
			return false, nil
		}
		return false, fault.Wrap(err, fault.Unavailable, "Cannot define the libvirt secret %s for Ceph user %s.", secretUUID, user)
	}
	defer sec.Free()
	if err := sec.SetValue(raw, 0); err != nil {
		_ = sec.Undefine()
		return false, fault.Wrap(fmt.Errorf("set secret value: %w", err), fault.Unavailable,
			"Cannot store the key of Ceph user %s in the libvirt secret %s.", user, secretUUID)
	}
	d.log.InfoContext(ctx, "defined the libvirt secret for the block storage service's Ceph user", "secret_uuid", secretUUID, "rbd_user", user)
	return true, nil
}

// keyringKey reads client.<user>'s key from ceph.client.<user>.keyring in
// the directory of this host's ceph.conf, then /etc/ceph.
func (d *Driver) keyringKey(user string) (key string, found bool, err error) {
	if strings.ContainsAny(user, "/\\") || user == "" {
		return "", false, fault.New(fault.Invalid, "Ceph user name %q is not valid.", user)
	}
	name := "ceph.client." + user + ".keyring"
	var dirs []string
	if d.s.CephConf != "" {
		dirs = append(dirs, filepath.Dir(d.s.CephConf))
	}
	dirs = append(dirs, "/etc/ceph")
	for _, dir := range dirs {
		f, err := os.Open(filepath.Join(dir, name))
		if err != nil {
			continue
		}
		key, ok := parseKeyring(bufio.NewScanner(f), "client."+user)
		f.Close()
		if ok {
			return key, true, nil
		}
	}
	return "", false, nil
}

// parseKeyring finds the key of entity in a keyring ([client.x] key = ...).
func parseKeyring(sc *bufio.Scanner, entity string) (string, bool) {
	in := false
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if strings.HasPrefix(line, "[") {
			in = strings.Trim(line, "[]") == entity
			continue
		}
		if k, v, ok := strings.Cut(line, "="); in && ok && strings.TrimSpace(k) == "key" {
			return strings.TrimSpace(v), true
		}
	}
	return "", false
}
