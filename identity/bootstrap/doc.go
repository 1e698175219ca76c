// Package bootstrap creates, idempotently, what a new keystone needs
// before anyone can log in, as `keystone-manage bootstrap` does: the
// default domain, the admin project, the admin, member and reader roles
// (admin implies member implies reader), the admin user with the admin
// role on the admin project and on the system, the region, and the
// identity service with its endpoints. It also registers other services'
// endpoints and their service users, which the dev stack does for glance,
// cinder and nova.
//
// Every step looks before it creates, so running it again changes only
// what differs (a new URL, a reset password) and never duplicates rows.
package bootstrap
