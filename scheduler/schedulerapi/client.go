package schedulerapi

import (
	"context"

	"github.com/gostack/gostack/services/fault"
	"github.com/gostack/gostack/services/rpc"
)

// Client calls nova-scheduler.
type Client struct {
	rpc    *rpc.Client
	target rpc.Target
}

// NewClient returns a Client over an RPC client, for the topic Topic.
func NewClient(c *rpc.Client) *Client { return &Client{rpc: c, target: rpc.Target{Topic: Topic}} }

// NewClientFor returns a Client that sends to another target (tests use
// their own exchange and topic so they never meet a running scheduler).
func NewClientFor(c *rpc.Client, t rpc.Target) *Client { return &Client{rpc: c, target: t} }

// SelectDestinations places the instances of spec and claims their
// resources. When no host fits, the error is a *NoValidHost (errors.As),
// wrapped in a fault.Conflict whose message is the user-facing reason.
func (c *Client) SelectDestinations(ctx context.Context, spec RequestSpec) ([]Selection, error) {
	var reply SelectDestinationsReply
	err := c.rpc.Call(ctx, c.target, MethodSelectDestinations, SelectDestinationsArgs{Spec: spec}, &reply)
	if err != nil {
		return nil, err
	}
	if nv := reply.NoValidHost; nv != nil {
		return nil, &fault.Error{Kind: fault.Conflict, Message: nv.Error(), Cause: nv}
	}
	return reply.Destinations, nil
}
