#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the portal's tests (Debian's postgresql package; 15 on Debian 12).
#
#   url=$(bash .ci/postgres.sh)          start one on a free loopback port; print its URL
#   bash .ci/postgres.sh stop "$url"     stop it and remove its files
#
# The cluster lives in /tmp/ammr-pg-PORT, trusts local connections only (it listens on 127.0.0.1),
# and runs as the postgres user when started by root (PostgreSQL refuses to run as root).
set -euo pipefail
# the newest PostgreSQL installed, unless AMMR_PG_BIN names one
BIN=${AMMR_PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2> /dev/null | sort -V | tail -n 1)}

as_owner() {
  if [ "$(id -u)" -eq 0 ]; then su postgres -s /bin/bash -c "$1"; else bash -c "$1"; fi
}

if [ "${1:-}" = "stop" ]; then
  port=$(printf '%s' "${2:?give the URL the start printed}" | sed -E 's/.*:([0-9]+)\/.*/\1/')
  dir=/tmp/ammr-pg-$port
  as_owner "$BIN/pg_ctl -D $dir/data -m fast -w stop" > /dev/null || true
  rm -rf "$dir"
  exit 0
fi

if [ -z "$BIN" ] || [ ! -x "$BIN/initdb" ]; then
  echo "no PostgreSQL at $BIN: apt-get install postgresql" >&2
  exit 1
fi
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
dir=/tmp/ammr-pg-$port
mkdir -p "$dir"
if [ "$(id -u)" -eq 0 ]; then chown postgres "$dir"; fi
as_owner "$BIN/initdb -D $dir/data -A trust -U postgres -E UTF8 --no-sync" > "$dir/initdb.log"
as_owner "$BIN/pg_ctl -D $dir/data -l $dir/server.log -w -o '-p $port -k $dir -c listen_addresses=127.0.0.1' start" > /dev/null
as_owner "$BIN/createdb -h 127.0.0.1 -p $port -U postgres ammr"
echo "postgresql://postgres@127.0.0.1:$port/ammr"
