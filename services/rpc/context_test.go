package rpc

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"testing"
)

func TestContextRoundTripsThroughCtx(t *testing.T) {
	if _, ok := FromContext(context.Background()); ok {
		t.Fatal("FromContext found a Context in an empty ctx")
	}
	want := Context{RequestID: "req-1", ProjectID: "p", Roles: []string{"admin"}, IsAdmin: true}
	got, ok := FromContext(WithContext(context.Background(), want))
	if !ok || got.RequestID != want.RequestID || got.ProjectID != "p" || !got.IsAdmin || len(got.Roles) != 1 {
		t.Fatalf("FromContext = %+v, %v; want %+v", got, ok, want)
	}
}

func TestContextLogsNoToken(t *testing.T) {
	var buf bytes.Buffer
	log := slog.New(slog.NewTextHandler(&buf, nil))
	log.Info("x", "context", Context{RequestID: "req-1", AuthToken: "gAAAAsecret"})
	if strings.Contains(buf.String(), "gAAAAsecret") {
		t.Errorf("log line shows the token: %s", buf.String())
	}
	if !strings.Contains(buf.String(), "req-1") {
		t.Errorf("log line lost the request id: %s", buf.String())
	}
}
