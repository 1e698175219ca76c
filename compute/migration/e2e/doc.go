// Package e2e holds the end-to-end tests of live migration and
// evacuation: two compute hosts of the multi-host dev stack (`make dev
// HOSTS=2`: hosts gsh1 and gsh2, each a network namespace with its own
// libvirtd and nova-compute), driven by the real openstack client (and
// novaclient's `nova evacuate`), with guests that print a heartbeat
// counter on their serial console every second.
package e2e
