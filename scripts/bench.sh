#!/usr/bin/env bash
# Load test: the same wrk load on GET /api/protected/ of a running ginrest server (JWT
# verification, the user, the permission check) and on a bare gin JSON handler
# (scripts/baregin), alternated in one run; prints each throughput and the ratio. A third
# server, bare gin sending the same DRF response headers, shows how much of the gap is
# those headers. The servers share one core and wrk gets the other.
#   DURATION=10s CONNS=32 ROUNDS=3 bash scripts/bench.sh
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION=${DURATION:-10s}
CONNS=${CONNS:-32}
ROUNDS=${ROUNDS:-3}
GINREST_PORT=${GINREST_PORT:-18080}
BARE_PORT=${BARE_PORT:-18081}
HEADERS_PORT=${HEADERS_PORT:-18082}

if ! command -v wrk >/dev/null; then
  echo "wrk is not installed; installing Debian's package"
  apt-get install -y -qq wrk >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq wrk; }
fi

tmp=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$tmp"; }
trap cleanup EXIT

# Servers on core 1, wrk on core 0, when the machine has two or more. (A prefix array, not a
# function: a backgrounded function runs in a subshell, and $! would not be the server.)
core0=() core1=()
if command -v taskset >/dev/null && [ "$(nproc)" -ge 2 ]; then core0=(taskset -c 0) core1=(taskset -c 1); fi

go build -o "$tmp/ginrest" .
go build -o "$tmp/baregin" ./scripts/baregin

export DATABASE_URL="sqlite:///$tmp/bench.sqlite3" DEBUG=false ALLOWED_HOSTS=127.0.0.1,localhost PASSWORD_ITERATIONS=1000 \
  SECRET_KEY="bench-$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')" ACCESS_TOKEN_LIFETIME=1h
"$tmp/ginrest" migrate >/dev/null
printf 'bench-password-1' | "$tmp/ginrest" createuser --username bench --password-stdin >/dev/null

"${core1[@]}" "$tmp/ginrest" runserver "127.0.0.1:$GINREST_PORT" >"$tmp/ginrest.log" 2>&1 & pids+=($!)
"${core1[@]}" "$tmp/baregin" "127.0.0.1:$BARE_PORT" >"$tmp/baregin.log" 2>&1 & pids+=($!)
"${core1[@]}" "$tmp/baregin" "127.0.0.1:$HEADERS_PORT" -drf-headers >"$tmp/baregin-headers.log" 2>&1 & pids+=($!)
for port in "$GINREST_PORT" "$BARE_PORT" "$HEADERS_PORT"; do
  for _ in $(seq 1 50); do curl -s -o /dev/null "http://127.0.0.1:$port/" && break; sleep 0.1; done
done

token=$(curl -s -X POST -H 'Content-Type: application/json' \
  -d '{"username":"bench","password":"bench-password-1"}' "http://127.0.0.1:$GINREST_PORT/api/token/" |
  sed -n 's/.*"access":"\([^"]*\)".*/\1/p')
[ -n "$token" ] || { echo "could not obtain a token"; cat "$tmp/ginrest.log"; exit 1; }
code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $token" "http://127.0.0.1:$GINREST_PORT/api/protected/")
[ "$code" = 200 ] || { echo "protected view answered $code"; exit 1; }

rps() { # rps URL: requests per second reported by wrk. Both servers get the same request,
  # Authorization header included, so the ratio is the cost of what ginrest does with it.
  "${core0[@]}" wrk -t1 -c"$CONNS" -d"$DURATION" -H "Authorization: Bearer $token" "$1" | awk '/^Requests\/sec/ {print $2}'
}

echo "wrk -t1 -c$CONNS -d$DURATION, $ROUNDS rounds, GET /api/protected/"
ratios=() hratios=()
for round in $(seq 1 "$ROUNDS"); do
  bare=$(rps "http://127.0.0.1:$BARE_PORT/api/protected/")
  ours=$(rps "http://127.0.0.1:$GINREST_PORT/api/protected/")
  headers=$(rps "http://127.0.0.1:$HEADERS_PORT/api/protected/")
  ratio=$(awk -v a="$ours" -v b="$bare" 'BEGIN {printf "%.3f", a/b}')
  hratio=$(awk -v a="$ours" -v b="$headers" 'BEGIN {printf "%.3f", a/b}')
  ratios+=("$ratio") hratios+=("$hratio")
  printf 'round %d: bare gin %8.0f req/s   bare gin + DRF headers %8.0f req/s   ginrest %8.0f req/s   ratios %s / %s\n' \
    "$round" "$bare" "$headers" "$ours" "$ratio" "$hratio"
done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
echo "median ratio ginrest / bare gin:                 $(median "${ratios[@]}")"
echo "median ratio ginrest / bare gin with DRF headers: $(median "${hratios[@]}")"
