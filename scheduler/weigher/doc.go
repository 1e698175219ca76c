// Package weigher ranks the hosts that passed the filters, as nova's
// nova/scheduler/weights: each weigher gives every host a raw weight,
// the weights are normalized to [0, 1] across the hosts, multiplied by the
// weigher's multiplier and summed. With the default positive multipliers
// the scheduler spreads instances over the hosts with the most free RAM,
// vCPUs and disk; negative multipliers stack them instead.
package weigher
