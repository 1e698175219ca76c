// Package api is cinder-api: the Block Storage v3 HTTP API. It
// authenticates (services/auth), authorizes (volumepolicy), validates and
// records requests in the database (volume/store), and casts the work to
// cinder-scheduler or the volume's backend (volume/rpcapi). Routes are
// served both as /v3/{project_id}/... and /v3/...; the project is always
// the token's. See api-ref/volume for the endpoints and microversions.
package api
