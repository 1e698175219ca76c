// Package schedulerapi is the RPC contract of nova-scheduler on the topic
// "scheduler": the message types of select_destinations and a typed client
// for its callers (the conductor). The scheduler answers with one
// destination per instance, each already claimed on its compute node, or
// with NoValidHost and the reasons every host was refused.
package schedulerapi
