package rpc

import (
	"log/slog"
	"time"
)

// Config holds the transport options, named after oslo.messaging's.
type Config struct {
	// TransportURL is [DEFAULT] transport_url:
	// rabbit://user:pass@host:port/vhost, several hosts separated by commas
	// (rabbit://u:p@h1:5672,u:p@h2:5672/). amqp:// is accepted too.
	TransportURL string
	// ControlExchange is [DEFAULT] control_exchange, the default exchange
	// of targets that name none. Default "openstack".
	ControlExchange string
	// ResponseTimeout is [DEFAULT] rpc_response_timeout: how long a call
	// waits for its reply, and a cast for its confirmation, when the ctx
	// has no deadline. Default 60 s.
	ResponseTimeout time.Duration
	// ExecutorPoolSize is [DEFAULT] executor_thread_pool_size: how many
	// messages one Server handles at once. Default 64.
	ExecutorPoolSize int
	// RetryInterval is [oslo_messaging_rabbit] rabbit_retry_interval: the
	// first delay before reconnecting. Default 1 s.
	RetryInterval time.Duration
	// RetryIntervalMax is [oslo_messaging_rabbit] rabbit_interval_max: the
	// longest delay between reconnection attempts. Default 30 s.
	RetryIntervalMax time.Duration
	// Heartbeat is the AMQP heartbeat interval. Default 10 s.
	Heartbeat time.Duration
	// ConnectTimeout bounds one TCP connect and AMQP handshake. Default 10 s.
	ConnectTimeout time.Duration
	// ConnectionName is shown by the broker (rabbitmqctl list_connections
	// client_properties); use the daemon's name. Default the program name.
	ConnectionName string
	// Logger receives connection state changes and handler failures.
	// Default slog.Default().
	Logger *slog.Logger
}

// Defaults, as oslo.messaging's.
const (
	DefaultControlExchange  = "openstack"
	DefaultResponseTimeout  = 60 * time.Second
	DefaultExecutorPoolSize = 64
	DefaultRetryInterval    = time.Second
	DefaultRetryIntervalMax = 30 * time.Second
)

func (c Config) withDefaults() Config {
	if c.ControlExchange == "" {
		c.ControlExchange = DefaultControlExchange
	}
	if c.ResponseTimeout <= 0 {
		c.ResponseTimeout = DefaultResponseTimeout
	}
	if c.ExecutorPoolSize <= 0 {
		c.ExecutorPoolSize = DefaultExecutorPoolSize
	}
	if c.RetryInterval <= 0 {
		c.RetryInterval = DefaultRetryInterval
	}
	if c.RetryIntervalMax <= 0 {
		c.RetryIntervalMax = DefaultRetryIntervalMax
	}
	c.RetryIntervalMax = max(c.RetryIntervalMax, c.RetryInterval)
	if c.Heartbeat <= 0 {
		c.Heartbeat = 10 * time.Second
	}
	if c.ConnectTimeout <= 0 {
		c.ConnectTimeout = 10 * time.Second
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	return c
}
