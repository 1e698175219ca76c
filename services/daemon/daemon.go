// Package daemon is the part of every daemon's main that is the same for
// all of them: a context cancelled by SIGINT or SIGTERM, and the exit
// status and message of the daemon's run function.
package daemon

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

// Main runs run with the command-line arguments and a context that ends on
// SIGINT or SIGTERM, then exits: 2 after a usage error (flag.ErrHelp, the
// usage already printed), 1 with "name: error" on stderr after any other
// error, 0 otherwise.
func Main(name string, run func(ctx context.Context, args []string) error) {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:])
	stop()
	os.Exit(ExitCode(os.Stderr, name, err))
}

// ExitCode is the status Main exits with after err, writing the message
// for a failure to w.
func ExitCode(w interface{ Write([]byte) (int, error) }, name string, err error) int {
	switch {
	case err == nil:
		return 0
	case errors.Is(err, flag.ErrHelp):
		return 2
	default:
		fmt.Fprintf(w, "%s: %v\n", name, err)
		return 1
	}
}
