package timefmt

import (
	"fmt"
	"time"
)

// Layouts.
const (
	LayoutSeconds = "2006-01-02T15:04:05Z"
	LayoutNaive   = "2006-01-02T15:04:05.000000"
	LayoutMicrosZ = "2006-01-02T15:04:05.000000Z"
)

// Formatter formats one timestamp.
type Formatter func(time.Time) string

// Seconds formats t as 2006-01-02T15:04:05Z.
func Seconds(t time.Time) string { return t.UTC().Format(LayoutSeconds) }

// Naive formats t as 2006-01-02T15:04:05.000000, without a zone.
func Naive(t time.Time) string { return t.UTC().Format(LayoutNaive) }

// MicrosZ formats t as 2006-01-02T15:04:05.000000Z.
func MicrosZ(t time.Time) string { return t.UTC().Format(LayoutMicrosZ) }

// Nullable formats *t with f, or returns nil (JSON null) when t is nil or
// zero, as upstream renders unset times such as terminated_at.
func Nullable(f Formatter, t *time.Time) *string {
	if t == nil || t.IsZero() {
		return nil
	}
	s := f(*t)
	return &s
}

var parseLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05.999999999",
	"2006-01-02 15:04:05.999999999Z07:00",
	"2006-01-02 15:04:05.999999999",
	"2006-01-02T15:04Z07:00",
	"2006-01-02T15:04",
	"2006-01-02",
}

// Parse reads an ISO 8601 timestamp with or without fractional seconds and
// zone; without a zone it is UTC. The result is in UTC.
func Parse(s string) (time.Time, error) {
	for _, layout := range parseLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("timestamp %q: not an ISO 8601 date and time", s)
}
