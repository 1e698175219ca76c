package token

import (
	"testing"

	"github.com/gostack/gostack/services/fault"
)

func TestCheckRescope(t *testing.T) {
	unscoped := Payload{UserID: "u1"}
	project := Payload{UserID: "u1", ProjectID: "p1"}
	domain := Payload{UserID: "u1", DomainID: "d1"}
	system := Payload{UserID: "u1", System: SystemAll}
	const (
		systemMsg  = "You are not authorized to perform the requested action: Using a system-scoped token to create a project-scoped or domain-scoped token is not allowed.."
		rescopeMsg = "You are not authorized to perform the requested action: rescope a scoped token."
	)
	tests := []struct {
		name    string
		parent  Payload
		req     Request
		allow   bool
		wantMsg string // "" when allowed
	}{
		{"unscoped to project", unscoped, Request{ProjectID: "p1"}, false, ""},
		{"project to project, allowed", project, Request{ProjectID: "p2"}, true, ""},
		{"project to project, not allowed", project, Request{ProjectID: "p2"}, false, rescopeMsg},
		{"domain to unscoped, not allowed", domain, Request{}, false, rescopeMsg},
		{"system to system", system, Request{System: SystemAll}, false, ""},
		{"system to project", system, Request{ProjectID: "p1"}, true, systemMsg},
		{"system to domain", system, Request{DomainID: "d1"}, true, systemMsg},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := CheckRescope(tt.parent, tt.req, tt.allow)
			if tt.wantMsg == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if fault.KindOf(err) != fault.Forbidden || fault.MessageOf(err) != tt.wantMsg {
				t.Errorf("got %v %q", fault.KindOf(err), fault.MessageOf(err))
			}
		})
	}
}
