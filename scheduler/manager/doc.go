// Package manager is nova-scheduler's service: it serves
// select_destinations on the "scheduler" topic. For each instance of a
// request it reads the compute nodes and their usage (placement), drops
// the hosts the filters refuse, ranks the rest with the weighers and
// claims the instance's resources on the best host; when a claim loses a
// race (another scheduler or request took the room) it falls to the next
// host, as Nomad's optimistic plan apply does. If an instance of a
// multi-instance request cannot be placed, the claims already made for the
// request are released and the answer is NoValidHost with the reasons.
//
//	request spec ──► hosts (placement.List) ──► filters ──► weighers
//	                                                         │
//	             NoValidHost ◄── none left ◄── claim best ◄──┘ (conflict: next host)
package manager
