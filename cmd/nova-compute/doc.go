// Command nova-compute runs one host's compute service: the compute RPC
// methods on compute.<host> with the libvirt driver (RBD disks), reaching
// the database only through nova-conductor (compute/manager).
//
//	nova-compute --config-file /etc/nova/nova.conf
package main
