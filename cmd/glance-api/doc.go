// Command glance-api is the Image v2 daemon.
//
//	glance-api [--config-file F]...
//
// It listens on [DEFAULT] bind_host:bind_port (0.0.0.0:9292), keeps image
// records in [database] connection and image data in the RBD pool of
// [glance_store] rbd_store_pool, and validates tokens with keystone per
// [keystone_authtoken].
package main
