package rpc

import "testing"

func TestRecentIDsForgetsTheOldest(t *testing.T) {
	r := newRecentIDs(3)
	for _, id := range []string{"a", "b", "c", "a", "d"} {
		r.add(id)
	}
	for id, want := range map[string]bool{"a": false, "b": true, "c": true, "d": true, "e": false} {
		if got := r.has(id); got != want {
			t.Errorf("has(%q) = %v, want %v", id, got, want)
		}
	}
}
