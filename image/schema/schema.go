package schema

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"slices"
)

var (
	//go:embed image.json
	imageJSON []byte
	//go:embed images.json
	imagesJSON []byte
	//go:embed member.json
	memberJSON []byte
	//go:embed members.json
	membersJSON []byte
)

// ImageJSON returns the body of GET /v2/schemas/image.
func ImageJSON() []byte { return slices.Clone(imageJSON) }

// ImagesJSON returns the body of GET /v2/schemas/images.
func ImagesJSON() []byte { return slices.Clone(imagesJSON) }

// MemberJSON returns the body of GET /v2/schemas/member.
func MemberJSON() []byte { return slices.Clone(memberJSON) }

// MembersJSON returns the body of GET /v2/schemas/members.
func MembersJSON() []byte { return slices.Clone(membersJSON) }

// Node is one JSON schema (the subset glance's image schema uses).
type Node struct {
	Type                 Types            `json:"type"`
	Enum                 []any            `json:"enum"`
	MaxLength            *int             `json:"maxLength"`
	MinLength            *int             `json:"minLength"`
	Pattern              string           `json:"pattern"`
	Items                *Node            `json:"items"`
	Properties           map[string]*Node `json:"properties"`
	AdditionalProperties *Additional      `json:"additionalProperties"`
	Required             []string         `json:"required"`
	ReadOnly             bool             `json:"readOnly"`
	IsBase               *bool            `json:"is_base"`
}

// Additional is "additionalProperties": a schema, or false.
type Additional struct {
	Schema    *Node // nil with Forbidden
	Forbidden bool
}

// UnmarshalJSON reads a schema or a boolean.
func (a *Additional) UnmarshalJSON(b []byte) error {
	var flag bool
	if err := json.Unmarshal(b, &flag); err == nil {
		a.Forbidden = !flag
		return nil
	}
	a.Schema = new(Node)
	return json.Unmarshal(b, a.Schema)
}

// Types is a schema's "type": one name or a list of names.
type Types []string

// UnmarshalJSON reads "string" or ["null", "string"].
func (t *Types) UnmarshalJSON(b []byte) error {
	var one string
	if err := json.Unmarshal(b, &one); err == nil {
		*t = Types{one}
		return nil
	}
	var many []string
	if err := json.Unmarshal(b, &many); err != nil {
		return fmt.Errorf("schema type: %w", err)
	}
	*t = many
	return nil
}

// Image is the parsed image schema.
var Image = mustParse(imageJSON)

func mustParse(b []byte) *Node {
	var n Node
	if err := json.Unmarshal(b, &n); err != nil {
		panic(fmt.Sprintf("image schema: %v", err))
	}
	return &n
}

// Property returns the schema of a named image property, or nil for a
// custom (additional) property.
func Property(name string) *Node { return Image.Properties[name] }

// IsBase reports whether name is one of glance's base image properties
// (not a custom property from schema-image.json, nor an additional one).
func IsBase(name string) bool {
	p := Image.Properties[name]
	return p != nil && p.IsBase == nil
}
