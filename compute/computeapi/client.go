package computeapi

import (
	"context"

	"github.com/gostack/gostack/compute/objects"
	"github.com/gostack/gostack/services/fault"
	"github.com/gostack/gostack/services/rpc"
)

// Client sends nova-compute's methods to the host of each instance.
type Client struct {
	rpc   *rpc.Client
	topic string
}

// NewClient returns a Client over an RPC client.
func NewClient(c *rpc.Client) *Client { return &Client{rpc: c, topic: Topic} }

// NewClientFor returns a Client for another topic than Topic (tests use
// their own so they never meet a running nova-compute).
func NewClientFor(c *rpc.Client, topic string) *Client { return &Client{rpc: c, topic: topic} }

// Target is the RPC target of the nova-compute on host.
func Target(host string) rpc.Target { return rpc.Target{Topic: Topic, Server: host} }

func (c *Client) target(host string) rpc.Target { return rpc.Target{Topic: c.topic, Server: host} }

func (c *Client) hostOf(inst *objects.Instance) (rpc.Target, error) {
	if inst.Host == "" {
		return rpc.Target{}, fault.New(fault.Conflict, "Instance %s is not assigned to a host.", inst.UUID)
	}
	return c.target(inst.Host), nil
}

func (c *Client) cast(ctx context.Context, inst *objects.Instance, method string, args any) error {
	t, err := c.hostOf(inst)
	if err != nil {
		return err
	}
	return c.rpc.Cast(ctx, t, method, args)
}

// BuildAndRunInstance casts build_and_run_instance to host.
func (c *Client) BuildAndRunInstance(ctx context.Context, host string, args BuildAndRunInstanceArgs) error {
	return c.rpc.Cast(ctx, c.target(host), MethodBuildAndRunInstance, args)
}

// StopInstance casts stop_instance to the instance's host.
func (c *Client) StopInstance(ctx context.Context, inst objects.Instance, cleanShutdown bool) error {
	return c.cast(ctx, &inst, MethodStopInstance, StopInstanceArgs{Instance: inst, CleanShutdown: cleanShutdown})
}

// StartInstance casts start_instance to the instance's host.
func (c *Client) StartInstance(ctx context.Context, inst objects.Instance) error {
	return c.cast(ctx, &inst, MethodStartInstance, InstanceArgs{Instance: inst})
}

// RebootInstance casts reboot_instance (RebootSoft or RebootHard).
func (c *Client) RebootInstance(ctx context.Context, inst objects.Instance, rebootType string) error {
	return c.cast(ctx, &inst, MethodRebootInstance, RebootInstanceArgs{Instance: inst, RebootType: rebootType})
}

// PauseInstance casts pause_instance.
func (c *Client) PauseInstance(ctx context.Context, inst objects.Instance) error {
	return c.cast(ctx, &inst, MethodPauseInstance, InstanceArgs{Instance: inst})
}

// UnpauseInstance casts unpause_instance.
func (c *Client) UnpauseInstance(ctx context.Context, inst objects.Instance) error {
	return c.cast(ctx, &inst, MethodUnpauseInstance, InstanceArgs{Instance: inst})
}

// SuspendInstance casts suspend_instance.
func (c *Client) SuspendInstance(ctx context.Context, inst objects.Instance) error {
	return c.cast(ctx, &inst, MethodSuspendInstance, InstanceArgs{Instance: inst})
}

// ResumeInstance casts resume_instance.
func (c *Client) ResumeInstance(ctx context.Context, inst objects.Instance) error {
	return c.cast(ctx, &inst, MethodResumeInstance, InstanceArgs{Instance: inst})
}

// TerminateInstance casts terminate_instance: nova-compute destroys the
// guest and its disks, then has the conductor mark the instance deleted
// and release its claim.
func (c *Client) TerminateInstance(ctx context.Context, inst objects.Instance, bdms []objects.BlockDeviceMapping) error {
	return c.cast(ctx, &inst, MethodTerminateInstance, TerminateInstanceArgs{Instance: inst, BDMs: bdms})
}

// GetConsoleOutput calls get_console_output: the last tailLength lines of
// the guest's serial console (all of it, up to 100 KiB, when 0).
func (c *Client) GetConsoleOutput(ctx context.Context, inst objects.Instance, tailLength int) (string, error) {
	t, err := c.hostOf(&inst)
	if err != nil {
		return "", err
	}
	var reply GetConsoleOutputReply
	if err := c.rpc.Call(ctx, t, MethodGetConsoleOutput, GetConsoleOutputArgs{Instance: inst, TailLength: tailLength}, &reply); err != nil {
		return "", err
	}
	return reply.Output, nil
}

// GetHostUptime calls get_host_uptime on host.
func (c *Client) GetHostUptime(ctx context.Context, host string) (string, error) {
	var reply GetHostUptimeReply
	if err := c.rpc.Call(ctx, c.target(host), MethodGetHostUptime, struct{}{}, &reply); err != nil {
		return "", err
	}
	return reply.Uptime, nil
}
