package libvirt

import (
	"context"
	"encoding/base64"
	"encoding/xml"
	"fmt"

	golibvirt "libvirt.org/go/libvirt"

	"github.com/gostack/gostack/services/fault"
)

// secretUsage is the usage name of the ceph secret for user, as operators
// following the upstream install guide name it.
func secretUsage(user string) string { return "client." + user + " secret" }

// SecretXML renders the definition of the ceph secret: persistent, and
// private so that libvirt never hands its value back out.
func SecretXML(uuid, user string) string {
	type usage struct {
		Type string `xml:"type,attr"`
		Name string `xml:"name"`
	}
	type secret struct {
		XMLName   xml.Name `xml:"secret"`
		Ephemeral string   `xml:"ephemeral,attr"`
		Private   string   `xml:"private,attr"`
		UUID      string   `xml:"uuid"`
		Usage     usage    `xml:"usage"`
	}
	out, _ := xml.Marshal(secret{Ephemeral: "no", Private: "yes", UUID: uuid, Usage: usage{Type: "ceph", Name: secretUsage(user)}})
	return string(out)
}

// ensureSecret makes sure libvirt holds the RBD user's key under
// rbd_secret_uuid: it defines the secret when missing and sets its value
// once per driver (the key may have been rotated since the secret was
// made). The key travels from the keyring to libvirt's secret API only.
func (d *Driver) ensureSecret(ctx context.Context) error {
	if d.s.RBDUser == "" {
		return nil
	}
	d.secretMu.Lock()
	defer d.secretMu.Unlock()
	c, err := d.connect()
	if err != nil {
		return err
	}
	sec, err := c.LookupSecretByUUIDString(d.s.SecretUUID)
	created := false
	switch {
	case err == nil:
		if d.secretReady {
			sec.Free()
			return nil
		}
	case hasCode(err, golibvirt.ERR_NO_SECRET):
		sec, err = c.SecretDefineXML(SecretXML(d.s.SecretUUID, d.s.RBDUser), 0)
		if err != nil {
			d.dropIfLost(c, err)
			if other, lerr := c.LookupSecretByUsage(golibvirt.SECRET_USAGE_TYPE_CEPH, secretUsage(d.s.RBDUser)); lerr == nil {
				id, _ := other.GetUUIDString()
				other.Free()
				return fault.Wrap(err, fault.Conflict,
					"A libvirt secret for %q already exists with uuid %s, not rbd_secret_uuid %s: set [libvirt] rbd_secret_uuid = %s or undefine that secret.",
					secretUsage(d.s.RBDUser), id, d.s.SecretUUID, id)
			}
			return fault.Wrap(err, fault.Unavailable, "Cannot define the libvirt secret %s for Ceph user %s.", d.s.SecretUUID, d.s.RBDUser)
		}
		created = true
		d.log.InfoContext(ctx, "defined the libvirt secret for the Ceph user", "secret_uuid", d.s.SecretUUID, "rbd_user", d.s.RBDUser)
	default:
		d.dropIfLost(c, err)
		return fault.Wrap(err, fault.Unavailable, "Cannot look up the libvirt secret %s.", d.s.SecretUUID)
	}
	defer sec.Free()
	if err := d.setSecretValue(ctx, sec); err != nil {
		if created {
			_ = sec.Undefine()
		}
		return err
	}
	d.secretReady = true
	return nil
}

func (d *Driver) setSecretValue(ctx context.Context, sec *golibvirt.Secret) error {
	key, err := d.ceph.Key(ctx)
	if err != nil {
		return err
	}
	raw, err := base64.StdEncoding.DecodeString(key)
	if err != nil {
		return fault.New(fault.Unavailable, "The cephx key of client.%s is not base64.", d.s.RBDUser)
	}
	defer clear(raw)
	if err := sec.SetValue(raw, 0); err != nil {
		// libvirt's message names the secret, never the value.
		return fault.Wrap(fmt.Errorf("set secret value: %w", err), fault.Unavailable,
			"Cannot store the Ceph user's key in the libvirt secret %s.", d.s.SecretUUID)
	}
	return nil
}
