package api_test

import "testing"

// TestGroupsReadOnly: the generic volume groups Horizon lists beside the
// volumes: none below 3.13, an empty list from it, and no group to show.
func TestGroupsReadOnly(t *testing.T) {
	s := adminSession(t)
	if code, _ := s.do("GET", "/groups/detail", "3.12", nil); code != 404 {
		t.Errorf("groups at 3.12: %d, want 404", code)
	}
	for _, path := range []string{"/groups", "/groups/detail"} {
		out := s.must(200, "GET", path, "3.13", nil)
		if g, ok := out["groups"].([]any); !ok || len(g) != 0 {
			t.Errorf("GET %s: %v, want an empty groups list", path, out)
		}
	}
	out := s.must(404, "GET", "/groups/0d1f6f3c-7b55-4c1e-9a43-3b5d5a3b0f11", "3.44", nil)
	nf, _ := out["itemNotFound"].(map[string]any)
	if msg, _ := nf["message"].(string); msg != "Group 0d1f6f3c-7b55-4c1e-9a43-3b5d5a3b0f11 could not be found." {
		t.Errorf("show: %v", out)
	}
}
