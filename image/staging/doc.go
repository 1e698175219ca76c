// Package staging keeps image data in files under one directory while it
// waits to be checked, converted or imported: glance's staging store
// ([os_glance_staging_store] filesystem_store_datadir). A file is named by
// its image id (what `PUT /v2/images/{id}/stage` stages) or is a
// temporary of an upload in progress; callers remove what they made.
package staging
