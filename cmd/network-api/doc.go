// Command network-api is the network service's daemon: the Network v2.0
// API on port 9696 and the "network" RPC topic Nova calls to allocate,
// bind and release instance ports. `network-api bootstrap` creates the
// default flat network once.
package main
