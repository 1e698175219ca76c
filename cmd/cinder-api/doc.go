// Command cinder-api is the Block Storage v3 daemon.
//
//	cinder-api [--config-file F]...
//
// It listens on [DEFAULT] osapi_volume_listen:osapi_volume_listen_port
// (0.0.0.0:8776), keeps records in [database] connection, validates tokens
// with keystone per [keystone_authtoken] and casts work over
// [DEFAULT] transport_url to cinder-scheduler and cinder-volume.
package main
