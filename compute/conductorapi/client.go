package conductorapi

import (
	"context"

	"github.com/gostack/gostack/compute/objects"
	"github.com/gostack/gostack/services/rpc"
	"github.com/gostack/gostack/services/servicegroup"
)

// Client calls the conductor. The ctx of each call should carry the
// request's rpc.Context (rpc.WithContext) so logs and events line up.
type Client struct {
	rpc    *rpc.Client
	target rpc.Target
}

// NewClient returns a Client sending over c to the conductor topic.
func NewClient(c *rpc.Client) *Client {
	return &Client{rpc: c, target: rpc.Target{Topic: Topic}}
}

// BuildInstances casts build_instances: the conductor schedules and starts
// the build; failures end in the instances' ERROR state with a fault.
func (c *Client) BuildInstances(ctx context.Context, m BuildInstances) error {
	return c.rpc.Cast(ctx, c.target, MethodBuildInstances, m)
}

// InstanceUpdate applies m and returns the updated instance.
func (c *Client) InstanceUpdate(ctx context.Context, m InstanceUpdate) (objects.Instance, error) {
	var out objects.Instance
	err := c.rpc.Call(ctx, c.target, MethodInstanceUpdate, m, &out)
	return out, err
}

// InstanceGet returns the instances with the uuids.
func (c *Client) InstanceGet(ctx context.Context, m InstanceGet) ([]objects.Instance, error) {
	var out []objects.Instance
	err := c.rpc.Call(ctx, c.target, MethodInstanceGet, m, &out)
	return out, err
}

// InstancesOnHost returns the live instances on a host.
func (c *Client) InstancesOnHost(ctx context.Context, m InstancesOnHost) ([]objects.Instance, error) {
	var out []objects.Instance
	err := c.rpc.Call(ctx, c.target, MethodInstancesOnHost, m, &out)
	return out, err
}

// InstanceDestroy marks a terminated instance deleted and frees its claims.
func (c *Client) InstanceDestroy(ctx context.Context, m InstanceDestroy) error {
	return c.rpc.Call(ctx, c.target, MethodInstanceDestroy, m, &Empty{})
}

// ActionEventStart records the start of an action event.
func (c *Client) ActionEventStart(ctx context.Context, m ActionEvent) error {
	return c.rpc.Call(ctx, c.target, MethodActionEventStart, m, &Empty{})
}

// ActionEventFinish records the end of an action event with its result.
func (c *Client) ActionEventFinish(ctx context.Context, m ActionEvent) error {
	return c.rpc.Call(ctx, c.target, MethodActionEventFinish, m, &Empty{})
}

// InstanceFaultCreate records a fault on an instance.
func (c *Client) InstanceFaultCreate(ctx context.Context, f objects.Fault) error {
	return c.rpc.Call(ctx, c.target, MethodInstanceFaultCreate, f, &Empty{})
}

// ComputeNodeReport stores a compute node's inventory.
func (c *Client) ComputeNodeReport(ctx context.Context, m ComputeNodeReport) error {
	return c.rpc.Call(ctx, c.target, MethodComputeNodeReport, m, &Empty{})
}

// ServiceRegister registers a daemon and returns its services row.
func (c *Client) ServiceRegister(ctx context.Context, r servicegroup.Registration) (servicegroup.Service, error) {
	var out servicegroup.Service
	err := c.rpc.Call(ctx, c.target, MethodServiceRegister, ServiceRegister{Registration: r}, &out)
	return out, err
}

// ServiceReport records one heartbeat.
func (c *Client) ServiceReport(ctx context.Context, id int64) error {
	return c.rpc.Call(ctx, c.target, MethodServiceReport, ServiceReport{ID: id}, &Empty{})
}
