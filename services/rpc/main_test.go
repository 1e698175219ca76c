package rpc_test

import (
	"os"
	"testing"
)

// TestMain doubles as the test helper server: the integration tests start
// this same binary with RPCTEST_SERVE set, and it then serves the methods
// of childserver_test.go in its own process instead of running tests.
func TestMain(m *testing.M) {
	if os.Getenv(envServe) != "" {
		os.Exit(runChildServer())
	}
	os.Exit(m.Run())
}
