#!/usr/bin/env bash
# Load script (issue 7): refresh with rotation and verify on a server whose token tables are
# empty and on one whose tables hold ROWS blacklisted tokens more (default 1,000,000), both
# on SQLite on disk, in rounds; prints each rate, each round's ratio full / empty and their
# median. The servers take turns, in an order that swaps each round, so that the machine's
# drift over minutes (a third on some machines) falls on both alike. Not a timed test: it
# fails only on a 5xx, an unanswered request or an ERROR line in a server's log.
#   ROWS=1000000 ROUNDS=3 DURATION=10s bash scripts/blacklist.sh
set -euo pipefail
cd "$(dirname "$0")/.."

ROWS=${ROWS:-1000000}
ROUNDS=${ROUNDS:-3}
CLIENTS=${CLIENTS:-32}
DURATION=${DURATION:-10s}
PORT=${PORT:-18095}
USERS=20

command -v python3 >/dev/null || { echo "python3 is not installed; installing Debian's package"; apt-get install -y -qq python3 >/dev/null; }
. scripts/loadserver.sh
loadserver_setup
export DEBUG=false ALLOWED_HOSTS=127.0.0.1,localhost PASSWORD_ITERATIONS=1000 \
  SECRET_KEY="load-$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')" ACCESS_TOKEN_LIFETIME=1h \
  THROTTLE_RATES=login=1000000/min
declare -A port=([empty]=$PORT [full]=$((PORT + 1)))
for tables in empty full; do
  export DATABASE_URL="sqlite:///$tmp/$tables.sqlite3"
  loadserver_start "$tables" "${port[$tables]}"
done

echo "adding $ROWS blacklisted tokens to the full server's tables..."
# Rows as simplejwt's: an outstanding token with a random jti, expiring tomorrow, and its
# blacklist entry. Through Python's sqlite3, beside the running server (WAL).
python3 - "$tmp/full.sqlite3" "$ROWS" <<'PY'
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

failed=0
declare -A rate
declare -A ratios=([refresh]="" [verify]="")
for round in $(seq 1 "$ROUNDS"); do
  for mode in refresh verify; do
    order="empty full"
    [ $((round % 2)) = 0 ] && order="full empty" # neither always has the second turn
    for tables in $order; do
      "$tmp/loadgen" -addr "127.0.0.1:${port[$tables]}" -users "$USERS" -mode "$mode" -wrk -c "$CLIENTS" -d "$DURATION" >"$tmp/out"
      grep -q '^5xx: 0, errors: 0$' "$tmp/out" || { cat "$tmp/out"; failed=1; }
      rate[$tables]=$(awk -v m="$mode" '$1 == m {sub("/s", "", $3); print $3}' "$tmp/out")
    done
    ratio=$(awk -v f="${rate[full]}" -v e="${rate[empty]}" 'BEGIN {printf "%.2f", f / e}')
    ratios[$mode]+="$ratio "
    echo "round $round, $mode: empty tables ${rate[empty]}/s, full ${rate[full]}/s, full / empty $ratio"
  done
done
for mode in refresh verify; do
  echo "$mode with the rows / empty, median of $ROUNDS: $(printf '%s\n' ${ratios[$mode]} | sort -n | awk '{v[NR] = $1} END {printf "%.2f\n", (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}')"
done
loadserver_errors || failed=1
[ "$failed" = 0 ] || { echo "FAILED: a request went unanswered, got a 5xx, or a server logged an error"; exit 1; }
