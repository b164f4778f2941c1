#!/usr/bin/env bash
# Load script (issue 7): refresh with rotation and verify against empty token tables, then
# against the same tables holding ROWS blacklisted tokens more (default 1,000,000), on one
# running server on SQLite on disk; prints each rate and the ratio full / empty. Not a timed
# test: it fails only on a 5xx or an unanswered request.
#   ROWS=1000000 DURATION=10s bash scripts/blacklist.sh
set -euo pipefail
cd "$(dirname "$0")/.."

ROWS=${ROWS:-1000000}
CLIENTS=${CLIENTS:-32}
DURATION=${DURATION:-10s}
PORT=${PORT:-18095}

for tool in wrk python3; do
  command -v "$tool" >/dev/null || { echo "$tool is not installed; installing Debian's package"; apt-get install -y -qq "$tool" >/dev/null; }
done

tmp=$(mktemp -d)
pid=
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null || true; rm -rf "$tmp"; }
trap cleanup EXIT

go build -o "$tmp/ginrest" .
go build -o "$tmp/loadgen" ./scripts/loadgen
db="$tmp/load.sqlite3"
export DATABASE_URL="sqlite:///$db" DEBUG=false ALLOWED_HOSTS=127.0.0.1,localhost PASSWORD_ITERATIONS=1000 \
  SECRET_KEY="load-$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')" ACCESS_TOKEN_LIFETIME=1h \
  THROTTLE_RATES=login=1000000/min
"$tmp/ginrest" migrate >/dev/null
for i in $(seq 0 19); do
  printf 'load-password' | "$tmp/ginrest" createuser --username "load$i" --password-stdin >/dev/null
done
"$tmp/ginrest" runserver "127.0.0.1:$PORT" >"$tmp/server.log" 2>&1 &
pid=$!
for _ in $(seq 1 100); do curl -s -o /dev/null "http://127.0.0.1:$PORT/api/" && break; sleep 0.1; done

failed=0
declare -A rate
measure() { # measure LABEL: the refresh and verify phases, their rates kept as rate[LABEL-MODE]
  local mode
  for mode in refresh verify; do
    "$tmp/loadgen" -addr "127.0.0.1:$PORT" -users 20 -mode "$mode" -wrk -c "$CLIENTS" -d "$DURATION" >"$tmp/out"
    grep -q '^5xx: 0, errors: 0$' "$tmp/out" || { cat "$tmp/out"; failed=1; }
    rate[$1-$mode]=$(awk -v m="$mode" '$1 == m {sub("/s", "", $3); print $3}' "$tmp/out")
    echo "$1 tables, $mode: ${rate[$1-$mode]}/s"
  done
}

measure empty
echo "adding $ROWS blacklisted tokens..."
# Rows as simplejwt's: an outstanding token with a random jti, expiring tomorrow, and its
# blacklist entry. Through Python's sqlite3, beside the running server (WAL).
python3 - "$db" "$ROWS" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1], timeout=60)
n = int(sys.argv[2])
db.executescript(f"""
BEGIN;
INSERT INTO token_blacklist_outstandingtoken (token, created_at, expires_at, user_id, jti)
  WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < {n})
  SELECT 'prefilled', datetime('now'), datetime('now', '+1 day'), NULL, lower(hex(randomblob(16))) FROM c;
INSERT INTO token_blacklist_blacklistedtoken (blacklisted_at, token_id)
  SELECT datetime('now'), id FROM token_blacklist_outstandingtoken WHERE token = 'prefilled';
COMMIT;
""")
# Checkpoint now, so that the server's writer does not copy these rows from the WAL
# into the database during the measurement.
db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
print(db.execute("SELECT count(*) FROM token_blacklist_blacklistedtoken").fetchone()[0], "blacklisted tokens in all")
PY
measure full
for mode in refresh verify; do
  awk -v m="$mode" -v f="${rate[full-$mode]}" -v e="${rate[empty-$mode]}" 'BEGIN {printf "%s with the rows / empty: %.2f\n", m, f / e}'
done
[ "$failed" = 0 ] || { echo "FAILED: a request went unanswered or got a 5xx"; exit 1; }
