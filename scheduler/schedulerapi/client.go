package schedulerapi

import (
	"context"

	"github.com/gostack/gostack/services/fault"
	"github.com/gostack/gostack/services/rpc"
)

// Client calls nova-scheduler.
type Client struct {
	rpc *rpc.Client
}

// NewClient returns a Client over an RPC client.
func NewClient(c *rpc.Client) *Client { return &Client{rpc: c} }

// SelectDestinations places the instances of spec and claims their
// resources. When no host fits, the error is a *NoValidHost (errors.As),
// wrapped in a fault.Conflict whose message is the user-facing reason.
func (c *Client) SelectDestinations(ctx context.Context, spec RequestSpec) ([]Selection, error) {
	var reply SelectDestinationsReply
	err := c.rpc.Call(ctx, rpc.Target{Topic: Topic}, MethodSelectDestinations, SelectDestinationsArgs{Spec: spec}, &reply)
	if err != nil {
		return nil, err
	}
	if nv := reply.NoValidHost; nv != nil {
		return nil, &fault.Error{Kind: fault.Conflict, Message: nv.Error(), Cause: nv}
	}
	return reply.Destinations, nil
}
