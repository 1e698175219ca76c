package db

import (
	"github.com/gostack/gostack/services/config"
)

// The `[database]` options, as oslo.db names them.
var (
	Connection = config.String("database", "connection", "",
		"PostgreSQL URL of this service's database, e.g. postgresql://nova:PASSWORD@controller/nova. "+
			"SQLAlchemy forms such as postgresql+psycopg2:// are accepted.",
		config.Secret())
	MaxPoolSize = config.Int("database", "max_pool_size", DefaultMaxPoolSize,
		"Most connections each process keeps open to the database.", config.Min(1))
	ConnectionRecycleTime = config.Seconds("database", "connection_recycle_time", DefaultConnectionRecycleTime,
		"Seconds after which a database connection is closed and replaced.", config.Min(1))
)

// Opts returns the options this package reads, for config.Load.
func Opts() []config.Option {
	return []config.Option{Connection, MaxPoolSize, ConnectionRecycleTime}
}

// OptionsFrom reads the pool options from a loaded config.
func OptionsFrom(c *config.Config) Options {
	return Options{
		Connection:            Connection.Get(c),
		MaxPoolSize:           MaxPoolSize.Get(c),
		ConnectionRecycleTime: ConnectionRecycleTime.Get(c),
	}
}
