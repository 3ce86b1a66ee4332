#!/usr/bin/env bash
# The PostgreSQL image's entrypoint (postgres.Dockerfile), run as the postgres user. On an empty
# volume it makes the cluster, then a role and a database for tallyd:
#   TALLY_DB_USER, TALLY_DB_NAME      the role and its database (default tally, tally)
#   TALLY_DB_PASSWORD_FILE            the role's password (a secret file; never on a command line)
#   TALLY_DB_CLIENTS                  address ranges allowed to log in over TCP, with scram-sha-256
# and finally runs the server in the foreground (exec: it gets the container's signals). Arguments
# go to postgres (e.g. `-c max_connections=200`).
set -euo pipefail
: "${PGDATA:?}" "${TALLY_DB_USER:=tally}" "${TALLY_DB_NAME:=tally}" "${TALLY_DB_PASSWORD_FILE:?}"
: "${TALLY_DB_CLIENTS:=10.0.0.0/8 172.16.0.0/12 192.168.0.0/16 fd00::/8}"
log() { printf 'postgres-start: %s\n' "$*" >&2; }

if [ ! -s "$PGDATA/PG_VERSION" ]; then
    [ -r "$TALLY_DB_PASSWORD_FILE" ] || { log "cannot read the password file $TALLY_DB_PASSWORD_FILE"; exit 1; }
    [ -s "$TALLY_DB_PASSWORD_FILE" ] || { log "the password file $TALLY_DB_PASSWORD_FILE is empty"; exit 1; }
    log "first start: making the cluster in $PGDATA"
    # A previous first start that died half-way leaves a cluster without PG_VERSION: start over.
    rm -rf "$PGDATA"
    mkdir -p "$PGDATA"
    chmod 700 "$PGDATA"
    # The superuser has no password: it logs in over the socket only, as the postgres user (peer).
    initdb -D "$PGDATA" --username=postgres --encoding=UTF8 --locale=C.UTF-8 \
        --auth-local=peer --auth-host=reject >/dev/null
    {
        echo "# Written by postgres-start.sh at the first start."
        echo "local all postgres peer"
        echo "local all all scram-sha-256"
        # The healthcheck's pg_isready comes over loopback as the tally role: it gives up at the
        # password request, which the server does not log (a missing entry would, every 5 s).
        for range in 127.0.0.1/32 ::1/128 $TALLY_DB_CLIENTS; do
            echo "host $TALLY_DB_NAME $TALLY_DB_USER $range scram-sha-256"
        done
    } >"$PGDATA/pg_hba.conf"
    cat >>"$PGDATA/postgresql.conf" <<'CONF'
# Added by postgres-start.sh.
listen_addresses = '*'
password_encryption = 'scram-sha-256'
log_destination = 'stderr'
log_connections = off
log_min_messages = warning
CONF
    # Set-up server: the socket only, so nothing outside sees it (and pg_isready over TCP fails).
    pg_ctl -D "$PGDATA" -o "-c listen_addresses=''" -w -t 60 start >/dev/null
    # The password is read by psql from the file (the backquotes), never an argument of anything;
    # psql quotes it as an SQL literal (:'password') and the names as identifiers (:"role").
    psql -v ON_ERROR_STOP=1 -q -X -U postgres -d postgres \
        --set=role="$TALLY_DB_USER" --set=db="$TALLY_DB_NAME" <<'SQL'
\set password `cat "$TALLY_DB_PASSWORD_FILE"`
CREATE ROLE :"role" LOGIN PASSWORD :'password';
CREATE DATABASE :"db" OWNER :"role";
REVOKE ALL ON DATABASE :"db" FROM PUBLIC;
SQL
    pg_ctl -D "$PGDATA" -m fast -w -t 60 stop >/dev/null
    log "made role $TALLY_DB_USER and database $TALLY_DB_NAME; clients: $TALLY_DB_CLIENTS"
fi

exec postgres -D "$PGDATA" "$@"
