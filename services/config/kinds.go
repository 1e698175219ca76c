package config

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
)

// String declares an option whose value is used as written.
func String(group, name, def, help string, mods ...Modifier) *Opt[string] {
	o := declare(group, name, help, "string", def, func(s string) string { return s }, false, mods)
	o.empty = true
	o.parse = func(s string) (string, error) { return s, nil }
	return o
}

// Choice declares a string option restricted to choices (case-sensitive,
// as oslo.config's choices are). An empty default means "not set".
func Choice(group, name, def string, choices []string, help string, mods ...Modifier) *Opt[string] {
	if len(choices) == 0 {
		panic(fmt.Sprintf("config: Choice [%s] %s has no choices", group, name))
	}
	o := declare(group, name, help, "string", def, func(s string) string { return s }, false, mods)
	o.spec.Choices = slices.Clone(choices)
	o.parse = func(s string) (string, error) {
		if !slices.Contains(o.spec.Choices, s) {
			return "", fmt.Errorf("must be one of: %s", strings.Join(o.spec.Choices, ", "))
		}
		return s, nil
	}
	o.mustAcceptDefault()
	return o
}

// Int declares an integer option; Min and Max bound it.
func Int(group, name string, def int, help string, mods ...Modifier) *Opt[int] {
	o := declare(group, name, help, "integer", def, strconv.Itoa, true, mods)
	o.parse = func(s string) (int, error) {
		n, err := strconv.Atoi(s)
		if err != nil {
			return 0, errors.New("not an integer")
		}
		return n, o.spec.checkRange(float64(n))
	}
	o.mustAcceptDefault()
	return o
}

// Port declares a TCP/UDP port option: an integer from 1 to 65535, which
// Min and Max may narrow.
func Port(group, name string, def int, help string, mods ...Modifier) *Opt[int] {
	o := declare(group, name, help, "port", def, strconv.Itoa, true, append([]Modifier{Min(1), Max(65535)}, mods...))
	o.parse = func(s string) (int, error) {
		n, err := strconv.Atoi(s)
		if err != nil {
			return 0, errors.New("not a port number (an integer from 1 to 65535)")
		}
		return n, o.spec.checkRange(float64(n))
	}
	o.mustAcceptDefault()
	return o
}

// Float declares a floating point option; Min and Max bound it.
func Float(group, name string, def float64, help string, mods ...Modifier) *Opt[float64] {
	show := func(f float64) string { return strconv.FormatFloat(f, 'g', -1, 64) }
	o := declare(group, name, help, "floating point", def, show, true, mods)
	o.parse = func(s string) (float64, error) {
		f, err := strconv.ParseFloat(s, 64)
		if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
			return 0, errors.New("not a number")
		}
		return f, o.spec.checkRange(f)
	}
	o.mustAcceptDefault()
	return o
}

// Bool declares a boolean option. Files may say true/false, yes/no, on/off
// or 1/0, in any case, as oslo.config accepts.
func Bool(group, name string, def bool, help string, mods ...Modifier) *Opt[bool] {
	o := declare(group, name, help, "boolean", def, strconv.FormatBool, false, mods)
	o.parse = parseBool
	return o
}

func parseBool(s string) (bool, error) {
	switch strings.ToLower(s) {
	case "true", "yes", "on", "1":
		return true, nil
	case "false", "no", "off", "0":
		return false, nil
	}
	return false, errors.New("not a boolean (true/false, yes/no, on/off, 1/0)")
}

// Seconds declares a duration written in files as a whole number of
// seconds, as oslo.config's integer options like report_interval are. Min
// and Max are in seconds.
func Seconds(group, name string, def time.Duration, help string, mods ...Modifier) *Opt[time.Duration] {
	if def%time.Second != 0 {
		panic(fmt.Sprintf("config: default of [%s] %s is not whole seconds: %v", group, name, def))
	}
	show := func(d time.Duration) string { return strconv.FormatInt(int64(d/time.Second), 10) }
	o := declare(group, name, help, "integer", def, show, true, mods)
	o.parse = func(s string) (time.Duration, error) {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n > math.MaxInt64/int64(time.Second) || n < math.MinInt64/int64(time.Second) {
			return 0, errors.New("not an integer number of seconds")
		}
		return time.Duration(n) * time.Second, o.spec.checkRange(float64(n))
	}
	o.mustAcceptDefault()
	return o
}

// List declares a comma-separated list; items are trimmed and empty items
// dropped, so "ceph-1, ceph-2," is [ceph-1 ceph-2].
func List(group, name string, def []string, help string, mods ...Modifier) *Opt[[]string] {
	o := declare(group, name, help, "list", slices.Clone(def), func(l []string) string { return strings.Join(l, ", ") }, false, mods)
	o.empty = true
	o.clone = slices.Clone[[]string]
	o.parse = func(s string) ([]string, error) {
		var items []string
		for item := range strings.SplitSeq(s, ",") {
			if item = strings.TrimSpace(item); item != "" {
				items = append(items, item)
			}
		}
		return items, nil
	}
	return o
}

// checkRange reports a value outside Min/Max in words an operator can act on.
func (s *Spec) checkRange(n float64) error {
	str := func(f float64) string { return strconv.FormatFloat(f, 'g', -1, 64) }
	switch {
	case s.Min != nil && s.Max != nil && (n < *s.Min || n > *s.Max):
		return fmt.Errorf("must be between %s and %s", str(*s.Min), str(*s.Max))
	case s.Min != nil && n < *s.Min:
		return fmt.Errorf("must be at least %s", str(*s.Min))
	case s.Max != nil && n > *s.Max:
		return fmt.Errorf("must be at most %s", str(*s.Max))
	}
	return nil
}
