// Command nova-api serves the Compute v2.1 API (compute/api) on port 8774.
package main
