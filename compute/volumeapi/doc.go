// Package volumeapi is Nova's client of the Block Storage API (Cinder v3),
// as nova/volume/cinder.py: volumes for boot from volume (create from an
// image, a snapshot or blank; get; delete), the attachments API (create,
// update with a connector, complete, delete; microversion 3.44) and
// snapshots of boot volumes.
//
// Cinder is found in the service catalog (volumev3, then block-storage).
// Calls are made with the user's token when one is known (the request's
// RPC context) so Cinder applies the user's project and roles, or with the
// service user's token for work Nova does on its own (external events).
package volumeapi
