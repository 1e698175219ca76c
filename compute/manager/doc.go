// Package manager is nova-compute: the per-host service that builds and
// runs instances with a virt.Driver and reports to the rest of nova. It
// serves the compute RPC methods (computeapi) on "compute.<host>" and
// reaches the database only through the conductor (conductorapi): compute
// hosts hold no database credentials.
//
//	nova-api / conductor ──cast──► compute.<host> ──► Manager ──► virt.Driver (libvirt, RBD)
//	                                                     │
//	             instance updates, action events, faults, node reports,
//	             heartbeats ◄── conductor ◄──call────────┘
//
// Each action moves the instance through nova's vm_state/task_state
// transitions (compute/objects), checking the expected task_state so a
// concurrent delete wins, records an instance action event
// ("compute_<method>") under the request id of the API call, and on failure
// records an instance fault. A failed build leaves the instance in ERROR
// with a fault, its guest and disks destroyed and its resource claim
// released.
//
// Reconciliation heals what messages miss: at start (InitHost) the guests
// of instances deleted while the service was down are destroyed, guests of
// instances now on another host are undefined without touching their
// shared RBD disks, and builds that a crash interrupted end in ERROR with
// their disks removed and claims released. A periodic power-state sync
// (SyncPowerStates) makes a guest that stopped by itself SHUTOFF. A
// periodic resource report (ReportResources) tells the scheduler what the
// host offers, and a heartbeat keeps the service up.
//
// Actions on one instance are serialized by a per-instance lock, as
// upstream's @synchronized(instance.uuid), so a terminate cast while a build
// runs destroys the built guest after the build.
package manager
