// Package volume is the Cinder service: the Block Storage v3 API
// (cinder-api), its scheduler, the volume manager with its RBD driver, and
// RBD backups.
package volume
