package api

import (
	"strings"

	"github.com/gostack/gostack/services/httpapi"
)

// inexact is one of keystone's inexact list filters: ATTR__OP=VALUE in the
// query of a list call (name__contains=foo), for an attribute the list
// filters on. OP is contains, startswith or endswith, each with an "i"
// before it for a case-insensitive match (name__icontains); an operator
// keystone does not know filters nothing.
type inexact struct {
	attr, op, value string
	fold            bool // case-insensitive
}

// inexactFilters collects the inexact filters of q on attrs.
func inexactFilters(q httpapi.Query, attrs ...string) []inexact {
	var out []inexact
	for key := range q.URLValues() {
		for _, attr := range attrs {
			op, ok := strings.CutPrefix(key, attr+"__")
			if !ok {
				continue
			}
			f := inexact{attr: attr, op: op, value: q.Get(key)}
			if strings.HasPrefix(op, "i") {
				f.op, f.fold = op[1:], true
			}
			out = append(out, f)
		}
	}
	return out
}

// matches reports whether an entity passes every filter of fs; get gives
// its value of an attribute, and false when the attribute is unset (which
// no inexact filter matches).
func matchesInexact(fs []inexact, get func(attr string) (string, bool)) bool {
	for _, f := range fs {
		v, ok := get(f.attr)
		if !ok {
			return false
		}
		want := f.value
		if f.fold {
			v, want = strings.ToLower(v), strings.ToLower(want)
		}
		switch f.op {
		case "contains":
			ok = strings.Contains(v, want)
		case "startswith":
			ok = strings.HasPrefix(v, want)
		case "endswith":
			ok = strings.HasSuffix(v, want)
		}
		if !ok {
			return false
		}
	}
	return true
}

// filterInexact keeps the items of xs that pass fs.
func filterInexact[T any](xs []T, fs []inexact, get func(x T, attr string) (string, bool)) []T {
	if len(fs) == 0 {
		return xs
	}
	out := xs[:0:0]
	for _, x := range xs {
		if matchesInexact(fs, func(attr string) (string, bool) { return get(x, attr) }) {
			out = append(out, x)
		}
	}
	return out
}

// nonEmpty is a getter's answer for an optional string attribute.
func nonEmpty(s string) (string, bool) { return s, s != "" }
