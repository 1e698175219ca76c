package objects

import "time"

// Server group policies (nova's InstanceGroup.policy).
const (
	PolicyAffinity         = "affinity"
	PolicyAntiAffinity     = "anti-affinity"
	PolicySoftAffinity     = "soft-affinity"
	PolicySoftAntiAffinity = "soft-anti-affinity"
)

// RuleMaxServerPerHost is the one server group rule (2.64): how many
// members of an anti-affinity group one host may run (1 when unset).
const RuleMaxServerPerHost = "max_server_per_host"

// ServerGroup is nova's InstanceGroup: servers placed together or apart.
type ServerGroup struct {
	UUID      string
	Name      string
	ProjectID string
	UserID    string
	Policy    string
	Rules     map[string]int
	// Members are the uuids of the group's live (not deleted) servers.
	Members   []string
	CreatedAt time.Time
	UpdatedAt *time.Time
}

// IsGroupPolicy reports whether p is one of the four policies.
func IsGroupPolicy(p string) bool {
	switch p {
	case PolicyAffinity, PolicyAntiAffinity, PolicySoftAffinity, PolicySoftAntiAffinity:
		return true
	}
	return false
}
