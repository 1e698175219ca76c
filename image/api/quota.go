package api

import (
	"context"
	"errors"
	"io"
	"regexp"
	"strconv"
	"strings"

	"github.com/gostack/gostack/image/registry"
	"github.com/gostack/gostack/services/fault"
)

// glance's legacy quotas ([DEFAULT] user_storage_quota,
// image_property_quota, image_tag_quota, image_member_quota), answered
// with 413 and upstream's messages (glance/quota, glance/api/common.py).

var storageQuotaPattern = regexp.MustCompile(`^(\d+)((K|M|G|T)?B)?$`)

// ParseStorageQuota reads user_storage_quota as glance does: a number of
// bytes, optionally with B, KB, MB, GB or TB (powers of 1024).
func ParseStorageQuota(s string) (int64, error) {
	m := storageQuotaPattern.FindStringSubmatch(s)
	if m == nil {
		return 0, fault.New(fault.Invalid, "Invalid value for option user_storage_quota: %s", s)
	}
	n, err := strconv.ParseInt(m[1], 10, 64)
	if err != nil {
		return 0, fault.New(fault.Invalid, "Invalid value for option user_storage_quota: %s", s)
	}
	shift := map[string]uint{"": 0, "B": 0, "KB": 10, "MB": 20, "GB": 30, "TB": 40}[m[2]]
	return n << shift, nil
}

// errStorageQuotaFull is glance's StorageQuotaFull raised by its
// LimitingReader: without arguments, so upstream's message keeps its
// placeholders.
var errStorageQuotaFull = errors.New("storage quota full")

const storageQuotaTemplate = "The size of the data %(image_size)s will exceed the limit. %(remaining)s bytes remaining."

// remainingStorage is glance's check_quota before data is stored: the
// bytes the caller's project may still store (-1: no limit), or 413 when
// size (-1: unknown) cannot fit.
func (a *API) remainingStorage(ctx context.Context, owner, imageID string, size int64) (int64, error) {
	limit := a.set.UserStorageQuota
	if limit <= 0 {
		return -1, nil
	}
	used, err := a.reg.StorageUsage(ctx, owner, imageID)
	if err != nil {
		return 0, err
	}
	remaining := limit - used
	if (size < 0 && remaining <= 0) || size > remaining {
		shown := "None"
		if size >= 0 {
			shown = strconv.FormatInt(size, 10)
		}
		return 0, fault.New(fault.TooLarge, "Image exceeds the storage quota: The size of the data %s will exceed the limit. %d bytes remaining.", shown, remaining)
	}
	return remaining, nil
}

// storageQuotaError is the 413 of data cut off by the quota.
func storageQuotaError(err error) error {
	return fault.Wrap(err, fault.TooLarge, "Image exceeds the storage quota: %s", storageQuotaTemplate)
}

// errImageTooLarge is glance's ImageSizeLimitExceeded: more data than
// [DEFAULT] image_size_cap.
var errImageTooLarge = errors.New("image too large")

// limitReader fails with err once more than limit bytes were read
// (glance's LimitingReader).
type limitReader struct {
	r     io.Reader
	limit int64
	read  int64
	err   error
}

func (l *limitReader) Read(p []byte) (int, error) {
	n, err := l.r.Read(p)
	l.read += int64(n)
	if l.read > l.limit {
		return 0, l.err
	}
	return n, err
}

// limitData wraps an upload's body with the storage quota's remaining
// bytes (remaining < 0: none) and image_size_cap.
func (a *API) limitData(r io.Reader, remaining int64) io.Reader {
	if remaining >= 0 {
		r = &limitReader{r: r, limit: remaining, err: errStorageQuotaFull}
	}
	if a.set.ImageSizeCap > 0 {
		r = &limitReader{r: r, limit: a.set.ImageSizeCap, err: errImageTooLarge}
	}
	return r
}

// limitError is the 413 of data cut off by a limit, or err unchanged.
func limitError(err error) error {
	switch {
	case errors.Is(err, errStorageQuotaFull):
		return storageQuotaError(err)
	case errors.Is(err, errImageTooLarge):
		return fault.Wrap(err, fault.TooLarge, "The incoming image is too large: The provided image is too large.")
	}
	return err
}

// checkPropertyQuota is _enforce_image_property_quota: custom properties
// outside the os_glance namespace, at most image_property_quota.
func (a *API) checkPropertyQuota(props map[string]string) error {
	limit := a.set.ImagePropertyQuota
	if limit < 0 {
		return nil
	}
	n := 0
	for k := range props {
		if !strings.HasPrefix(k, reservedNamespace) {
			n++
		}
	}
	if n > limit {
		return fault.New(fault.TooLarge, "The limit has been exceeded on the number of allowed image properties. Attempted: %d, Maximum: %d", n, limit)
	}
	return nil
}

// checkTagQuota is _enforce_image_tag_quota.
func (a *API) checkTagQuota(tags []string) error {
	limit := a.set.ImageTagQuota
	if limit < 0 || len(tags) <= limit {
		return nil
	}
	return fault.New(fault.TooLarge, "The limit has been exceeded on the number of allowed image tags. Attempted: %d, Maximum: %d", len(tags), limit)
}

// addedProperties reports whether after has a custom property before has
// not (glance's added_new_properties: the property quota is checked on
// save only then).
func addedProperties(before, after registry.Image) bool {
	for k := range after.Properties {
		if _, ok := before.Properties[k]; !ok {
			return true
		}
	}
	return false
}
