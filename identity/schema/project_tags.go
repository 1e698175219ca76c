package schema

// ProjectTag is keystone/resource/schema.py project_tag_create, a tag in
// the URL of PUT /v3/projects/{id}/tags/{value}.
var ProjectTag = tags().Items

// ProjectTags is project_tags_update, the "tags" of PUT
// /v3/projects/{id}/tags.
var ProjectTags = tags()
