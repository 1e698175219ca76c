package computeapi

import (
	"context"

	"github.com/gostack/gostack/compute/objects"
)

// Volume methods, as nova's compute rpcapi names them.
const (
	MethodAttachVolume          = "attach_volume"
	MethodDetachVolume          = "detach_volume"
	MethodExternalInstanceEvent = "external_instance_event"
)

// AttachVolumeArgs are the arguments of attach_volume (a call here, so the
// API can answer with the device): the instance and its new volume
// mapping, whose Cinder attachment is already created (reserved).
type AttachVolumeArgs struct {
	Instance objects.Instance           `json:"instance"`
	BDM      objects.BlockDeviceMapping `json:"bdm"`
}

// AttachVolumeReply is what the host attached: the device in the guest and
// Cinder's connection_info (JSON) for the mapping.
type AttachVolumeReply struct {
	Device         string `json:"device"`
	ConnectionInfo string `json:"connection_info"`
}

// DetachVolumeArgs are the arguments of detach_volume (a call): unplug the
// mapping's volume from the guest and delete its Cinder attachment.
type DetachVolumeArgs struct {
	Instance objects.Instance           `json:"instance"`
	BDM      objects.BlockDeviceMapping `json:"bdm"`
}

// InstanceEvent is one os-server-external-events event for an instance.
type InstanceEvent struct {
	Name   string `json:"name"`
	Tag    string `json:"tag,omitempty"`
	Status string `json:"status,omitempty"`
}

// ExternalInstanceEventArgs are the arguments of external_instance_event
// (a cast): events for instances on one host.
type ExternalInstanceEventArgs struct {
	Instances []objects.Instance         `json:"instances"`
	Events    map[string][]InstanceEvent `json:"events"` // by instance uuid
}

// AttachVolume calls attach_volume on the instance's host.
func (c *Client) AttachVolume(ctx context.Context, inst objects.Instance, bdm objects.BlockDeviceMapping) (AttachVolumeReply, error) {
	var reply AttachVolumeReply
	t, err := c.hostOf(&inst)
	if err != nil {
		return reply, err
	}
	err = c.rpc.Call(ctx, t, MethodAttachVolume, AttachVolumeArgs{Instance: inst, BDM: bdm}, &reply)
	return reply, err
}

// DetachVolume calls detach_volume on the instance's host.
func (c *Client) DetachVolume(ctx context.Context, inst objects.Instance, bdm objects.BlockDeviceMapping) error {
	t, err := c.hostOf(&inst)
	if err != nil {
		return err
	}
	return c.rpc.Call(ctx, t, MethodDetachVolume, DetachVolumeArgs{Instance: inst, BDM: bdm}, &struct{}{})
}

// ExternalInstanceEvent casts external_instance_event to host.
func (c *Client) ExternalInstanceEvent(ctx context.Context, host string, args ExternalInstanceEventArgs) error {
	return c.rpc.Cast(ctx, c.target(host), MethodExternalInstanceEvent, args)
}
