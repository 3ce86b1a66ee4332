# PostgreSQL from Debian's packages, for tallyd replicas (compose.replicas.yaml). Build from Deploy/:
#   podman build --format docker -f postgres.Dockerfile -t localhost/tally-postgres:latest .
# At the first start on an empty volume, postgres-start.sh makes the cluster and a role and database
# for tallyd, the role's password read from a secret file (TALLY_DB_PASSWORD_FILE); clients on the
# container network log in with scram-sha-256. Runs as the postgres user; the data is on the volume.
FROM docker.io/library/debian:bookworm-slim
# No cluster at install time (postgresql-common would make one in the image): ours is made on the
# volume at the first start. The postgres user has a fixed uid (10003, beside tallyd's 10001 and the
# proxy's 10002), so an operator can give it its secret file.
# hadolint ignore=DL3008
RUN groupadd --system --gid 10003 postgres \
    && useradd --system --uid 10003 --gid postgres --home-dir /var/lib/postgresql --shell /bin/bash postgres \
    && mkdir -p /etc/postgresql-common \
    && printf 'create_main_cluster = false\n' >/etc/postgresql-common/createcluster.conf \
    && apt-get update \
    && apt-get install -y --no-install-recommends postgresql-15 \
    && apt-get clean \
    && rm -rf /var/lib/apt/lists/* \
    && mkdir -p /var/lib/postgresql/data /var/run/postgresql \
    && chown postgres:postgres /var/lib/postgresql/data /var/run/postgresql \
    && chmod 700 /var/lib/postgresql/data
COPY postgres-start.sh /usr/local/bin/postgres-start.sh
# hadolint ignore=DL3064  # a file's path, not a password
ENV PATH=/usr/lib/postgresql/15/bin:$PATH \
    PGDATA=/var/lib/postgresql/data/pgdata \
    TALLY_DB_USER=tally \
    TALLY_DB_NAME=tally \
    TALLY_DB_PASSWORD_FILE=/run/secrets/db_password \
    TALLY_DB_CLIENTS="10.0.0.0/8 172.16.0.0/12 192.168.0.0/16 fd00::/8"
VOLUME ["/var/lib/postgresql/data"]
EXPOSE 5432
USER 10003:10003
# SIGINT is PostgreSQL's fast shutdown: clients (the replicas' listeners) are disconnected at once.
# SIGTERM would wait for every client to leave, which replicas never do.
STOPSIGNAL SIGINT
# Over TCP on purpose: the first start's set-up server listens on the socket only, so this passes
# once the real server is up with the role in place.
HEALTHCHECK --interval=5s --timeout=3s --start-period=30s --retries=3 \
    CMD ["sh", "-c", "pg_isready -q -h 127.0.0.1 -p 5432 -U \"$TALLY_DB_USER\" -d \"$TALLY_DB_NAME\""]
ENTRYPOINT ["/usr/local/bin/postgres-start.sh"]
