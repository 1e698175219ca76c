package api

import (
	"strings"
	"time"

	"github.com/gostack/gostack/services/fault"
	"github.com/gostack/gostack/services/httpapi"
	"github.com/gostack/gostack/volume/store"
)

// isoLayouts are the ISO 8601 forms a time filter may use (oslo's
// parse_isotime): with or without a zone and fractions; no zone is UTC.
var isoLayouts = []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999", "2006-01-02T15:04:05", "2006-01-02T15:04", "2006-01-02"}

// timeFilters parses the volume list's created_at and updated_at filters
// of 3.60: comma-separated operator:time pairs (gt, gte, eq, neq, lt,
// lte), as cinder's _handle_time_comparison_filters.
func timeFilters(q httpapi.Query) ([]store.TimeFilter, error) {
	var out []store.TimeFilter
	for _, col := range []string{"created_at", "updated_at"} {
		v := q.Get(col)
		if v == "" {
			continue
		}
		for _, unit := range strings.Split(v, ",") {
			op, at, ok := strings.Cut(unit, ":")
			if !ok {
				at = op
			}
			switch op {
			case "gt", "gte", "eq", "neq", "lt", "lte":
			default:
				return nil, fault.New(fault.Invalid, "Invalid %s operator", op)
			}
			t, err := parseISOTime(at)
			if err != nil {
				return nil, fault.New(fault.Invalid, "Invalid %s value", at)
			}
			out = append(out, store.TimeFilter{Column: col, Op: op, At: t})
		}
	}
	return out, nil
}

func parseISOTime(s string) (time.Time, error) {
	var err error
	for _, l := range isoLayouts {
		var t time.Time
		if t, err = time.Parse(l, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, err
}
