package microversion

import (
	"fmt"
	"regexp"
	"strconv"
)

// Version is an API microversion X.Y. The zero Version is "null": no
// version, and no bound when used as a range end.
type Version struct {
	Major, Minor int
}

// V returns the version major.minor.
func V(major, minor int) Version { return Version{Major: major, Minor: minor} }

// versionRe is nova's and cinder's APIVersionRequest format.
var versionRe = regexp.MustCompile(`^([1-9]\d*)\.([1-9]\d*|0)$`)

// Parse reads "X.Y" with the rules of nova's APIVersionRequest: no leading
// zeros, no spaces, no signs.
func Parse(s string) (Version, error) {
	m := versionRe.FindStringSubmatch(s)
	if m == nil {
		return Version{}, fmt.Errorf("microversion %q: not of the form MajorNum.MinorNum", s)
	}
	major, err := strconv.Atoi(m[1])
	if err != nil {
		return Version{}, fmt.Errorf("microversion %q: %w", s, err)
	}
	minor, err := strconv.Atoi(m[2])
	if err != nil {
		return Version{}, fmt.Errorf("microversion %q: %w", s, err)
	}
	return Version{Major: major, Minor: minor}, nil
}

// MustParse is Parse for constants; it panics on a malformed string.
func MustParse(s string) Version {
	v, err := Parse(s)
	if err != nil {
		panic(err)
	}
	return v
}

// String returns "X.Y".
func (v Version) String() string { return fmt.Sprintf("%d.%d", v.Major, v.Minor) }

// IsNull reports whether v is the zero version.
func (v Version) IsNull() bool { return v.Major == 0 && v.Minor == 0 }

// Compare returns -1, 0 or +1 as v is below, equal to or above o.
func (v Version) Compare(o Version) int {
	switch {
	case v.Major != o.Major:
		if v.Major < o.Major {
			return -1
		}
		return 1
	case v.Minor < o.Minor:
		return -1
	case v.Minor > o.Minor:
		return 1
	}
	return 0
}

// AtLeast reports whether v >= major.minor, the everyday check in
// handlers: if v.AtLeast(2, 37) { ... }.
func (v Version) AtLeast(major, minor int) bool { return v.Compare(V(major, minor)) >= 0 }

// Less reports whether v < o.
func (v Version) Less(o Version) bool { return v.Compare(o) < 0 }

// Matches reports whether min <= v <= max; a null min or max is no bound,
// as in nova's APIVersionRequest.matches.
func (v Version) Matches(min, max Version) bool {
	if !min.IsNull() && v.Less(min) {
		return false
	}
	if !max.IsNull() && max.Less(v) {
		return false
	}
	return true
}
