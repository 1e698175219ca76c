package policy

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// match is the right-hand side of a check, "admin" or "%(target.user.id)s",
// compiled once. oslo.policy renders it with Python's "match % target";
// we support what that does for policy files: %(key)s and %%.
type match struct {
	raw   string
	parts []matchPart // nil when the match is the constant lit
	lit   string
}

// matchPart is a literal run of text, or a target key when isKey.
type matchPart struct {
	text  string
	isKey bool
}

func compileMatch(s string) (match, error) {
	m := match{raw: s}
	if !strings.Contains(s, "%") {
		m.lit = s
		return m, nil
	}
	var lit strings.Builder
	flush := func() {
		if lit.Len() > 0 {
			m.parts = append(m.parts, matchPart{text: lit.String()})
			lit.Reset()
		}
	}
	for i := 0; i < len(s); i++ {
		if s[i] != '%' {
			lit.WriteByte(s[i])
			continue
		}
		switch {
		case strings.HasPrefix(s[i:], "%%"):
			lit.WriteByte('%')
			i++
		case strings.HasPrefix(s[i:], "%("):
			end := strings.IndexByte(s[i:], ')')
			if end < 0 || i+end+1 >= len(s) || s[i+end+1] != 's' {
				return match{}, fmt.Errorf("%w: %q: a substitution must read %%(key)s", ErrSyntax, s)
			}
			flush()
			m.parts = append(m.parts, matchPart{text: s[i+2 : i+end], isKey: true})
			i += end + 1
		default:
			return match{}, fmt.Errorf("%w: %q: a lone %% (write %%%% for a literal percent sign)", ErrSyntax, s)
		}
	}
	flush()
	if len(m.parts) == 1 && !m.parts[0].isKey {
		m.lit, m.parts = m.parts[0].text, nil
	}
	return m, nil
}

// render substitutes the target's values. It reports false when a key is
// missing from the target, which makes the check false (oslo catches the
// KeyError).
func (m *match) render(t Target) (string, bool) {
	if m.parts == nil {
		return m.lit, true
	}
	if len(m.parts) == 1 {
		v, ok := t.Lookup(m.parts[0].text)
		if !ok {
			return "", false
		}
		return pyStr(v), true
	}
	var b strings.Builder
	for _, p := range m.parts {
		if !p.isKey {
			b.WriteString(p.text)
			continue
		}
		v, ok := t.Lookup(p.text)
		if !ok {
			return "", false
		}
		b.WriteString(pyStr(v))
	}
	return b.String(), true
}

// pyStr renders a value as Python's str() would render the same value
// decoded from JSON: None, True, False, 42 (a float64 holding a whole
// number is an integer that went through encoding/json).
func pyStr(v any) string {
	switch v := v.(type) {
	case string:
		return v
	case nil:
		return "None"
	case bool:
		return pyBool(v)
	case int:
		return strconv.Itoa(v)
	case int32:
		return strconv.FormatInt(int64(v), 10)
	case int64:
		return strconv.FormatInt(v, 10)
	case uint:
		return strconv.FormatUint(uint64(v), 10)
	case uint32:
		return strconv.FormatUint(uint64(v), 10)
	case uint64:
		return strconv.FormatUint(v, 10)
	case float64:
		if v == math.Trunc(v) && math.Abs(v) < 1e15 {
			return strconv.FormatInt(int64(v), 10)
		}
		return strconv.FormatFloat(v, 'g', -1, 64)
	case fmt.Stringer:
		return v.String()
	}
	return fmt.Sprint(v)
}

func pyBool(b bool) string {
	if b {
		return "True"
	}
	return "False"
}
