// Package imagepolicy declares glance Zed's default policy rules for the
// image API (glance/policies/base.py and image.py) as data for
// services/policy.
//
// With [oslo_policy] enforce_new_defaults = False, Zed's default, each
// image rule is "new default or rule:default", and "default" is itself ""
// or its deprecated "role:admin": everyone passes, and the real limits are
// the legacy owner checks the API applies (glance/api/v2/policy.py with
// enforce_secure_rbac off) and the visibility rules of the database layer.
// publicize_image ("role:admin") has no deprecated form and always holds.
package imagepolicy
