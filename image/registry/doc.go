// Package registry keeps Glance's image records in PostgreSQL: images
// with their custom properties, tags, members and data locations (the
// tables of migrations/glance), as glance/db/sqlalchemy/api.py does.
//
// It answers questions of data, not of permission: who may see or change
// an image is decided by the API with policy, except for listing, where
// the visibility rules of glance's _select_images_query (owner, public,
// community, shared with an accepted member) are part of the query so that
// pagination stays right. Images are soft-deleted and then invisible.
package registry
