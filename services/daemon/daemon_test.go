package daemon

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"testing"
)

func TestExitCode(t *testing.T) {
	for _, c := range []struct {
		err  error
		code int
		msg  string
	}{
		{nil, 0, ""},
		{flag.ErrHelp, 2, ""},
		{fmt.Errorf("parse: %w", flag.ErrHelp), 2, ""},
		{errors.New("no database"), 1, "nova-api: no database\n"},
	} {
		var w bytes.Buffer
		if got := ExitCode(&w, "nova-api", c.err); got != c.code || w.String() != c.msg {
			t.Errorf("ExitCode(%v) = %d, %q; want %d, %q", c.err, got, w.String(), c.code, c.msg)
		}
	}
}
