// Package store keeps Keystone's data in PostgreSQL: domains, projects,
// users, groups and their members, roles and implied roles, role
// assignments, the catalog (regions, services, endpoints), application
// credentials and token revocation events.
//
// It speaks keystone's error language: a missing row is a fault.NotFound
// with keystone's "Could not find project: <id>." text, a duplicate is a
// fault.Conflict with "Conflict occurred attempting to store user -
// Duplicate entry found with name demo at domain ID default." (keystone's
// exception.Conflict and sql.handle_conflicts), so the API layer renders
// errors without knowing which table they came from.
//
// Effective roles (RolesOn, EffectiveAssignments) follow keystone's
// assignment manager: direct assignments, assignments through the user's
// groups, inherited assignments from the project's domain and ancestors,
// then implied roles expanded transitively (admin implies member implies
// reader). Domain-specific roles only ever contribute the global roles
// they imply, as in keystone's _remove_domain_specific_roles.
package store
