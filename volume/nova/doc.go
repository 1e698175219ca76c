// Package nova is the volume service's client of the Compute API: it
// tells Nova about volume changes through os-server-external-events
// (volume-extended after an in-use volume grows), as cinder/compute/nova.py.
package nova
