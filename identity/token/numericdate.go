package token

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// maxUnix bounds NumericDates we read (year 10000), so that no value
// overflows time.Time arithmetic.
const maxUnix = 253402300800

// numericDate is a JWT NumericDate: written as whole seconds, as keystone
// writes iat and exp (PyJWT 2.6 refuses a fractional iat until the next
// second), and read exactly from an integer or a decimal, so that a
// microsecond survives the trip without float rounding.
type numericDate struct {
	t   time.Time
	set bool
}

func dateOf(t time.Time) numericDate {
	return numericDate{t: t.UTC().Truncate(time.Microsecond), set: true}
}

// MarshalJSON writes whole seconds since the epoch.
func (d numericDate) MarshalJSON() ([]byte, error) {
	if d.t.Before(time.Unix(0, 0)) {
		return nil, fmt.Errorf("numeric date %s is before the epoch", d.t)
	}
	return strconv.AppendInt(make([]byte, 0, 20), d.t.Unix(), 10), nil
}

// UnmarshalJSON reads a non-negative JSON number of seconds.
func (d *numericDate) UnmarshalJSON(b []byte) error {
	t, err := parseNumericDate(string(b))
	if err != nil {
		return err
	}
	*d = numericDate{t: t, set: true}
	return nil
}

var errNumericDate = errors.New("not a numeric date")

func parseNumericDate(s string) (time.Time, error) {
	if strings.ContainsAny(s, "eE") {
		f, err := strconv.ParseFloat(s, 64)
		if err != nil || f < 0 || f >= maxUnix || math.IsNaN(f) {
			return time.Time{}, fmt.Errorf("%w: %q", errNumericDate, s)
		}
		sec := math.Floor(f)
		us := math.Round((f - sec) * 1e6)
		return time.Unix(int64(sec), int64(us)*1000).UTC(), nil
	}
	whole, frac, hasFrac := strings.Cut(s, ".")
	sec, err := strconv.ParseInt(whole, 10, 64)
	if err != nil || sec < 0 || sec >= maxUnix || whole[0] == '+' {
		return time.Time{}, fmt.Errorf("%w: %q", errNumericDate, s)
	}
	var us int64
	if hasFrac {
		if frac == "" {
			return time.Time{}, fmt.Errorf("%w: %q", errNumericDate, s)
		}
		for i, c := range frac {
			if c < '0' || c > '9' {
				return time.Time{}, fmt.Errorf("%w: %q", errNumericDate, s)
			}
			if i < 6 {
				us = us*10 + int64(c-'0')
			}
		}
		for i := len(frac); i < 6; i++ {
			us *= 10
		}
	}
	return time.Unix(sec, us*1000).UTC(), nil
}
