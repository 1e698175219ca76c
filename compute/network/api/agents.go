package api

import (
	"net/http"
	"time"

	"github.com/gostack/gostack/compute/network/rpcapi"
)

// Agents lists the host agents that reported (compute/network/binding).
type Agents interface {
	Agents() []rpcapi.Agent
}

// SetAgents gives the API the registry of agents; without one the
// agent list is empty.
func (a *API) SetAgents(ag Agents) { a.agents = ag }

// agentDownTime is neutron's agent_down_time default: an agent that has
// not reported for longer is not alive.
const agentDownTime = 75 * time.Second

// agentTime is neutron's agent timestamp format (naive, space).
const agentTime = "2006-01-02 15:04:05"

// listAgents is GET /v2.0/agents: the agents that reported, to admins
// (get_agent is admin-only in neutron, so others see an empty list).
func (a *API) listAgents(w http.ResponseWriter, r *http.Request) {
	c, err := callerOf(r)
	if err != nil {
		writeError(w, r, err)
		return
	}
	l := listing{collection: "agents"}
	if a.agents != nil && c.isAdmin() {
		now := time.Now()
		for _, ag := range a.agents.Agents() {
			var az any
			if ag.AvailabilityZone != "" {
				az = ag.AvailabilityZone
			}
			l.items = append(l.items, map[string]any{
				"id": ag.ID, "agent_type": ag.AgentType, "binary": ag.Binary, "host": ag.Host, "topic": ag.Topic,
				"alive": now.Sub(ag.HeartbeatAt) <= agentDownTime, "admin_state_up": true, "availability_zone": az,
				"configurations": ag.Configurations, "description": nil, "resources_synced": nil,
				"started_at": ag.StartedAt.Format(agentTime), "created_at": ag.CreatedAt.Format(agentTime),
				"heartbeat_timestamp": ag.HeartbeatAt.Format(agentTime),
			})
		}
	}
	l.write(w, r, names("id", "agent_type", "binary", "host", "topic", "alive", "admin_state_up", "availability_zone",
		"configurations", "description", "resources_synced", "started_at", "created_at", "heartbeat_timestamp"))
}
