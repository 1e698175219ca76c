# shellcheck shell=bash
# A private PostgreSQL cluster under $STACK_DIR/postgres, one database and
# role per service. Listens on $HOST_IP:$PG_PORT and a socket in the data dir.

PG_BIN=${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1)}
PG_DATA=$STACK_DIR/postgres/data
PG_SOCK=$STACK_DIR/postgres

pg_as() { runuser -u postgres -- "$@"; }

postgres_up() {
  [ -x "$PG_BIN/postgres" ] || die "PostgreSQL binaries not found under /usr/lib/postgresql"
  mkdir -p "$PG_SOCK"
  chown postgres:postgres "$PG_SOCK"
  if [ ! -s "$PG_DATA/PG_VERSION" ]; then
    log "postgres: initdb $PG_DATA"
    local pwfile; pwfile=$(mktemp); secret pg_superuser >"$pwfile"; chown postgres "$pwfile"
    pg_as "$PG_BIN/initdb" -D "$PG_DATA" -U postgres --pwfile="$pwfile" -A scram-sha-256 \
      --auth-local=peer -E UTF8 >"$LOG_DIR/postgres-initdb.log" 2>&1 \
      || { rm -f "$pwfile"; die "initdb failed (log: $LOG_DIR/postgres-initdb.log)"; }
    rm -f "$pwfile"
  fi
  if pid_alive "$RUN_DIR/postgres.pid"; then
    log "postgres: running (pid $(cat "$RUN_DIR/postgres.pid"))"
  else
    log "postgres: starting on $HOST_IP:$PG_PORT"
    pg_as "$PG_BIN/pg_ctl" -D "$PG_DATA" -l "$PG_SOCK/postgres.log" -w -t 60 \
      -o "-p $PG_PORT -k $PG_SOCK -c listen_addresses=$HOST_IP -c max_connections=300" start >/dev/null \
      || die "PostgreSQL did not start (log: $PG_SOCK/postgres.log)"
    head -n1 "$PG_DATA/postmaster.pid" >"$RUN_DIR/postgres.pid"
  fi
}

# postgres_database NAME: ensure role NAME (password from secrets) owns database NAME.
postgres_database() {
  local name=$1 pw; pw=$(secret "db_$name")
  pg_as psql -h "$PG_SOCK" -p "$PG_PORT" -qAt -v ON_ERROR_STOP=1 postgres >/dev/null <<SQL
SELECT format('CREATE ROLE %I LOGIN', '$name') WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$name') \gexec
ALTER ROLE "$name" PASSWORD '$pw';
SELECT format('CREATE DATABASE %I OWNER %I', '$name', '$name') WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = '$name') \gexec
SQL
}

# postgres_url NAME: the connection URL of service NAME's database.
postgres_url() { echo "postgresql://$1:$(secret "db_$1")@$HOST_IP:$PG_PORT/$1?sslmode=disable"; }

# The role tests use to create throw-away databases.
postgres_test_role() {
  local pw; pw=$(secret db_gostack_test)
  pg_as psql -h "$PG_SOCK" -p "$PG_PORT" -qAt -v ON_ERROR_STOP=1 postgres >/dev/null <<SQL
SELECT 'CREATE ROLE gostack_test LOGIN CREATEDB' WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'gostack_test') \gexec
ALTER ROLE gostack_test PASSWORD '$pw';
SQL
  echo "postgresql://gostack_test:$pw@$HOST_IP:$PG_PORT/postgres?sslmode=disable"
}

postgres_stop() { stop_pid postgres INT; }

postgres_health() {
  if "$PG_BIN/pg_isready" -q -h "$HOST_IP" -p "$PG_PORT"; then
    health postgresql ok "$HOST_IP:$PG_PORT data $PG_DATA log $PG_SOCK/postgres.log"
  else
    health postgresql DOWN "$HOST_IP:$PG_PORT (log $PG_SOCK/postgres.log)"
    return 1
  fi
}
