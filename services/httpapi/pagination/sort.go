package pagination

import (
	"fmt"
	"slices"
	"strings"

	"github.com/gostack/gostack/services/fault"
	"github.com/gostack/gostack/services/httpapi"
)

func parseSort(flavor httpapi.Flavor, q httpapi.Query, opts Options) ([]Sort, error) {
	defKey, defDir := opts.DefaultSortKey, opts.DefaultSortDir
	if defKey == "" {
		defKey = "created_at"
	}
	if defDir == "" {
		defDir = "desc"
	}
	keys, dirs := q.Values("sort_key"), q.Values("sort_dir")
	combined, hasCombined := q.Lookup("sort")
	if hasCombined && (flavor == httpapi.Cinder || flavor == httpapi.Glance) {
		if len(keys) > 0 || len(dirs) > 0 {
			if flavor == httpapi.Glance {
				return nil, fault.New(fault.Invalid, "Old and new sorting syntax cannot be combined")
			}
			return nil, fault.New(fault.Invalid,
				"The 'sort_key' and 'sort_dir' parameters are deprecated and cannot be used with the 'sort' parameter.")
		}
		keys, dirs = nil, nil
		for _, item := range strings.Split(strings.TrimSpace(combined), ",") {
			k, d, _ := strings.Cut(item, ":")
			if d == "" {
				d = defDir
			}
			keys = append(keys, strings.TrimSpace(k))
			dirs = append(dirs, strings.TrimSpace(d))
		}
	} else if flavor == httpapi.Cinder {
		// cinder pops one sort_key and one sort_dir.
		keys, dirs = first(keys), first(dirs)
	}
	for i := range keys {
		keys[i] = strings.TrimSpace(keys[i])
	}
	for i := range dirs {
		dirs[i] = strings.TrimSpace(dirs[i])
	}
	if err := checkKeys(flavor, keys, opts.SortKeys); err != nil {
		return nil, err
	}
	if err := checkDirs(flavor, dirs); err != nil {
		return nil, err
	}
	if len(keys) == 0 {
		keys = []string{defKey}
	}
	fill := defDir
	if len(dirs) > 0 {
		fill = dirs[0]
	}
	if len(dirs) > len(keys) || (flavor == httpapi.Glance && len(dirs) > 1 && len(dirs) != len(keys)) {
		return nil, fault.New(fault.Invalid, "%s", dirCountMessage(flavor))
	}
	out := make([]Sort, len(keys))
	for i, k := range keys {
		d := fill
		if i < len(dirs) {
			d = dirs[i]
		}
		out[i] = Sort{Key: k, Dir: d}
	}
	return out, nil
}

func first(vs []string) []string {
	if len(vs) == 0 {
		return nil
	}
	return vs[:1]
}

func checkKeys(flavor httpapi.Flavor, keys, allowed []string) error {
	if allowed == nil {
		return nil
	}
	for _, k := range keys {
		if slices.Contains(allowed, k) {
			continue
		}
		switch flavor {
		case httpapi.Glance:
			return fault.New(fault.Invalid, "Invalid sort key: %s. It must be one of the following: %s.",
				k, strings.Join(allowed, ", "))
		case httpapi.Cinder:
			return fault.New(fault.Invalid, "Invalid input received: Invalid sort key")
		default:
			return fault.New(fault.Invalid, "Invalid input for query parameters sort_key. Value: %s. '%s' is not one of %s",
				k, k, pyList(allowed))
		}
	}
	return nil
}

func checkDirs(flavor httpapi.Flavor, dirs []string) error {
	for _, d := range dirs {
		if d == "asc" || d == "desc" {
			continue
		}
		switch flavor {
		case httpapi.Glance:
			return fault.New(fault.Invalid, "Invalid sort direction: %s", d)
		case httpapi.Cinder:
			return fault.New(fault.Invalid, "Invalid input received: Unknown sort direction, must be 'desc' or 'asc'.")
		default:
			return fault.New(fault.Invalid, "Invalid input received: Unknown sort direction, must be 'desc' or 'asc'")
		}
	}
	return nil
}

func dirCountMessage(flavor httpapi.Flavor) string {
	switch flavor {
	case httpapi.Glance:
		return "Number of sort dirs does not match the number of sort keys"
	case httpapi.Cinder:
		return "Invalid input received: Sort direction array size exceeds sort key array size."
	}
	return "Invalid input received: Sort direction size exceeds sort key size"
}

// pyList renders names as Python's repr of a list of str, as jsonschema
// error messages show an enum.
func pyList(names []string) string {
	quoted := make([]string, len(names))
	for i, n := range names {
		quoted[i] = fmt.Sprintf("'%s'", n)
	}
	return "[" + strings.Join(quoted, ", ") + "]"
}
