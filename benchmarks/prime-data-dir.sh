#!/usr/bin/env bash
# Prepares a gateway data directory for load runs that measure the steady state.
#
# A new PostgreSQL cluster has one WAL segment. Until its first checkpoints it creates every next
# 16 MB segment by writing it full of zeros and syncing it, and commits wait meanwhile: at 200
# card taps/s that is a stall of tens of milliseconds every 7-8 s (docs/benchmarks.md, seventh
# session). A database that has run for a while recycles old segments instead. This starts the
# gateway once on DIR (embedded PostgreSQL), writes PRIME_WAL_MB (default 400) MB of WAL into a
# throwaway table, and stops it: the clean shutdown's checkpoint recycles those segments, so DIR
# then starts like a database in its steady state. The gateway's own tables are left empty. A run
# that writes more WAL than that needs more: PRIME_WAL_MB=1500 for 2,500 invoices/s over three
# minutes, and for 500 Lightning settlements/s with --prepare-first (about 650 MB of WAL from the
# preparation to the end of the window: on 400 MB the window's last 25 s had a 60-75 ms commit
# stall each time the next segment was created, every 4.4 s; fourteenth session).
#
# Usage: benchmarks/prime-data-dir.sh DIR [GATEWAY_JAR]
# Then copy DIR for each run (cp -a DIR RUN_DIR) and start the gateway with GATEWAY_DATA_DIR=RUN_DIR.
# Needs psql (Debian: postgresql-client).
set -euo pipefail
dir=${1:?usage: $0 DIR [GATEWAY_JAR]}
jar=${2:-gateway/target/gateway.jar}
port=${PRIME_HTTP_PORT:-18080}
wal_mb=${PRIME_WAL_MB:-400}
[[ "$wal_mb" =~ ^[1-9][0-9]*$ ]] || { echo "PRIME_WAL_MB must be a whole number of MB" >&2; exit 2; }
command -v psql >/dev/null || { echo "psql is needed (apt-get install postgresql-client)" >&2; exit 2; }
[ -e "$dir" ] && { echo "$dir exists: prime a new directory" >&2; exit 2; }
mkdir -p "$dir"
log="$dir.prime.log"
GATEWAY_DATA_DIR="$dir" GATEWAY_HTTP_PORT="$port" java -jar "$jar" >"$log" 2>&1 &
gw=$!
trap 'kill $gw 2>/dev/null || true' EXIT
for _ in $(seq 120); do
  grep -q "listening on http" "$log" && break
  kill -0 $gw 2>/dev/null || { echo "the gateway did not start: see $log" >&2; exit 1; }
  sleep 1
done
pg=$(grep -o "embedded PostgreSQL listening on 127.0.0.1:[0-9]*" "$log" | head -1 | sed 's/.*://')
[ -n "$pg" ] || { echo "no embedded PostgreSQL in $log (is GATEWAY_DATABASE_URL set?)" >&2; exit 1; }
psql -h 127.0.0.1 -p "$pg" -U postgres -qAtX \
  -c "CREATE TABLE wal_prime AS SELECT g, repeat('x', 100) AS pad FROM generate_series(1, $((wal_mb * 6100))) g" \
  -c "DROP TABLE wal_prime" -c "CHECKPOINT"
kill $gw
wait $gw || true
trap - EXIT
echo "$dir primed: $(ls "$dir/postgres/pg_wal" | grep -c '^[0-9A-F]\{24\}$') WAL segments ready"
