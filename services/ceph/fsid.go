package ceph

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/gostack/gostack/services/fault"
)

// fsidReadsOnConn is how often FSID asks librados before it falls back to
// the monitors and the conf.
const fsidReadsOnConn = 3

// FSID returns the cluster's fsid, the first part of Glance's
// rbd://FSID/pool/image/snap locations. librados has been seen to return an
// all-zero fsid on a fresh connection: such a value is never returned. FSID
// reads librados again, then asks the monitors (`ceph fsid`), then the conf's
// fsid option, and fails if none gives a valid, non-zero fsid. A valid fsid
// is remembered for the life of the client.
func (c *Client) FSID(ctx context.Context) (string, error) {
	c.fsidMu.Lock()
	defer c.fsidMu.Unlock()
	if c.fsid != "" {
		return c.fsid, nil
	}
	var sources []fsidSource
	for i := 0; i < fsidReadsOnConn; i++ {
		sources = append(sources, fsidSource{"librados", c.conn.GetFSID})
	}
	sources = append(sources,
		fsidSource{"mon command fsid", func() (string, error) {
			out, err := c.monCommand(ctx, map[string]any{"prefix": "fsid", "format": "json"})
			if err != nil {
				return "", err
			}
			var v struct {
				FSID string `json:"fsid"`
			}
			if err := json.Unmarshal(out, &v); err != nil {
				return "", fmt.Errorf("decode fsid: %w", err)
			}
			return v.FSID, nil
		}},
		fsidSource{"conf option fsid", func() (string, error) { return c.conn.GetConfigOption("fsid") }},
	)
	fsid, err := firstFSID(ctx, sources)
	if err != nil {
		return "", fault.Wrap(err, fault.Unavailable, "Cannot read the Ceph cluster's fsid (%s).", c.where)
	}
	c.fsid = fsid
	return fsid, nil
}

type fsidSource struct {
	name string
	read func() (string, error)
}

// firstFSID returns the first valid fsid the sources give, in order.
func firstFSID(ctx context.Context, sources []fsidSource) (string, error) {
	var errs []error
	for _, s := range sources {
		if err := ctx.Err(); err != nil {
			return "", errors.Join(append(errs, err)...)
		}
		v, err := s.read()
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", s.name, err))
			continue
		}
		v = strings.ToLower(strings.TrimSpace(v))
		if err := checkFSID(v); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", s.name, err))
			continue
		}
		return v, nil
	}
	if len(errs) == 0 {
		return "", errors.New("no fsid source")
	}
	return "", errors.Join(errs...)
}

// checkFSID accepts a canonical UUID that is not all zeros.
func checkFSID(v string) error {
	if len(v) != 36 {
		return fmt.Errorf("fsid %q is not a UUID", v)
	}
	zero := true
	for i, r := range v {
		switch {
		case i == 8 || i == 13 || i == 18 || i == 23:
			if r != '-' {
				return fmt.Errorf("fsid %q is not a UUID", v)
			}
		case r >= '0' && r <= '9', r >= 'a' && r <= 'f':
			if r != '0' {
				zero = false
			}
		default:
			return fmt.Errorf("fsid %q is not a UUID", v)
		}
	}
	if zero {
		return fmt.Errorf("fsid %q is all zeros", v)
	}
	return nil
}
