package identitypolicy

import "github.com/gostack/gostack/services/policy"

const (
	projectEndpointDeprecation = "\nAs of the Train release, the project endpoint API now understands default\n" +
		"roles and system-scoped tokens, making the API more granular by default without\n" +
		"compromising security. The new policy defaults account for these changes\n" +
		"automatically. Be sure to take these new defaults into consideration if you are\n" +
		"relying on overrides in your deployment for the project endpoint API.\n"
	endpointGroupDeprecation = "The endpoint groups API is now aware of system scope and default roles."
)

// epFilter is one OS-EP-FILTER rule: all are system-scoped with
// admin_required as their Train deprecated default.
func epFilter(name, check, description, reason string, operations ...string) policy.Rule {
	return replacing(name, check, description, systemScope,
		policy.DeprecatedRule{Check: ruleAdminRequired, Since: "T", Reason: reason}, operations...)
}

// endpointGroupRules returns the defaults for endpoint groups (keystone/common/policies/endpoint_group.py).
func endpointGroupRules() []policy.Rule {
	const (
		groups  = "/v3/OS-EP-FILTER/endpoint_groups"
		group   = groups + "/{endpoint_group_id}"
		project = group + "/projects/{project_id}"
		r       = endpointGroupDeprecation
	)
	return []policy.Rule{
		epFilter("create_endpoint_group", systemAdmin, "Create endpoint group.", r, "POST "+groups),
		epFilter("list_endpoint_groups", systemReader, "List endpoint groups.", r, "GET "+groups),
		epFilter("get_endpoint_group", systemReader, "Get endpoint group.", r, "GET "+group, "HEAD "+group),
		epFilter("update_endpoint_group", systemAdmin, "Update endpoint group.", r, "PATCH "+group),
		epFilter("delete_endpoint_group", systemAdmin, "Delete endpoint group.", r, "DELETE "+group),
		epFilter("list_projects_associated_with_endpoint_group", systemReader,
			"List all projects associated with a specific endpoint group.", r, "GET "+group+"/projects"),
		epFilter("list_endpoints_associated_with_endpoint_group", systemReader,
			"List all endpoints associated with an endpoint group.", r, "GET "+group+"/endpoints"),
		epFilter("get_endpoint_group_in_project", systemReader,
			"Check if an endpoint group is associated with a project.", r, "GET "+project, "HEAD "+project),
		epFilter("list_endpoint_groups_for_project", systemReader,
			"List endpoint groups associated with a specific project.", r, "GET /v3/OS-EP-FILTER/projects/{project_id}/endpoint_groups"),
		epFilter("add_endpoint_group_to_project", systemAdmin, "Allow a project to access an endpoint group.", r, "PUT "+project),
		epFilter("remove_endpoint_group_from_project", systemAdmin, "Remove endpoint group from project.", r, "DELETE "+project),
	}
}

// projectEndpointRules returns the defaults for project-endpoint
// associations (keystone/common/policies/project_endpoint.py).
func projectEndpointRules() []policy.Rule {
	const (
		assoc = "/v3/OS-EP-FILTER/projects/{project_id}/endpoints/{endpoint_id}"
		r     = projectEndpointDeprecation
	)
	return []policy.Rule{
		epFilter("list_projects_for_endpoint", systemReader, "List projects allowed to access an endpoint.", r,
			"GET /v3/OS-EP-FILTER/endpoints/{endpoint_id}/projects"),
		epFilter("add_endpoint_to_project", systemAdmin, "Allow project to access an endpoint.", r, "PUT "+assoc),
		epFilter("check_endpoint_in_project", systemReader, "Check if a project is allowed to access an endpoint.", r,
			"GET "+assoc, "HEAD "+assoc),
		epFilter("list_endpoints_for_project", systemReader, "List the endpoints a project is allowed to access.", r,
			"GET /v3/OS-EP-FILTER/projects/{project_id}/endpoints"),
		epFilter("remove_endpoint_from_project", systemAdmin,
			"Remove access to an endpoint from a project that has previously been given explicit access.", r, "DELETE "+assoc),
	}
}
