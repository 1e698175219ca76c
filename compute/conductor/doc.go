// Package conductor is nova-conductor's manager: it orchestrates builds
// (build_instances: ask nova-scheduler for a host, record it, hand the
// build to that host's nova-compute) and is the only way compute hosts
// reach the database (instance updates with task state checks, action
// events, faults, compute node reports, service heartbeats, instance
// destruction and claim release).
//
//	nova-api --build_instances--> conductor --select_destinations--> nova-scheduler
//	                                  |  (claims held)
//	                                  +--build_and_run_instance--> nova-compute.<host>
//	nova-compute --instance_update / action_event_* / compute_node_report--> conductor --> PostgreSQL
package conductor
