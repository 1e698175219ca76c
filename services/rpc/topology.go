package rpc

import (
	"fmt"

	amqp "github.com/rabbitmq/amqp091-go"
)

// declareExchange declares a durable exchange. Durable, so that the
// bindings of the durable server queues survive a broker restart.
func declareExchange(ch *amqp.Channel, name, kind string) error {
	if err := ch.ExchangeDeclare(name, kind, true, false, false, false, nil); err != nil {
		return fmt.Errorf("declare %s exchange %q: %w", kind, name, err)
	}
	return nil
}

// declareServerQueue declares a durable server queue and binds it to the
// exchange with its own name as the key ("compute", "compute.host1").
func declareServerQueue(ch *amqp.Channel, exchange, name string) error {
	if _, err := ch.QueueDeclare(name, true, false, false, false, nil); err != nil {
		return fmt.Errorf("declare queue %q: %w", name, err)
	}
	if err := ch.QueueBind(name, name, exchange, false, nil); err != nil {
		return fmt.Errorf("bind queue %q to exchange %q: %w", name, exchange, err)
	}
	return nil
}

// declareFanoutQueue declares a server's private queue on the topic's
// fanout exchange: exclusive to the connection, gone when it closes.
func declareFanoutQueue(ch *amqp.Channel, topic, name string) error {
	ex := fanoutExchange(topic)
	if err := declareExchange(ch, ex, amqp.ExchangeFanout); err != nil {
		return err
	}
	if _, err := ch.QueueDeclare(name, false, true, true, false, nil); err != nil {
		return fmt.Errorf("declare queue %q: %w", name, err)
	}
	if err := ch.QueueBind(name, topic, ex, false, nil); err != nil {
		return fmt.Errorf("bind queue %q to exchange %q: %w", name, ex, err)
	}
	return nil
}

// declareReplyQueue declares a client's reply queue, exclusive to the
// connection; replies reach it through the default exchange.
func declareReplyQueue(ch *amqp.Channel, name string) error {
	if _, err := ch.QueueDeclare(name, false, false, true, false, nil); err != nil {
		return fmt.Errorf("declare reply queue %q: %w", name, err)
	}
	return nil
}
