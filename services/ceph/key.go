package ceph

import (
	"bufio"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/gostack/gostack/services/fault"
)

// Key returns the client's own cephx key (base64, as keyrings hold it), for
// handing to libvirt as the value of a ceph secret so that QEMU can open RBD
// disks as this user. It reads what librados itself would use: the conf's
// key option, then the keyring files the conf names, and only then asks the
// monitors (`auth get-key`, which needs caps a `profile rbd` user lacks).
//
// The key is a secret: callers must never log it, put it in XML or on a
// command line. Errors never include it.
func (c *Client) Key(ctx context.Context) (string, error) {
	if err := errCtx(ctx); err != nil {
		return "", err
	}
	entity := "client." + c.where.user
	if k, err := c.conn.GetConfigOption("key"); err == nil && validKey(k) {
		return k, nil
	}
	var tried []string
	if paths, err := c.conn.GetConfigOption("keyring"); err == nil {
		for _, p := range strings.Split(paths, ",") {
			p = strings.TrimSpace(p)
			if p == "" {
				continue
			}
			k, err := keyFromKeyring(p, entity)
			if err == nil {
				return k, nil
			}
			tried = append(tried, p)
		}
	}
	out, err := c.monCommand(ctx, map[string]any{"prefix": "auth get-key", "entity": entity})
	if err == nil && validKey(strings.TrimSpace(string(out))) {
		return strings.TrimSpace(string(out)), nil
	}
	return "", fault.Wrap(errors.Join(errors.New("no usable key"), err), fault.Unavailable,
		"Cannot find the cephx key of %s (%s): looked in the conf's key option, the keyrings %s and `auth get-key`.",
		entity, c.where, strings.Join(tried, ", "))
}

// keyFromKeyring reads entity's key from a keyring file.
func keyFromKeyring(path, entity string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	section := ""
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		switch {
		case line == "" || strings.HasPrefix(line, "#") || strings.HasPrefix(line, ";"):
		case strings.HasPrefix(line, "[") && strings.HasSuffix(line, "]"):
			section = strings.TrimSpace(line[1 : len(line)-1])
		case section == entity:
			name, value, ok := strings.Cut(line, "=")
			if ok && strings.TrimSpace(name) == "key" {
				if k := strings.TrimSpace(value); validKey(k) {
					return k, nil
				}
				return "", fmt.Errorf("keyring %s: the key of %s is malformed", path, entity)
			}
		}
	}
	if err := sc.Err(); err != nil {
		return "", err
	}
	return "", fmt.Errorf("keyring %s has no key for %s", path, entity)
}

// validKey accepts a base64 cephx key.
func validKey(k string) bool {
	if k == "" {
		return false
	}
	b, err := base64.StdEncoding.DecodeString(k)
	return err == nil && len(b) > 0
}
