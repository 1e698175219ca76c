package schema

import (
	"encoding/json"
	"testing"

	"github.com/gostack/gostack/services/fault"
)

func TestValidateMessages(t *testing.T) {
	tests := []struct {
		schema *Schema
		body   string
		want   string
	}{
		{TokenIssue, `{"identity": {"methods": ["password"], "password": {"user": {"name": "a", "password": 42}}}}`,
			"Invalid input for field 'identity/password/user/password': 42 is not of type 'string'"},
		{TokenIssue, `{"identity": {}}`, "Invalid input for field 'identity': 'methods' is a required property"},
		{TokenIssue, `{}`, "'identity' is a required property"},
		{TokenIssue, `{"identity": {"methods": []}, "scope": 5}`, "Invalid input for field 'scope': 5 is not of type 'object', 'string'"},
		{ProjectCreate, `{"name": ""}`, "Invalid input for field 'name': '' is too short"},
		{ProjectCreate, `{"name": "x", "enabled": "yes"}`, "Invalid input for field 'enabled': 'yes' is not of type 'boolean'"},
		{ProjectUpdate, `{}`, "{} does not have enough properties"},
		{EndpointCreate, `{"interface": "foo", "service_id": "s", "url": "http://x"}`,
			"Invalid input for field 'interface': 'foo' is not one of ['admin', 'internal', 'public']"},
		{PasswordChange, `{"password": "a", "original_password": "b", "x": 1}`, "Additional properties are not allowed ('x' was unexpected)"},
		{ProjectCreate, `{"name": "ok", "tags": ["a/b"]}`, `Invalid input for field 'tags/0': 'a/b' does not match '^[^,/]*$'`},
	}
	for _, tt := range tests {
		var v any
		if err := json.Unmarshal([]byte(tt.body), &v); err != nil {
			t.Fatal(err)
		}
		err := tt.schema.Validate(v)
		if fault.KindOf(err) != fault.Invalid || fault.MessageOf(err) != tt.want {
			t.Errorf("%s: got %v, want %q", tt.body, err, tt.want)
		}
	}
	var ok any
	_ = json.Unmarshal([]byte(`{"name": "demo", "enabled": true, "options": {}, "tags": []}`), &ok)
	if err := ProjectCreate.Validate(ok); err != nil {
		t.Errorf("valid project refused: %v", err)
	}
}
