// Package servicegroup tracks which service daemons are alive: the
// database driver of nova's and cinder's servicegroup. Each daemon
// registers a row in its service database's services table when it starts
// and then heartbeats: every report_interval it stamps last_seen_up and
// bumps report_count. A service is up while it is not forced down and its
// last heartbeat is no older than service_down_time (IsUp).
//
// Heartbeat times come from the database clock (now()), so all writers
// share one clock; readers compare them with their own, as upstream does,
// which assumes hosts keep time with NTP.
package servicegroup
