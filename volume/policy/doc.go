// Package volumepolicy holds Cinder's default policy rules (Zed's
// secure-RBAC defaults: readers read, members of the owning project
// change, admins administer) as data for services/policy.
package volumepolicy
