package config

import (
	"context"
	"fmt"
	"log/slog"
	"net/url"
	"regexp"
	"strings"
)

// Setting is one declared option's effective value, as Dump shows it.
type Setting struct {
	Section string
	Option  string
	Value   string // secrets masked
	Source  string // "file:line", or "default"
}

// Dump returns the effective value of every declared option, in declaration
// order, with secret values masked: "***", or for a URL its password and
// secret query parameters masked.
func (c *Config) Dump() []Setting {
	out := make([]Setting, 0, len(c.opts))
	for _, o := range c.opts {
		s := o.Spec()
		v := c.values[o]
		value := o.format(v.value)
		if s.Secret {
			value = mask(value)
		}
		source := "default"
		if v.from != nil {
			source = fmt.Sprintf("%s:%d", v.from.file, v.from.line)
		}
		out = append(out, Setting{Section: v.section, Option: s.Name, Value: value, Source: source})
	}
	return out
}

// Log writes Dump to l, one record per option at level (oslo.config logs
// its options at DEBUG at start-up), so an operator can see what a daemon
// runs with and where each value came from.
func (c *Config) Log(ctx context.Context, l *slog.Logger, level slog.Level) {
	for _, s := range c.Dump() {
		l.LogAttrs(ctx, level, "config option",
			slog.String("section", s.Section),
			slog.String("option", s.Option),
			slog.String("value", s.Value),
			slog.String("source", s.Source))
	}
}

// urlPassword matches the password of each user:password@ in a URL,
// including every host of a multi-host transport_url.
var urlPassword = regexp.MustCompile(`((?:://|,)[^:@/,\s]*:)[^@/\s]*@`)

// secretQueryKey matches query parameter names that carry secrets.
var secretQueryKey = regexp.MustCompile(`(?i)pass|secret|token|key`)

// mask hides a secret value, keeping what is useful and harmless: an empty
// value stays empty (so "not set" is visible) and a URL keeps its scheme,
// user, hosts and path.
func mask(v string) string {
	if v == "" {
		return ""
	}
	scheme, rest, ok := strings.Cut(v, "://")
	if !ok || scheme == "" || strings.ContainsAny(scheme, " \t/@:") {
		return "***"
	}
	masked := urlPassword.ReplaceAllString("://"+rest, "${1}***@")
	base, query, hasQuery := strings.Cut(masked, "?")
	if !hasQuery {
		return scheme + base
	}
	params := strings.Split(query, "&")
	for i, p := range params {
		k, _, _ := strings.Cut(p, "=")
		if name, err := url.QueryUnescape(k); err != nil || secretQueryKey.MatchString(name) {
			params[i] = k + "=***"
		}
	}
	return scheme + base + "?" + strings.Join(params, "&")
}
