package log

import (
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
)

// Config says where and how a daemon logs.
type Config struct {
	Service string    // the binary, e.g. "nova-compute"; the "service" attribute and the log file's default name
	Host    string    // the "host" attribute; os.Hostname() when empty
	Debug   bool      // log at DEBUG instead of INFO
	JSON    bool      // one JSON object per line instead of key=value text
	File    string    // log file; relative to Dir when Dir is set; stderr when both are empty
	Dir     string    // log directory; alone, the file is <Dir>/<Service>.log, as oslo.log does
	Output  io.Writer // when set, log here instead of File/Dir (tests, a pipe to journald)
}

// Path returns the log file New opens, or "" for stderr/Output.
func (c Config) Path() string {
	switch {
	case c.Output != nil:
		return ""
	case c.File != "" && (c.Dir == "" || filepath.IsAbs(c.File)):
		return c.File
	case c.File != "":
		return filepath.Join(c.Dir, c.File)
	case c.Dir != "":
		return filepath.Join(c.Dir, c.Service+".log")
	}
	return ""
}

// New builds a logger for c. Its handler adds the request values of the
// record's context (NewContextHandler). Close the returned Closer at exit
// to close the log file; it does nothing when logging to stderr or Output.
func New(c Config) (*slog.Logger, io.Closer, error) {
	var w io.Writer = os.Stderr
	var closer io.Closer = nopCloser{}
	if c.Output != nil {
		w = c.Output
	} else if path := c.Path(); path != "" {
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o640)
		if err != nil {
			return nil, nil, fmt.Errorf("opening log file: %w", err)
		}
		w, closer = f, f
	}
	if c.Host == "" {
		c.Host, _ = os.Hostname()
	}
	opts := &slog.HandlerOptions{Level: slog.LevelInfo}
	if c.Debug {
		opts.Level = slog.LevelDebug
	}
	var h slog.Handler = slog.NewTextHandler(w, opts)
	if c.JSON {
		h = slog.NewJSONHandler(w, opts)
	}
	logger := slog.New(NewContextHandler(h)).With(slog.String("service", c.Service), slog.String("host", c.Host))
	return logger, closer, nil
}

type nopCloser struct{}

func (nopCloser) Close() error { return nil }
