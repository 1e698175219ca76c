package virt

import "context"

// VolumeDeviceNamer is the optional ability to choose a volume's device in
// a guest before attaching it (nova's reserve_block_device_name), so Cinder
// can be told the mountpoint with the connector.
type VolumeDeviceNamer interface {
	// NextVolumeDevice returns want ("/dev/vdc" or "vdc") when it is free
	// in the guest, else (want empty) the first free device on bus
	// (virtio when empty), as "/dev/<name>".
	NextVolumeDevice(ctx context.Context, uuid, want, bus string) (string, error)
}
