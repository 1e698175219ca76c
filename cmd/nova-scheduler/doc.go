// Command nova-scheduler serves select_destinations on the "scheduler" RPC
// topic: it filters and weighs the compute nodes and claims each instance's
// resources (scheduler/manager).
//
//	nova-scheduler --config-file /etc/nova/nova.conf
package main
