// Command nova-conductor serves the conductor RPC topic (compute/conductor).
package main
