package policy

import (
	"math"
	"strconv"
	"strings"
)

// literalKind reports whether a generic check's kind is a Python literal,
// as oslo's GenericCheck decides with ast.literal_eval, and returns the
// literal as str() renders it: 'member' and "member" give member, True
// gives True, None gives None, 007 is not a literal (Python rejects it).
// Containers (lists, dicts, tuples) and escapes in strings are not
// supported; such a kind is read as a credential path, which is missing.
func literalKind(kind string) (string, bool) {
	switch kind {
	case "True", "False", "None":
		return kind, true
	}
	if n := len(kind); n >= 2 && (kind[0] == '\'' || kind[0] == '"') && kind[n-1] == kind[0] {
		inner := kind[1 : n-1]
		if strings.ContainsAny(inner, `\`+kind[:1]) {
			return "", false
		}
		return inner, true
	}
	digits := strings.TrimLeft(kind, "+-")
	if len(kind)-len(digits) > 1 || digits == "" || digits[0] < '0' || digits[0] > '9' {
		return "", false
	}
	if i, err := strconv.ParseInt(kind, 10, 64); err == nil {
		if len(digits) > 1 && digits[0] == '0' {
			return "", false
		}
		return strconv.FormatInt(i, 10), true
	}
	if f, err := strconv.ParseFloat(kind, 64); err == nil && !strings.ContainsAny(kind, "xXpP_") {
		if f == math.Trunc(f) && math.Abs(f) < 1e16 {
			return strconv.FormatFloat(f, 'f', 1, 64), true
		}
		return strconv.FormatFloat(f, 'g', -1, 64), true
	}
	return "", false
}
