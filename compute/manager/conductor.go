package manager

import (
	"context"

	"github.com/gostack/gostack/compute/conductorapi"
	"github.com/gostack/gostack/compute/objects"
	"github.com/gostack/gostack/services/rpc"
	"github.com/gostack/gostack/services/servicegroup"
)

// Conductor is what nova-compute asks of the conductor: its only way to
// the database. *ConductorClient implements it over RPC.
type Conductor interface {
	InstanceUpdate(ctx context.Context, m conductorapi.InstanceUpdate) (objects.Instance, error)
	InstanceGet(ctx context.Context, m conductorapi.InstanceGet) ([]objects.Instance, error)
	InstancesOnHost(ctx context.Context, m conductorapi.InstancesOnHost) ([]objects.Instance, error)
	InstanceDestroy(ctx context.Context, m conductorapi.InstanceDestroy) error
	ActionEventStart(ctx context.Context, m conductorapi.ActionEvent) error
	ActionEventFinish(ctx context.Context, m conductorapi.ActionEvent) error
	InstanceFaultCreate(ctx context.Context, f objects.Fault) error
	ServiceRegister(ctx context.Context, r servicegroup.Registration) (servicegroup.Service, error)
	ServiceReport(ctx context.Context, id int64) error
	// ComputeNodeReport stores the host's inventory (NodeReport carries
	// conductorapi.ComputeNodeReport plus the reserved amounts and
	// supported instances, which the scheduler's placement store takes).
	ComputeNodeReport(ctx context.Context, r NodeReport) error
	// ReleaseClaims frees the resources the scheduler claimed for an
	// instance whose build failed (nova's delete_allocation_for_instance).
	ReleaseClaims(ctx context.Context, instanceUUID string) error
}

// Methods this package sends to the conductor beyond conductorapi's
// constants. The conductor serves them (NOVA-API's compute/conductor).
const (
	// MethodReleaseClaims takes ReleaseClaimsArgs and answers {}.
	MethodReleaseClaims = "delete_allocation_for_instance"
)

// ReleaseClaimsArgs are the arguments of delete_allocation_for_instance.
type ReleaseClaimsArgs struct {
	InstanceUUID string `json:"instance_uuid"`
}

// NodeReport is the compute_node_report message: conductorapi's
// ComputeNodeReport and, in the same JSON object, the inventory fields it
// does not name yet (a conductor that does not know them ignores them).
type NodeReport struct {
	conductorapi.ComputeNodeReport
	ReservedHostCPUs     int         `json:"reserved_host_cpus"`
	ReservedHostMemoryMB int         `json:"reserved_host_memory_mb"`
	ReservedHostDiskMB   int         `json:"reserved_host_disk_mb"`
	SupportedInstances   [][3]string `json:"supported_instances,omitempty"`
}

// ConductorClient is the Conductor over RPC, with conductorapi's messages
// and method names.
type ConductorClient struct {
	rpc    *rpc.Client
	target rpc.Target
}

// NewConductorClient returns a ConductorClient on the conductor topic.
func NewConductorClient(c *rpc.Client) *ConductorClient {
	return NewConductorClientFor(c, rpc.Target{Topic: conductorapi.Topic})
}

// NewConductorClientFor returns a ConductorClient for another target
// (tests use their own exchange and topic).
func NewConductorClientFor(c *rpc.Client, t rpc.Target) *ConductorClient {
	return &ConductorClient{rpc: c, target: t}
}

func (c *ConductorClient) call(ctx context.Context, method string, args, result any) error {
	if result == nil {
		result = &conductorapi.Empty{}
	}
	return c.rpc.Call(ctx, c.target, method, args, result)
}

// InstanceUpdate calls instance_update.
func (c *ConductorClient) InstanceUpdate(ctx context.Context, m conductorapi.InstanceUpdate) (objects.Instance, error) {
	var out objects.Instance
	err := c.call(ctx, conductorapi.MethodInstanceUpdate, m, &out)
	return out, err
}

// InstanceGet calls instance_get_by_uuids.
func (c *ConductorClient) InstanceGet(ctx context.Context, m conductorapi.InstanceGet) ([]objects.Instance, error) {
	var out []objects.Instance
	err := c.call(ctx, conductorapi.MethodInstanceGet, m, &out)
	return out, err
}

// InstancesOnHost calls instance_get_all_by_host.
func (c *ConductorClient) InstancesOnHost(ctx context.Context, m conductorapi.InstancesOnHost) ([]objects.Instance, error) {
	var out []objects.Instance
	err := c.call(ctx, conductorapi.MethodInstancesOnHost, m, &out)
	return out, err
}

// InstanceDestroy calls instance_destroy.
func (c *ConductorClient) InstanceDestroy(ctx context.Context, m conductorapi.InstanceDestroy) error {
	return c.call(ctx, conductorapi.MethodInstanceDestroy, m, nil)
}

// ActionEventStart calls action_event_start.
func (c *ConductorClient) ActionEventStart(ctx context.Context, m conductorapi.ActionEvent) error {
	return c.call(ctx, conductorapi.MethodActionEventStart, m, nil)
}

// ActionEventFinish calls action_event_finish.
func (c *ConductorClient) ActionEventFinish(ctx context.Context, m conductorapi.ActionEvent) error {
	return c.call(ctx, conductorapi.MethodActionEventFinish, m, nil)
}

// InstanceFaultCreate calls instance_fault_create.
func (c *ConductorClient) InstanceFaultCreate(ctx context.Context, f objects.Fault) error {
	return c.call(ctx, conductorapi.MethodInstanceFaultCreate, f, nil)
}

// ServiceRegister calls service_register.
func (c *ConductorClient) ServiceRegister(ctx context.Context, r servicegroup.Registration) (servicegroup.Service, error) {
	var out servicegroup.Service
	err := c.call(ctx, conductorapi.MethodServiceRegister, conductorapi.ServiceRegister{Registration: r}, &out)
	return out, err
}

// ServiceReport calls service_report.
func (c *ConductorClient) ServiceReport(ctx context.Context, id int64) error {
	return c.call(ctx, conductorapi.MethodServiceReport, conductorapi.ServiceReport{ID: id}, nil)
}

// ComputeNodeReport calls compute_node_report.
func (c *ConductorClient) ComputeNodeReport(ctx context.Context, r NodeReport) error {
	return c.call(ctx, conductorapi.MethodComputeNodeReport, r, nil)
}

// ReleaseClaims calls delete_allocation_for_instance.
func (c *ConductorClient) ReleaseClaims(ctx context.Context, instanceUUID string) error {
	return c.call(ctx, MethodReleaseClaims, ReleaseClaimsArgs{InstanceUUID: instanceUUID}, nil)
}

var _ Conductor = (*ConductorClient)(nil)
