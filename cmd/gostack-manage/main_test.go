package main

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gostack/gostack/migrations"
	"github.com/gostack/gostack/services/testenv"
)

// latestNova is the number of nova's newest migration file.
func latestNova(t *testing.T) string {
	t.Helper()
	entries, err := fs.ReadDir(migrations.FS, "nova")
	if err != nil || len(entries) == 0 {
		t.Fatalf("nova migrations: %v", err)
	}
	last := entries[len(entries)-1].Name()
	n, err := strconv.Atoi(strings.TrimLeft(last[:strings.IndexByte(last, '_')], "0"))
	if err != nil {
		t.Fatalf("%s: %v", last, err)
	}
	return strconv.Itoa(n)
}

func TestUsage(t *testing.T) {
	for _, args := range [][]string{
		nil,
		{"db"},
		{"db", "upgrade", "--service", "nova"},
		{"db", "sync"},
		{"db", "sync", "--service", "nova", "extra"},
	} {
		var out, errOut bytes.Buffer
		if err := run(context.Background(), args, &out, &errOut); !errors.Is(err, errUsage) {
			t.Errorf("run(%q) = %v; want usage", args, err)
		}
	}
}

func TestSyncThenVersionFromConfigFile(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	url := testenv.Postgres(t)
	conf := filepath.Join(t.TempDir(), "nova.conf")
	sqla := strings.Replace(url, "postgresql://", "postgresql+psycopg2://", 1)
	if err := os.WriteFile(conf, []byte("[database]\nconnection = "+sqla+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}

	var out, errOut bytes.Buffer
	if err := run(ctx, []string{"db", "sync", "--service", "nova", "--config-file", conf}, &out, &errOut); err != nil {
		t.Fatalf("db sync: %v (%s)", err, errOut.String())
	}
	if !strings.Contains(out.String(), "nova: applied 00001_services.sql") {
		t.Errorf("db sync printed %q", out.String())
	}
	out.Reset()
	if err := run(ctx, []string{"db", "version", "--service", "nova", "--connection", url}, &out, &errOut); err != nil {
		t.Fatalf("db version: %v", err)
	}
	if want := latestNova(t); strings.TrimSpace(out.String()) != want {
		t.Errorf("db version printed %q; want %s", out.String(), want)
	}
}
