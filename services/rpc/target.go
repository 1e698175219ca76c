package rpc

import "fmt"

// Target addresses the servers of a topic, or one of them.
type Target struct {
	// Exchange is the service's exchange (control_exchange, e.g. "nova");
	// empty means the Transport's ControlExchange.
	Exchange string
	// Topic is the role, e.g. "compute", "scheduler", "conductor", "volume".
	Topic string
	// Server, if set, directs the message to that server only, through
	// the queue "<topic>.<server>" (e.g. "compute.host1").
	Server string
}

// routingKey is the key the message is published with: "<topic>" or
// "<topic>.<server>", which is also the name of the queue bound with it.
func (t Target) routingKey() string {
	if t.Server == "" {
		return t.Topic
	}
	return t.Topic + "." + t.Server
}

func (t Target) exchange(def string) string {
	if t.Exchange != "" {
		return t.Exchange
	}
	return def
}

// String names the target in errors: "topic compute" or "server compute.host1".
func (t Target) String() string {
	if t.Server == "" {
		return fmt.Sprintf("topic %q", t.Topic)
	}
	return fmt.Sprintf("server %q", t.routingKey())
}

// fanoutExchange is the name of a topic's fanout exchange.
func fanoutExchange(topic string) string { return topic + "_fanout" }
