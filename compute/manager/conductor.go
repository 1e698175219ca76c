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

// ConductorClient is the Conductor over RPC: conductorapi's typed client
// plus the methods above.
type ConductorClient struct {
	*conductorapi.Client
	rpc    *rpc.Client
	target rpc.Target
}

// NewConductorClient returns a ConductorClient on the conductor topic.
func NewConductorClient(c *rpc.Client) *ConductorClient {
	return &ConductorClient{Client: conductorapi.NewClient(c), rpc: c, target: rpc.Target{Topic: conductorapi.Topic}}
}

// ComputeNodeReport sends the report.
func (c *ConductorClient) ComputeNodeReport(ctx context.Context, r NodeReport) error {
	return c.rpc.Call(ctx, c.target, conductorapi.MethodComputeNodeReport, r, &conductorapi.Empty{})
}

// ReleaseClaims calls delete_allocation_for_instance.
func (c *ConductorClient) ReleaseClaims(ctx context.Context, instanceUUID string) error {
	return c.rpc.Call(ctx, c.target, MethodReleaseClaims, ReleaseClaimsArgs{InstanceUUID: instanceUUID}, &conductorapi.Empty{})
}

var _ Conductor = (*ConductorClient)(nil)
