// Package api is the Compute v2.1 API (nova-api): version discovery,
// microversions, flavors with extra specs and access lists, keypairs,
// servers with their actions, metadata, tags and instance actions,
// hypervisors, services, availability zones, limits, quotas and simple
// tenant usage. A "server" of the API is an instance everywhere else.
//
// Handlers validate, authorize with nova's policy rules, read and write
// the database through compute/store, and hand long work to the conductor
// (build) or to the instance's compute host (power actions, delete,
// console) over RPC. Each handler names its api-ref section.
package api
