package schema

// Helpers for building schemas like keystone's parameter_types.
func ptr[T any](v T) *T { return &v }

func types(t ...string) []string { return t }

// Str is {"type": "string"}.
func Str() *Schema { return &Schema{Type: types("string")} }

// Bool is parameter_types.boolean.
func Bool() *Schema { return &Schema{Type: types("boolean"), Enum: []any{true, false}} }

func nullable(s *Schema) *Schema {
	c := *s
	c.Type = append(append([]string(nil), s.Type...), "null")
	if c.Enum != nil {
		c.Enum = append(append([]any(nil), s.Enum...), nil)
	}
	return &c
}

func obj(props map[string]*Schema, required ...string) *Schema {
	return &Schema{Type: types("object"), Properties: props, Required: required}
}

func idString() *Schema {
	return &Schema{Type: types("string"), MinLength: ptr(1), MaxLength: ptr(64), Pattern: `^[a-zA-Z0-9-]+$`}
}

func name255() *Schema {
	return &Schema{Type: types("string"), MinLength: ptr(1), MaxLength: ptr(255), Pattern: `[\S]+`}
}

func name64() *Schema {
	return &Schema{Type: types("string"), MinLength: ptr(1), MaxLength: ptr(64), Pattern: `[\S]+`}
}

func tags() *Schema {
	return &Schema{Type: types("array"), MaxItems: ptr(80), UniqueItems: true,
		Items: &Schema{Type: types("string"), MinLength: ptr(1), MaxLength: ptr(255), Pattern: `^[^,/]*$`}}
}

func urlString() *Schema {
	return &Schema{Type: types("string"), MinLength: ptr(0), MaxLength: ptr(225), Pattern: `^[a-zA-Z0-9+.-]+:.+`}
}

func withMin(s *Schema, n int) *Schema { c := *s; c.MinProperties = n; c.Required = nil; return &c }

func optionsObject() *Schema { return &Schema{Type: types("object")} }

func idName() *Schema { return obj(map[string]*Schema{"id": Str(), "name": Str()}) }

// TokenIssue is keystone/auth/schema.py token_issue, for the "auth"
// member of POST /v3/auth/tokens.
var TokenIssue = obj(map[string]*Schema{
	"identity": obj(map[string]*Schema{
		"methods": {Type: types("array"), Items: Str()},
		"password": obj(map[string]*Schema{
			"user": obj(map[string]*Schema{
				"id": Str(), "name": Str(), "password": Str(), "domain": idName(),
			}),
		}),
		"token": obj(map[string]*Schema{"id": Str()}, "id"),
		"application_credential": obj(map[string]*Schema{
			"id": Str(), "name": Str(), "secret": Str(),
			"user": obj(map[string]*Schema{"id": Str(), "name": Str(), "domain": idName()}),
		}),
	}, "methods"),
	"scope": {Type: types("object", "string"), Properties: map[string]*Schema{
		"project":        obj(map[string]*Schema{"name": Str(), "id": Str(), "domain": idName()}),
		"domain":         idName(),
		"OS-TRUST:trust": obj(map[string]*Schema{"id": Str()}),
		"system":         obj(map[string]*Schema{"all": Bool()}),
	}},
}, "identity")

var projectProps = map[string]*Schema{
	"description": nullable(Str()),
	"domain_id":   nullable(idString()),
	"enabled":     Bool(),
	"is_domain":   Bool(),
	"parent_id":   nullable(idString()),
	"name":        name64(),
	"tags":        tags(),
	"options":     optionsObject(),
}

// ProjectCreate and ProjectUpdate are keystone/resource/schema.py's.
var (
	ProjectCreate = obj(projectProps, "name")
	ProjectUpdate = withMin(obj(projectProps), 1)
)

var domainProps = map[string]*Schema{
	"description": nullable(Str()),
	"enabled":     Bool(),
	"name":        name64(),
	"tags":        tags(),
}

// DomainCreate and DomainUpdate are keystone/resource/schema.py's.
var (
	DomainCreate = obj(domainProps, "name")
	DomainUpdate = withMin(obj(domainProps), 1)
)

var userProps = map[string]*Schema{
	"default_project_id": nullable(idString()),
	"description":        nullable(Str()),
	"domain_id":          idString(),
	"enabled":            Bool(),
	"name":               name255(),
	"password":           nullable(Str()),
	"options":            optionsObject(),
}

