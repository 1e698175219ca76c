// Command cinder-volume serves the volume backends of this host.
//
//	cinder-volume [--config-file F]...
//
// For each section named in [DEFAULT] enabled_backends it runs one volume
// manager as host@backend with that section's driver (RBD), consuming
// cinder-volume.<host>@<backend> on [DEFAULT] transport_url.
package main
