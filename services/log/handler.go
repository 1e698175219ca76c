package log

import (
	"context"
	"log/slog"
	"slices"
)

// The attribute keys of the request values.
const (
	RequestIDKey = "request_id"
	UserIDKey    = "user_id"
	ProjectIDKey = "project_id"
)

// contextHandler adds the request values of a record's context to it, at
// the top level of the record even inside a logger's WithGroup, so that
// request_id is always one key to grep or query. To do that it applies
// groups itself instead of passing them to next.
type contextHandler struct {
	next   slog.Handler
	groups []group // open groups, outermost first
}

// group is an open group and the attributes added inside it.
type group struct {
	name  string
	attrs []slog.Attr
}

// NewContextHandler wraps next so that records logged with a context that
// carries request values (WithRequestID, WithUser) get request_id, user_id
// and project_id attributes. Values that are not set are left out.
func NewContextHandler(next slog.Handler) slog.Handler {
	return &contextHandler{next: next}
}

func (h *contextHandler) Enabled(ctx context.Context, l slog.Level) bool {
	return h.next.Enabled(ctx, l)
}

func (h *contextHandler) Handle(ctx context.Context, rec slog.Record) error {
	var r request
	if ctx != nil {
		r = requestOf(ctx)
	}
	if r == (request{}) && len(h.groups) == 0 {
		return h.next.Handle(ctx, rec)
	}
	if len(h.groups) > 0 {
		rec = h.nest(rec)
	} else {
		rec = rec.Clone() // AddAttrs on a record another handler also holds is unsafe
	}
	for _, a := range [...]slog.Attr{
		slog.String(RequestIDKey, r.id),
		slog.String(UserIDKey, r.userID),
		slog.String(ProjectIDKey, r.projectID),
	} {
		if a.Value.String() != "" {
			rec.AddAttrs(a)
		}
	}
	return h.next.Handle(ctx, rec)
}

// nest returns a record whose attributes are rec's inside the open groups.
func (h *contextHandler) nest(rec slog.Record) slog.Record {
	var inner []slog.Attr
	rec.Attrs(func(a slog.Attr) bool {
		inner = append(inner, a)
		return true
	})
	for i := len(h.groups) - 1; i >= 0; i-- {
		g := h.groups[i]
		attrs := slices.Concat(g.attrs, inner)
		inner = []slog.Attr{{Key: g.name, Value: slog.GroupValue(attrs...)}}
	}
	out := slog.NewRecord(rec.Time, rec.Level, rec.Message, rec.PC)
	out.AddAttrs(inner...)
	return out
}

func (h *contextHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	if len(attrs) == 0 {
		return h
	}
	if len(h.groups) == 0 {
		return &contextHandler{next: h.next.WithAttrs(attrs)}
	}
	groups := slices.Clone(h.groups)
	last := &groups[len(groups)-1]
	last.attrs = slices.Concat(last.attrs, attrs)
	return &contextHandler{next: h.next, groups: groups}
}

func (h *contextHandler) WithGroup(name string) slog.Handler {
	if name == "" {
		return h
	}
	groups := append(slices.Clone(h.groups), group{name: name})
	return &contextHandler{next: h.next, groups: groups}
}
