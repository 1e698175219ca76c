package pyrepr

import (
	"encoding/json"
	"testing"
)

func TestReprMatchesPython(t *testing.T) {
	for _, tc := range []struct {
		in   any
		want string
	}{
		{nil, "None"},
		{true, "True"},
		{false, "False"},
		{"text", "'text'"},
		{"it's", `"it's"`},
		{`both ' and "`, `'both \' and "'`},
		{"a\\b\nc", `'a\\b\nc'`},
		{float64(42), "42"},
		{1.5, "1.5"},
		{json.Number("7"), "7"},
		{[]any{float64(1), "a"}, "[1, 'a']"},
		{map[string]any{"b": true, "a": nil}, "{'a': None, 'b': True}"},
	} {
		if got := Repr(tc.in); got != tc.want {
			t.Errorf("Repr(%#v) = %s, want %s", tc.in, got, tc.want)
		}
	}
}
