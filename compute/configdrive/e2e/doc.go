// Package e2e holds the config drive's end-to-end test: the real openstack
// client boots a server with --config-drive and a key pair on the dev cloud
// (`make dev`), and the tiny guest prints what it read from the drive. It
// has no code of its own.
package e2e
