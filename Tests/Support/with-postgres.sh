#!/usr/bin/env bash
# with-postgres.sh CMD...: runs CMD with a throwaway PostgreSQL server, removed afterwards.
#
# Finds Debian's server binaries (/usr/lib/postgresql/*/bin, the newest), creates a cluster in a
# temporary folder owned by the `postgres` user (PostgreSQL refuses to run as root; as any other
# user the cluster is simply that user's), on a free loopback port with its Unix socket in the
# same folder and fsync off (test speed, nothing here must survive a crash; TALLY_POSTGRES_DURABLE=1
# keeps it on). A role `tally` with a
# password and CREATEDB logs in by scram-sha-256 over TCP, so password authentication is what the
# tests exercise. Exports for CMD:
#   TALLY_TEST_POSTGRES_URL  postgres://tally:PASSWORD@127.0.0.1:PORT/postgres?sslmode=disable
#   TALLY_POSTGRES_CTL       a script taking stop|start, for the outage tests
# The cluster is stopped and removed whatever CMD does (trap); CMD's exit status is the script's.
set -euo pipefail

if [ $# -eq 0 ]; then
    echo "usage: $0 CMD [ARGS...]" >&2
    exit 2
fi

bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
if [ -z "$bindir" ] || [ ! -x "$bindir/initdb" ]; then
    echo "with-postgres.sh: no PostgreSQL server under /usr/lib/postgresql/*/bin (apt-get install postgresql)" >&2
    exit 1
fi

# Who runs the server: `postgres` when we are root (Debian's package creates that user).
if [ "$(id -u)" = 0 ]; then
    if ! id postgres >/dev/null 2>&1; then
        echo "with-postgres.sh: running as root, but there is no postgres user to run the server as" >&2
        exit 1
    fi
    as_server() { runuser -u postgres -- "$@"; }
else
    as_server() { "$@"; }
fi

# A free loopback port: bind to port 0 and read what the kernel chose.
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')

cluster=$(mktemp -d /tmp/tally-postgres.XXXXXX)
chmod 755 "$cluster"
data="$cluster/data"
ctl="$cluster/ctl.sh"
log="$cluster/server.log"
password=$(python3 -c 'import secrets; print(secrets.token_hex(16))')

cleanup() {
    status=$?
    if [ -f "$data/postmaster.pid" ]; then
        as_server "$bindir/pg_ctl" -D "$data" -m immediate -w stop >/dev/null 2>&1 || true
    fi
    if [ "$status" -ne 0 ] && [ -f "$log" ]; then
        echo "with-postgres.sh: the server's log (last 40 lines):" >&2
        tail -40 "$log" >&2 || true
    fi
    rm -rf "$cluster"
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

[ "$(id -u)" = 0 ] && chown postgres: "$cluster"
printf '%s\n' "$password" > "$cluster/password"
[ "$(id -u)" = 0 ] && chown postgres: "$cluster/password"
as_server "$bindir/initdb" -D "$data" -U postgres -E UTF8 --locale=C --auth-local=trust --auth-host=scram-sha-256 \
    --pwfile="$cluster/password" >"$cluster/initdb.log" 2>&1 || { cat "$cluster/initdb.log" >&2; exit 1; }
cat >> "$data/postgresql.conf" <<EOF
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$cluster'
max_connections = 300
EOF
# TALLY_POSTGRES_DURABLE=1 keeps PostgreSQL's durable defaults (for measuring publish latency
# against SQLite's synchronous=FULL); tests need none of it.
if [ "${TALLY_POSTGRES_DURABLE:-0}" != 1 ]; then
    printf 'fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n' >> "$data/postgresql.conf"
fi

cat > "$ctl" <<EOF
#!/usr/bin/env bash
# Stops or starts the throwaway server (the outage tests call it).
set -euo pipefail
# The server must not inherit the caller's descriptors: a test process's sockets held open by
# the server would outlive their close, and a caller that waits for its pipes to close (as
# Foundation's Process does) would wait for the server to exit.
for fd in \$(ls /proc/\$\$/fd); do
    if [ "\$fd" -gt 2 ]; then eval "exec \$fd>&-" 2>/dev/null || true; fi
done
case "\${1:-}" in
    stop) $( [ "$(id -u)" = 0 ] && echo "runuser -u postgres --" ) "$bindir/pg_ctl" -D "$data" -m fast -w stop >/dev/null ;;
    start) $( [ "$(id -u)" = 0 ] && echo "runuser -u postgres --" ) "$bindir/pg_ctl" -D "$data" -l "$log" -w start </dev/null >/dev/null ;;
    *) echo "usage: \$0 stop|start" >&2; exit 2 ;;
esac
EOF
chmod 755 "$ctl"

"$ctl" start
as_server "$bindir/psql" -h "$cluster" -p "$port" -U postgres -d postgres -v ON_ERROR_STOP=1 -q \
    -c "CREATE ROLE tally LOGIN CREATEDB PASSWORD '$password'" >/dev/null

export TALLY_TEST_POSTGRES_URL="postgres://tally:$password@127.0.0.1:$port/postgres?sslmode=disable"
export TALLY_POSTGRES_CTL="$ctl"
echo "with-postgres.sh: PostgreSQL $("$bindir/postgres" --version | awk '{print $3}') on 127.0.0.1:$port (cluster $cluster)" >&2
"$@"
