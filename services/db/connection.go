package db

import (
	"net"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/gostack/gostack/services/fault"
)

// Defaults for Options fields left zero. They follow oslo.db's defaults
// where oslo.db has one.
const (
	DefaultMaxPoolSize           = 5                // oslo.db max_pool_size
	DefaultConnectionRecycleTime = time.Hour        // oslo.db connection_recycle_time (3600 s)
	DefaultConnectTimeout        = 10 * time.Second // used when the URL sets no connect_timeout
)

// Options are the `[database]` options that shape the pool.
//
// oslo.db's max_overflow and pool_timeout have no pgxpool equivalent:
// the pool never grows beyond MaxPoolSize, and callers bound waits for a
// connection with their context.
type Options struct {
	// Connection is `[database] connection`: postgresql://, postgres:// or
	// a SQLAlchemy URL such as postgresql+psycopg2://user:pw@host/db.
	Connection string
	// MaxPoolSize is `[database] max_pool_size`, the most connections
	// the pool holds open.
	MaxPoolSize int
	// ConnectionRecycleTime is `[database] connection_recycle_time`:
	// connections older than this are closed and replaced.
	ConnectionRecycleTime time.Duration
	// ConnectTimeout bounds each connection attempt unless the URL has
	// its own connect_timeout parameter.
	ConnectTimeout time.Duration
}

// NormalizeURL turns an oslo-style connection value into a URL pgx
// accepts: it accepts the postgresql and postgres schemes and SQLAlchemy's
// "postgresql+<driver>" forms, dropping the driver. Everything after the
// scheme, query parameters included, is passed through unchanged. Other
// databases, and keyword/value strings, are refused with fault.Invalid.
func NormalizeURL(connection string) (string, error) {
	s := strings.TrimSpace(connection)
	if s == "" {
		return "", fault.New(fault.Invalid, "[database] connection is empty: set it to postgresql://user:password@host/dbname")
	}
	scheme, rest, ok := strings.Cut(s, "://")
	if !ok {
		return "", fault.New(fault.Invalid, "[database] connection is not a URL: use postgresql://user:password@host/dbname")
	}
	dialect, _, _ := strings.Cut(strings.ToLower(scheme), "+")
	if dialect != "postgresql" && dialect != "postgres" {
		return "", fault.New(fault.Invalid,
			"[database] connection uses %q: only PostgreSQL is supported (postgresql://user:password@host/dbname)", scheme)
	}
	return "postgresql://" + rest, nil
}

// PoolConfig parses the connection and applies the pool options.
func PoolConfig(opts Options) (*pgxpool.Config, error) {
	u, err := NormalizeURL(opts.Connection)
	if err != nil {
		return nil, err
	}
	cfg, err := pgxpool.ParseConfig(u)
	if err != nil {
		// pgx redacts passwords in its parse errors; the message redacts too.
		return nil, fault.Wrap(err, fault.Invalid, "[database] connection %s cannot be parsed", Redact(u))
	}
	if opts.MaxPoolSize < 0 {
		return nil, fault.New(fault.Invalid, "[database] max_pool_size must be positive, not %d", opts.MaxPoolSize)
	}
	cfg.MaxConns = int32(orDefault(opts.MaxPoolSize, DefaultMaxPoolSize))
	cfg.MaxConnLifetime = orDefault(opts.ConnectionRecycleTime, DefaultConnectionRecycleTime)
	// Spread recycling so a pool's connections do not all reconnect at once.
	cfg.MaxConnLifetimeJitter = cfg.MaxConnLifetime / 10
	if cfg.ConnConfig.ConnectTimeout == 0 {
		cfg.ConnConfig.ConnectTimeout = orDefault(opts.ConnectTimeout, DefaultConnectTimeout)
	}
	return cfg, nil
}

// Target names the database a pool config points at, as host:port/dbname,
// for messages and logs. It never contains the password.
func Target(cfg *pgxpool.Config) string {
	c := cfg.ConnConfig
	host := c.Host
	if !strings.HasPrefix(host, "/") { // unix socket directories stay as they are
		host = net.JoinHostPort(host, strconv.Itoa(int(c.Port)))
	}
	return host + "/" + c.Database
}

// Redact returns the connection URL with its password masked, for logs.
// A value that does not parse as a URL is replaced entirely.
func Redact(connection string) string {
	u, err := url.Parse(strings.TrimSpace(connection))
	if err != nil {
		return "(unparsable connection URL)"
	}
	return u.Redacted()
}

func orDefault[T int | time.Duration](v, def T) T {
	if v <= 0 {
		return def
	}
	return v
}
