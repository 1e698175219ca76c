package rpc

import (
	"context"
	"encoding/json"

	"github.com/gostack/gostack/services/fault"
)

// Handler serves one method. args is the JSON "args" object of the
// message. The result of a call is sent back as JSON; a cast's is dropped.
// Return *fault.Error values (or errors wrapping them) to give the caller a
// kind and a message; any other error reaches it as fault.Internal with a
// generic message. The ctx carries the sender's Context (FromContext) and,
// for a call, the caller's timeout; it is cancelled when the Server stops.
type Handler func(ctx context.Context, args json.RawMessage) (any, error)

// Handle adapts a typed function into a Handler: args are decoded into A
// (a struct whose fields name the method's keyword arguments); arguments
// that do not decode fail the call with fault.Invalid.
func Handle[A, R any](fn func(ctx context.Context, args A) (R, error)) Handler {
	return func(ctx context.Context, raw json.RawMessage) (any, error) {
		var a A
		if err := json.Unmarshal(raw, &a); err != nil {
			return nil, fault.Wrap(err, fault.Invalid, "The arguments of the call are malformed.")
		}
		return fn(ctx, a)
	}
}
