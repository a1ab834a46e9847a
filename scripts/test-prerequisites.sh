#!/usr/bin/env bash
# What `make test` needs besides Python: Debian's chromium, nginx and wrk, a
# PostgreSQL on 127.0.0.1:5432 (trust auth, user postgres, database test) and a
# Redis on 127.0.0.1:6379. Installs missing packages (as root, with apt-get),
# starts installed but stopped services and waits for them; silent when all is
# there. Otherwise one line per missing thing, saying how to get it, and exit 1.
set -uo pipefail

PG_HOST=127.0.0.1 PG_PORT=5432 REDIS_HOST=127.0.0.1 REDIS_PORT=6379
WAIT_SECONDS=30
LOG=${TMPDIR:-/tmp}/drugsite-test-prerequisites.log
# a command the suite (or make bench) runs -> the Debian package providing it
COMMANDS=(chromium nginx wrk psql)
declare -A PACKAGE=([chromium]=chromium [nginx]=nginx-light [wrk]=wrk
  [psql]=postgresql-client)
declare -A PURPOSE=([chromium]="the browser test" [nginx]="the scale-out test"
  [wrk]="make bench's load generator" [psql]="the PostgreSQL check and .ci/smoke")
missing=()

can_install() { [ "$EUID" -eq 0 ] && command -v apt-get >/dev/null; }

install_packages() {
  local wanted=() name
  for name in "${COMMANDS[@]}"; do
    command -v "$name" >/dev/null || wanted+=("${PACKAGE[$name]}")
  done
  [ ${#wanted[@]} -eq 0 ] && return
  can_install || return
  echo "installing from Debian: ${wanted[*]}"
  export DEBIAN_FRONTEND=noninteractive
  { apt-get -o DPkg::Lock::Timeout=120 update -qq &&
    apt-get -o DPkg::Lock::Timeout=120 install -y -qq "${wanted[@]}"; } >"$LOG" 2>&1
}

check_commands() {
  local name how
  for name in "${COMMANDS[@]}"; do
    command -v "$name" >/dev/null && continue
    how="sudo apt-get install ${PACKAGE[$name]}"
    can_install && how="apt-get install ${PACKAGE[$name]} failed: see $LOG"
    missing+=("missing: $name (${PURPOSE[$name]}): $how")
  done
}

tcp_open() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }

redis_answers() {
  (
    exec 3<>"/dev/tcp/$REDIS_HOST/$REDIS_PORT" || exit 1
    printf 'PING\r\n' >&3 && read -r -t 2 reply <&3 && [ "${reply%$'\r'}" = +PONG ]
  ) 2>/dev/null
}

# Start what is installed but stopped; return at once if nothing could start.
start_postgres() {
  tcp_open "$PG_HOST" "$PG_PORT" && return 0
  command -v pg_ctlcluster >/dev/null && [ -d /etc/postgresql ] || return 1
  echo "starting PostgreSQL"
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql)" main start \
    >>"$LOG" 2>&1
}

start_redis() {
  redis_answers && return 0
  command -v redis-server >/dev/null || return 1
  echo "starting Redis"
  mkdir -p /var/lib/redis /var/log/redis
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port "$REDIS_PORT" \
    --save "" --appendonly no --dir /var/lib/redis \
    --logfile /var/log/redis/ci.log >>"$LOG" 2>&1
}

wait_for() {
  local _
  for _ in $(seq "$WAIT_SECONDS"); do
    "$@" && return 0
    sleep 1
  done
  return 1
}

postgres_usable() {
  command -v psql >/dev/null || return 0  # reported above as a missing command
  psql -w -h "$PG_HOST" -p "$PG_PORT" -U postgres -d test -Atqc "SELECT 1" \
    >/dev/null 2>&1
}

check_services() {
  local pg=ok
  if ! start_postgres; then
    pg="missing: PostgreSQL on $PG_HOST:$PG_PORT: install the postgresql package"
    pg+=" (trust auth for $PG_HOST, database test) or start yours there"
  elif ! wait_for tcp_open "$PG_HOST" "$PG_PORT"; then
    pg="missing: PostgreSQL on $PG_HOST:$PG_PORT did not start: see $LOG"
  elif ! wait_for postgres_usable; then
    pg="missing: PostgreSQL database test for user postgres without a password:"
    pg+=" createdb -h $PG_HOST -U postgres test; trust auth for $PG_HOST in pg_hba.conf"
  fi
  [ "$pg" = ok ] || missing+=("$pg")
  if ! start_redis; then
    missing+=("missing: Redis on $REDIS_HOST:$REDIS_PORT: install redis-server or start yours there")
  elif ! wait_for redis_answers; then
    missing+=("missing: Redis on $REDIS_HOST:$REDIS_PORT did not answer: see $LOG")
  fi
}

install_packages
check_commands
check_services
if [ ${#missing[@]} -gt 0 ]; then
  printf '%s\n' "${missing[@]}" >&2
  exit 1
fi
