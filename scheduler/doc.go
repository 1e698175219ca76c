// Package scheduler picks hosts for instances: host state, filters,
// weighers and resource claims verified at claim time.
package scheduler
