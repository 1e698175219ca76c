// Package bootstrap creates the cloud's default flat network (by
// default `private`, shared, owned by the admin project, with one IPv4
// subnet) once: running it again finds what is there and changes nothing.
package bootstrap
