// Package rpc is the AMQP (RabbitMQ) RPC layer between our daemons, modelled
// on oslo.messaging's rabbit driver so that operators and readers find the
// same names: transport_url, control_exchange, rpc_response_timeout,
// executor_thread_pool_size, topics such as "compute" and "compute.host1".
//
// # API
//
//	t, err := rpc.Open(rpc.Config{TransportURL: "rabbit://user:pass@host:5672/"})
//	defer t.Close()
//
//	c := rpc.NewClient(t)
//	err = c.Call(ctx, rpc.Target{Topic: "scheduler"}, "select_destinations", args, &reply)
//	err = c.Cast(ctx, rpc.Target{Topic: "compute", Server: "host1"}, "build_and_run_instance", args)
//	err = c.Fanout(ctx, "scheduler", "update_instance_info", args)
//
//	s := rpc.NewServer(t, rpc.Target{Topic: "compute", Server: "host1"})
//	s.Register("build_and_run_instance", rpc.Handle(m.buildAndRunInstance))
//	err = s.Serve(ctx) // until ctx is cancelled
//
// Server.Ready and Transport.WaitConnected wait for the consumers and the
// connection; Handle adapts a typed func(ctx, A) (R, error) into a Handler.
//
// A Transport is one connection to the broker per process, shared by every
// Client and Server; each of them uses its own channels. Open returns at
// once and connects in the background; Transport.Health reports whether the
// connection is up, for the daemons' health lines.
//
// # Topology
//
// As oslo.messaging does it, with Target.Exchange (default Config's
// ControlExchange, e.g. "nova" or "cinder"):
//
//   - a durable topic exchange per service;
//   - a shared server queue "<topic>" bound with key "<topic>", consumed by
//     every server of the topic (the broker load-balances between them);
//   - a directed server queue "<topic>.<server>" bound with that key;
//   - a fanout exchange "<topic>_fanout" and, per server, an exclusive,
//     auto-delete queue "<topic>_fanout_<uuid>" bound to it;
//   - one exclusive reply queue "reply_<uuid>" per Client; a server publishes
//     its reply to the default exchange with the reply queue as routing key,
//     and the client matches it to the waiting call by "_msg_id".
//
// # Wire format
//
// Bodies are JSON objects with oslo's keys: "method", "args", "_unique_id",
// "_msg_id" and "_reply_q" (calls only), "_timeout" (seconds, calls only),
// and the request context flattened as "_context_request_id",
// "_context_global_request_id", "_context_user_id", "_context_project_id",
// "_context_roles", "_context_is_admin", "_context_auth_token". Replies carry
// "_msg_id", "result", "failure" and "ending". A failure is {kind, message}
// only: the kind from services/fault and its user-facing message, never the
// internal cause, which the server logs. The caller gets a *fault.Error
// back, so errors.Is(err, fault.Of(fault.NotFound)) holds across the call.
// (Unlike oslo we do not double-encode the body inside an "oslo.message"
// string: no Python peer reads it.)
//
// Use WithContext to attach a Context (request ids, user, project, roles,
// token) to the ctx of a call or cast; the server puts it back into the ctx
// it gives the handler, where FromContext finds it.
//
// # Delivery guarantees
//
// Publishing uses publisher confirms and the mandatory flag: Call, Cast and
// Fanout return nil only once the broker confirmed the message. A call or
// cast that no queue takes (no server ever declared its topic) fails at once
// with ErrNoRoute wrapped in fault.Unavailable, not with a timeout (a
// fanout with no listener is not an error). A publish
// that is not confirmed because the connection dropped is sent again on the
// next connection, so an error from Cast means "not known to be delivered",
// and a message can arrive twice.
//
// Durability: exchanges and the shared and directed server queues are
// durable (oslo's default amqp_durable_queues=false loses queued casts on a
// broker restart; we do not want that), and casts are persistent messages,
// so a cast the broker confirmed survives a broker restart and a server
// crash, and waits in "<topic>.<server>" while that server is down. Calls
// are transient and expire after their timeout (message TTL), so a stale
// call is dropped, and a call whose request or reply is lost in a restart
// fails by its timeout. Fanout queues and reply queues are exclusive to
// their connection and re-declared after a reconnect; a fanout sent while a
// server is disconnected is not seen by it (fanout is best effort, as in
// oslo).
//
// Acknowledgement: a server acknowledges a message only after its handler
// returned (and, for a call, after the reply was published): at-least-once.
// A crash or a lost connection before that makes the broker deliver the
// message again, to this server or another one, so handlers must be
// idempotent. A server suppresses the duplicates it can see: a redelivered
// message whose handler is still running, or which it completed recently,
// is acknowledged without running the handler again. A cast whose handler
// fails is logged and acknowledged, not retried (as in oslo). If the server is
// stopping (its ctx is cancelled) and a handler gives up with a context
// error, the message is requeued for another server rather than dropped.
// Concurrency is bounded by Config.ExecutorPoolSize (prefetch and workers).
//
// Reconnection: the Transport redials with exponential backoff, from
// Config.RetryInterval up to Config.RetryIntervalMax, trying each host of
// the transport_url in turn. Servers and clients re-declare their
// exchanges, queues and consumers on the new connection. Call, Cast and
// Fanout attempted while disconnected wait for the connection, bounded by
// their ctx (or Config.ResponseTimeout when the ctx has no deadline).
//
// Timeouts: a call waits until its ctx deadline, or ResponseTimeout
// (rpc_response_timeout, default 60 s) when there is none. A call that gets
// no reply in time fails with ErrTimeout wrapped in fault.Unavailable, with
// a message naming the method, the target and the timeout. A call to a
// method the server does not have fails at once with fault.NotImplemented.
package rpc
