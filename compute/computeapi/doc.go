// Package computeapi is the RPC contract of nova-compute: the message types
// of the methods nova-compute serves on the topic "compute.<host>" (queue
// "compute.<host>" of the topic exchange, one per compute host) and a typed
// client that nova-api and the conductor use to reach them.
//
// Method names are nova's compute rpcapi names. Every message carries the
// whole instance (fat messages), so the compute host never reads the
// database. Actions are casts, as upstream: the caller has already moved
// the instance to its task_state and recorded the instance action, and
// nova-compute reports progress and the outcome through the conductor.
// get_console_output is a call.
package computeapi
