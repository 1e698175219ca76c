package db_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/gostack/gostack/services/db"
	"github.com/gostack/gostack/services/fault"
)

func TestNormalizeURL(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"postgresql://nova:pw@db/nova", "postgresql://nova:pw@db/nova"},
		{"postgres://nova:pw@db:5433/nova", "postgresql://nova:pw@db:5433/nova"},
		{"postgresql+psycopg2://nova:pw@db/nova", "postgresql://nova:pw@db/nova"},
		{"postgresql+psycopg2://nova:pw@db/nova?sslmode=require&application_name=nova-api",
			"postgresql://nova:pw@db/nova?sslmode=require&application_name=nova-api"},
		{"PostgreSQL+pg8000://nova:pw@db/nova", "postgresql://nova:pw@db/nova"},
		{"  postgresql://nova@/nova?host=/var/run/postgresql  ", "postgresql://nova@/nova?host=/var/run/postgresql"},
	}
	for _, tt := range tests {
		got, err := db.NormalizeURL(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("NormalizeURL(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
}

func TestNormalizeURLRefuses(t *testing.T) {
	for _, in := range []string{
		"",
		"mysql+pymysql://nova:pw@db/nova",
		"sqlite:///nova.db",
		"host=db dbname=nova user=nova",
	} {
		_, err := db.NormalizeURL(in)
		if fault.KindOf(err) != fault.Invalid {
			t.Errorf("NormalizeURL(%q) error = %v; want kind invalid", in, err)
		}
	}
}

func TestPoolConfig(t *testing.T) {
	tests := []struct {
		name       string
		opts       db.Options
		host       string
		port       uint16
		database   string
		user       string
		password   string
		maxConns   int32
		lifetime   time.Duration
		connect    time.Duration
		runtimeKey string // a query parameter that must reach the server
	}{
		{
			name: "psycopg2 with defaults",
			opts: db.Options{Connection: "postgresql+psycopg2://nova:s3cret@controller/nova"},
			host: "controller", port: 5432, database: "nova", user: "nova", password: "s3cret",
			maxConns: db.DefaultMaxPoolSize, lifetime: db.DefaultConnectionRecycleTime, connect: db.DefaultConnectTimeout,
		},
		{
			name: "options and params",
			opts: db.Options{
				Connection:            "postgres://cinder:pw@10.0.0.5:5433/cinder?application_name=cinder-volume&connect_timeout=3",
				MaxPoolSize:           20,
				ConnectionRecycleTime: 10 * time.Minute,
				ConnectTimeout:        time.Minute, // the URL's connect_timeout wins
			},
			host: "10.0.0.5", port: 5433, database: "cinder", user: "cinder", password: "pw",
			maxConns: 20, lifetime: 10 * time.Minute, connect: 3 * time.Second, runtimeKey: "application_name",
		},
		{
			name: "explicit connect timeout",
			opts: db.Options{Connection: "postgresql://k:pw@[::1]/keystone", ConnectTimeout: 2 * time.Second},
			host: "::1", port: 5432, database: "keystone", user: "k", password: "pw",
			maxConns: db.DefaultMaxPoolSize, lifetime: db.DefaultConnectionRecycleTime, connect: 2 * time.Second,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := db.PoolConfig(tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			c := cfg.ConnConfig
			if c.Host != tt.host || c.Port != tt.port || c.Database != tt.database || c.User != tt.user || c.Password != tt.password {
				t.Errorf("got host=%s port=%d db=%s user=%s password=%s", c.Host, c.Port, c.Database, c.User, c.Password)
			}
			if cfg.MaxConns != tt.maxConns || cfg.MaxConnLifetime != tt.lifetime || c.ConnectTimeout != tt.connect {
				t.Errorf("got max_conns=%d lifetime=%v connect_timeout=%v", cfg.MaxConns, cfg.MaxConnLifetime, c.ConnectTimeout)
			}
			if tt.runtimeKey != "" && c.RuntimeParams[tt.runtimeKey] == "" {
				t.Errorf("query parameter %s not passed through: %v", tt.runtimeKey, c.RuntimeParams)
			}
		})
	}
}

func TestPoolConfigRefuses(t *testing.T) {
	for _, opts := range []db.Options{
		{Connection: "postgresql://nova:pw@db/nova", MaxPoolSize: -1},
		{Connection: "postgresql://nova:pw@db:notaport/nova"},
		{Connection: "oracle://nova:pw@db/nova"},
	} {
		_, err := db.PoolConfig(opts)
		if !errors.Is(err, fault.Of(fault.Invalid)) {
			t.Errorf("PoolConfig(%+v) error = %v; want kind invalid", opts, err)
		}
		if err != nil && strings.Contains(err.Error(), ":pw@") {
			t.Errorf("error shows the password: %v", err)
		}
	}
}

func TestTargetAndRedact(t *testing.T) {
	cfg, err := db.PoolConfig(db.Options{Connection: "postgresql+psycopg2://nova:s3cret@controller:5433/nova"})
	if err != nil {
		t.Fatal(err)
	}
	if got := db.Target(cfg); got != "controller:5433/nova" {
		t.Errorf("Target = %q", got)
	}
	if got := db.Redact("postgresql://nova:s3cret@controller/nova"); strings.Contains(got, "s3cret") {
		t.Errorf("Redact kept the password: %q", got)
	}
}
