// Package log builds the structured logger every daemon uses, on log/slog.
//
// A main builds one logger from its config and makes it the default:
//
//	logger, closer, err := log.New(log.FromConfig(conf, "nova-compute"))
//	defer closer.Close()
//	slog.SetDefault(logger)
//
// Records carry the daemon's service and host, and, when logged with the
// *Context methods (slog.InfoContext, logger.ErrorContext, ...), the
// request_id, user_id and project_id that the API middleware put into the
// request's context with WithRequestID and WithUser. That makes one grep
// for a request id (OpenStack's req-<uuid>, also sent back in
// x-openstack-request-id) find every line a request caused.
//
// Secrets never reach a log: Redact masks passwords, tokens and URL
// credentials in text such as request bodies and headers, and Secret wraps
// a value that must log as ***.
//
// The logging options keep oslo.log's names: [DEFAULT] debug, log_file,
// log_dir and use_json (Opts).
package log
