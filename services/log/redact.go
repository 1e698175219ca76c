package log

import (
	"log/slog"
	"regexp"
)

// Mask replaces every secret that Redact finds.
const Mask = "***"

// secretKeys are the JSON and form field names whose values are secrets:
// passwords (Keystone's auth and user bodies), Nova's adminPass, tokens,
// application credential secrets, generated private keys.
const secretKeys = `password|original_password|new_password|admin_password|adminPass|admin_pass|auth_password|` +
	`secret|passphrase|token|auth_token|private_key|fernet_key|encryption_key`

// redactions are applied in order; each keeps its first group and
// replaces the rest of its match with repl.
var redactions = []struct {
	re   *regexp.Regexp
	repl string
}{
	// "password": "...", also with JSON escapes inside the value.
	{regexp.MustCompile(`(?i)("(?:` + secretKeys + `)"\s*:\s*)"(?:[^"\\]|\\.)*"`), `${1}"` + Mask + `"`},
	// Keystone token auth: "token": {"id": "..."}.
	{regexp.MustCompile(`(?i)("token"\s*:\s*\{\s*"id"\s*:\s*)"(?:[^"\\]|\\.)*"`), `${1}"` + Mask + `"`},
	// password=... in query strings, form bodies and key=value logs.
	{regexp.MustCompile(`(?i)(\b(?:` + secretKeys + `)=)[^&\s,;"']+`), "${1}" + Mask},
	// Token headers as "X-Auth-Token: v", "X-Auth-Token:[v]" (a Go
	// http.Header) or "X-Auth-Token": ["v"] (JSON).
	{regexp.MustCompile(`(?i)(\bX-(?:Auth|Subject|Service)-Token["']?\s*[:=]\s*\[?\s*["']?)[^"'\s\],]+`), "${1}" + Mask},
	// Authorization: Basic/Bearer credentials.
	{regexp.MustCompile(`(?i)(\bAuthorization["']?\s*[:=]\s*\[?\s*["']?(?:Basic |Bearer )?)[^"'\s\],]+`), "${1}" + Mask},
	// The password of user:password@ in URLs, and in each host of a
	// multi-host transport_url.
	{regexp.MustCompile(`((?:[A-Za-z][A-Za-z0-9+.-]*://|,)[^:@/,\s"']*:)[^@/\s"']*@`), "${1}" + Mask + "@"},
}

// Redact masks the secrets in s that are likely to reach a log line:
// passwords and other secret fields in JSON bodies and form data, token
// and Authorization header values, and passwords in URLs. It is a safety
// net for logging request and response text; values known to be secret
// are better logged as Secret.
func Redact(s string) string {
	for _, r := range redactions {
		s = r.re.ReplaceAllString(s, r.repl)
	}
	return s
}

// Secret is a string that logs, and prints, as ***. Use string(s) for the
// value itself.
type Secret string

// LogValue implements slog.LogValuer.
func (Secret) LogValue() slog.Value { return slog.StringValue(Mask) }

// String implements fmt.Stringer.
func (Secret) String() string { return Mask }
