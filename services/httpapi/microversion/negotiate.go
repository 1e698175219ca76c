package microversion

import (
	"fmt"
	"net/http"
	"strings"
	"unicode"

	"github.com/gostack/gostack/services/fault"
)

// Header names.
const (
	HeaderStandard     = "OpenStack-API-Version"
	HeaderLegacyNova   = "X-OpenStack-Nova-API-Version"
	HeaderLegacyVolume = "X-OpenStack-Volume-API-Version"
)

// Latest is the keyword for the highest version the server supports.
const Latest = "latest"

// Config describes one service's microversion contract.
type Config struct {
	// Service is the token in OpenStack-API-Version: "compute", "volume".
	Service string
	// LegacyHeaders are read, in order, when the standard header has no
	// entry for Service.
	LegacyHeaders []string
	// EchoLegacy, when set, is a legacy header also sent in responses.
	EchoLegacy string
	// Min and Max bound the versions served; Min is also the default.
	Min, Max Version
}

// Compute is nova's contract: 2.1 up to max, X-OpenStack-Nova-API-Version
// read and echoed.
func Compute(max Version) Config {
	return Config{
		Service:       "compute",
		LegacyHeaders: []string{HeaderLegacyNova},
		EchoLegacy:    HeaderLegacyNova,
		Min:           V(2, 1),
		Max:           max,
	}
}

// Volume is cinder's contract: 3.0 up to max. The legacy
// X-OpenStack-Volume-API-Version, which gophercloud sends next to the
// standard header, is read but not echoed.
func Volume(max Version) Config {
	return Config{
		Service:       "volume",
		LegacyHeaders: []string{HeaderLegacyVolume},
		Min:           V(3, 0),
		Max:           max,
	}
}

// requested returns the raw version string the client asked for, or ""
// for none, following microversion_parse.get_version.
func (c Config) requested(h http.Header) string {
	if std := h.Values(HeaderStandard); len(std) > 0 {
		entries := strings.Split(strings.Join(std, ","), ",")
		for i := len(entries) - 1; i >= 0; i-- {
			entry := strings.TrimSpace(entries[i])
			sp := strings.IndexFunc(entry, unicode.IsSpace)
			if sp < 0 {
				continue
			}
			if strings.EqualFold(entry[:sp], c.Service) {
				return strings.TrimSpace(entry[sp:])
			}
		}
	}
	for _, name := range c.LegacyHeaders {
		if vals := h.Values(name); len(vals) > 0 {
			parts := strings.Split(strings.Join(vals, ","), ",")
			return strings.TrimSpace(parts[len(parts)-1])
		}
	}
	return ""
}

// Negotiate returns the version a request with headers h asks for. The
// error is an Invalid fault for a malformed version and a NotAcceptable
// fault for one out of range; with the latter the requested version is
// returned too, since upstream echoes it.
func (c Config) Negotiate(h http.Header) (Version, error) {
	raw := c.requested(h)
	switch raw {
	case "":
		return c.Min, nil
	case Latest:
		return c.Max, nil
	}
	v, err := Parse(raw)
	if err != nil {
		return Version{}, fault.Wrap(err, fault.Invalid,
			"API Version String %s is of invalid format. Must be of format MajorNum.MinorNum.", raw)
	}
	if !v.Matches(c.Min, c.Max) {
		return v, fault.New(fault.NotAcceptable,
			"Version %s is not supported by the API. Minimum is %s and maximum is %s.", v, c.Min, c.Max)
	}
	return v, nil
}

// SetHeaders writes the response headers announcing v.
func (c Config) SetHeaders(h http.Header, v Version) {
	h.Set(HeaderStandard, fmt.Sprintf("%s %s", c.Service, v))
	h.Add("Vary", HeaderStandard)
	if c.EchoLegacy != "" {
		h.Set(c.EchoLegacy, v.String())
		h.Add("Vary", c.EchoLegacy)
	}
}
