// Package e2e holds the image service's end-to-end tests: the real
// openstack client (python-openstackclient) and the rbd tool against the
// dev cloud's glance-api (`make dev`), as a user of the cloud would drive
// it. It has no code of its own.
package e2e
