package db_test

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/gostack/gostack/services/db"
	"github.com/gostack/gostack/services/fault"
)

func TestOpenUnreachableNamesTargetNotPassword(t *testing.T) {
	// Port 1 on loopback refuses at once: nothing listens there.
	_, err := db.Open(ctxFor(t), db.Options{
		Connection:     "postgresql+psycopg2://nova:Sup3rS3cretPW@127.0.0.1:1/nova",
		ConnectTimeout: 5 * time.Second,
	})
	if fault.KindOf(err) != fault.Unavailable {
		t.Fatalf("error = %v; want kind unavailable", err)
	}
	msg := fault.MessageOf(err)
	if !strings.Contains(msg, "127.0.0.1:1/nova") || !strings.Contains(msg, `"nova"`) {
		t.Errorf("message %q does not name host:port/db and user", msg)
	}
	if strings.Contains(err.Error(), "Sup3rS3cretPW") {
		t.Errorf("error shows the password: %v", err)
	}
}

func TestOpenUnknownDatabase(t *testing.T) {
	_, dsn := openFresh(t)
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	u.Path = "/no_such_database_here"
	_, err = db.Open(ctxFor(t), db.Options{Connection: u.String()})
	if fault.KindOf(err) != fault.Unavailable {
		t.Fatalf("error = %v; want kind unavailable", err)
	}
	if msg := fault.MessageOf(err); !strings.Contains(msg, "no_such_database_here") {
		t.Errorf("message %q does not say which database", msg)
	}
	if pw, ok := u.User.Password(); ok && pw != "" && strings.Contains(err.Error(), pw) {
		t.Errorf("error shows the password: %v", err)
	}
}

func TestOpenRuns(t *testing.T) {
	pool, _ := openFresh(t)
	var one int
	if err := pool.QueryRow(context.Background(), "SELECT 1").Scan(&one); err != nil || one != 1 {
		t.Fatalf("SELECT 1 = %d, %v", one, err)
	}
}
