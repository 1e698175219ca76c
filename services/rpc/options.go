package rpc

import (
	"github.com/gostack/gostack/services/config"
)

// The transport options, with oslo.messaging's names and defaults.
var (
	TransportURL = config.String("DEFAULT", "transport_url", "",
		"URL of the message broker: rabbit://user:pass@host:5672/vhost (several hosts separated by commas).",
		config.Secret())
	ControlExchange = config.String("DEFAULT", "control_exchange", DefaultControlExchange,
		"Default exchange of RPC targets that name none (nova, cinder...).")
	RPCResponseTimeout = config.Seconds("DEFAULT", "rpc_response_timeout", DefaultResponseTimeout,
		"Seconds to wait for the reply of a call.", config.Min(1))
	ExecutorThreadPoolSize = config.Int("DEFAULT", "executor_thread_pool_size", DefaultExecutorPoolSize,
		"Messages one RPC server handles at once.", config.Min(1))
	RabbitRetryInterval = config.Seconds("oslo_messaging_rabbit", "rabbit_retry_interval", DefaultRetryInterval,
		"First delay before reconnecting to the broker.", config.Min(1))
	RabbitIntervalMax = config.Seconds("oslo_messaging_rabbit", "rabbit_interval_max", DefaultRetryIntervalMax,
		"Longest delay between reconnection attempts.", config.Min(1))
)

// Opts returns the transport options, for config.Load.
func Opts() []config.Option {
	return []config.Option{TransportURL, ControlExchange, RPCResponseTimeout, ExecutorThreadPoolSize,
		RabbitRetryInterval, RabbitIntervalMax}
}

// ConfigFrom reads the transport options; controlExchange is the service's
// default exchange (e.g. "nova") used when control_exchange is not set in
// the file, and name names the connection on the broker.
func ConfigFrom(c *config.Config, controlExchange, name string) Config {
	ex := ControlExchange.Get(c)
	if ex == DefaultControlExchange && controlExchange != "" {
		ex = controlExchange
	}
	return Config{
		TransportURL:     TransportURL.Get(c),
		ControlExchange:  ex,
		ResponseTimeout:  RPCResponseTimeout.Get(c),
		ExecutorPoolSize: ExecutorThreadPoolSize.Get(c),
		RetryInterval:    RabbitRetryInterval.Get(c),
		RetryIntervalMax: RabbitIntervalMax.Get(c),
		ConnectionName:   name,
	}
}
