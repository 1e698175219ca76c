// Command cinder-scheduler places new volumes on backends.
//
//	cinder-scheduler [--config-file F]...
//
// It consumes the cinder-scheduler topic on [DEFAULT] transport_url,
// records placements in [database] connection and heartbeats there.
package main
