package httpapi

import (
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"
)

func TestQueryTreatsNoneAsAbsent(t *testing.T) {
	r := httptest.NewRequest(http.MethodGet, "/types?is_public=None&name=a&name=b&tag=x&tag=none&empty=", nil)
	q := QueryOf(r)
	tests := []struct {
		key     string
		get     string
		has     bool
		values  []string
		rawSize int
	}{
		{"is_public", "", false, nil, 1},
		{"name", "b", true, []string{"a", "b"}, 2},
		{"tag", "x", true, []string{"x"}, 2},
		{"empty", "", true, []string{""}, 1},
		{"missing", "", false, nil, 0},
	}
	for _, tt := range tests {
		if got := q.Get(tt.key); got != tt.get {
			t.Errorf("Get(%q) = %q, want %q", tt.key, got, tt.get)
		}
		if got := q.Has(tt.key); got != tt.has {
			t.Errorf("Has(%q) = %v, want %v", tt.key, got, tt.has)
		}
		if got := q.Values(tt.key); !slices.Equal(got, tt.values) {
			t.Errorf("Values(%q) = %q, want %q", tt.key, got, tt.values)
		}
		if got := len(q.URLValues()[tt.key]); got != tt.rawSize {
			t.Errorf("URLValues()[%q] has %d values, want %d", tt.key, got, tt.rawSize)
		}
	}
}
