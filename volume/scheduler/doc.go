// Package scheduler is cinder-scheduler: it keeps the capabilities each
// backend reports (update_service_capabilities fanouts), and places a new
// volume on a backend whose service is up and enabled, whose
// volume_backend_name matches the type's extra spec, whose availability
// zone matches, and which has the free capacity (filters as upstream's
// AvailabilityZoneFilter, CapabilitiesFilter, CapacityFilter; the most
// free capacity wins, as the CapacityWeigher). With no backend left the
// volume goes to error with a user message. For a migration it checks
// the backend an admin named, and for a retype it finds the backend the
// volume's new type fits (migrate.go).
package scheduler