// UserCreate, UserUpdate and PasswordChange are keystone/identity/schema.py's.
var (
	UserCreate     = obj(userProps, "name")
	UserUpdate     = withMin(obj(userProps), 1)
	PasswordChange = &Schema{Type: types("object"), Properties: map[string]*Schema{
		"original_password": Str(), "password": Str(),
	}, Required: []string{"original_password", "password"}, AdditionalProperties: ptr(false)}
)

var groupProps = map[string]*Schema{
	"description": nullable(Str()),
	"domain_id":   idString(),
	"name":        name64(),
}

// GroupCreate and GroupUpdate are keystone/identity/schema.py's.
var (
	GroupCreate = obj(groupProps, "name")
	GroupUpdate = withMin(obj(groupProps), 1)
)

var roleProps = map[string]*Schema{
	"name":        name255(),
	"description": nullable(Str()),
	"options":     optionsObject(),
}

// RoleCreate and RoleUpdate are keystone/assignment/schema.py's, with
// domain_id for domain-specific roles.
var (
	RoleCreate = obj(mergeProps(roleProps, map[string]*Schema{"domain_id": nullable(idString())}), "name")
	RoleUpdate = withMin(obj(roleProps), 1)
)

var regionProps = map[string]*Schema{
	"description":      nullable(Str()),
	"parent_region_id": nullable(Str()),
}

// RegionCreate and RegionUpdate are keystone/catalog/schema.py's.
var (
	RegionCreate = obj(mergeProps(regionProps, map[string]*Schema{"id": Str()}))
	RegionUpdate = withMin(obj(regionProps), 1)
)

var serviceProps = map[string]*Schema{
	"enabled": Bool(),
	"name":    nullable(&Schema{Type: types("string"), MaxLength: ptr(255)}),
	"type":    {Type: types("string"), MinLength: ptr(1), MaxLength: ptr(255)},
}

// ServiceCreate and ServiceUpdate are keystone/catalog/schema.py's.
var (
	ServiceCreate = obj(serviceProps, "type")
	ServiceUpdate = withMin(obj(serviceProps), 1)
)

var endpointProps = map[string]*Schema{
	"enabled":    Bool(),
	"interface":  {Type: types("string"), Enum: []any{"admin", "internal", "public"}},
	"region_id":  nullable(Str()),
	"region":     nullable(Str()),
	"service_id": Str(),
	"url":        urlString(),
}

// EndpointCreate and EndpointUpdate are keystone/catalog/schema.py's.
var (
	EndpointCreate = obj(endpointProps, "interface", "service_id", "url")
	EndpointUpdate = withMin(obj(endpointProps), 1)
)

// ApplicationCredentialCreate is keystone/application_credential/schema.py's.
var ApplicationCredentialCreate = obj(map[string]*Schema{
	"name":         name255(),
	"description":  nullable(Str()),
	"secret":       nullable(Str()),
	"expires_at":   nullable(Str()),
	"roles":        {Type: types("array"), Items: idName()},
	"unrestricted": nullable(Bool()),
	"access_rules": {Type: types("array")},
}, "name")

func mergeProps(a, b map[string]*Schema) map[string]*Schema {
	out := make(map[string]*Schema, len(a)+len(b))
	for k, v := range a {
		out[k] = v
	}
	for k, v := range b {
		out[k] = v
	}
	return out
}

var credentialProps = map[string]*Schema{
	"blob":       Str(),
	"project_id": Str(),
	"type":       Str(),
	"user_id":    Str(),
}

// CredentialProperties and CredentialUpdate are keystone/credential/schema.py's;
// credential_create's oneOf (an ec2 credential also requires project_id)
// is checked by the handler after CredentialProperties.
var (
	CredentialProperties = obj(credentialProps)
	CredentialUpdate     = withMin(obj(credentialProps), 1)
)

var policyProps = map[string]*Schema{
	"blob": Str(),
	"type": {Type: types("string"), MaxLength: ptr(255)},
}

// PolicyCreate and PolicyUpdate are keystone/policy/schema.py's.
var (
	PolicyCreate = obj(policyProps, "blob", "type")
	PolicyUpdate = withMin(obj(policyProps), 1)
)

var endpointGroupProps = map[string]*Schema{
	"description": nullable(Str()),
	"filters":     {Type: types("object")},
	"name":        name255(),
}

// EndpointGroupCreate and EndpointGroupUpdate are keystone/catalog/schema.py's.
var (
	EndpointGroupCreate = obj(endpointGroupProps, "name", "filters")
	EndpointGroupUpdate = withMin(obj(endpointGroupProps), 1)
)
