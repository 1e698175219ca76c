// Package schema validates keystone request bodies the way keystone's
// jsonschema validators do (keystone/common/validation), with the subset
// of JSON Schema draft 4 its schemas use, and keystone's messages:
//
//	Invalid input for field 'identity/password/user/password': 42 is not of type 'string'
//
// The field path is '/'-joined from the validated object (e.g. the "auth"
// or "project" member of the body) and values are shown as Python's repr
// shows them, because that is what keystone's users and tests see.
//
// One difference: keystone's message continues with jsonschema's dump of
// the failing schema and instance ("Failed validating 'type' in
// schema..."); we send the first line only.
//
// The request schemas themselves, copied in shape from keystone stable/zed
// (keystone/*/schema.py), are in schemas.go.
package schema
