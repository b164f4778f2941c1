#!/usr/bin/env bash
# Load test: the same wrk load on GET /api/protected/ of a running ginrest server (JWT
# verification, the user, the permission check) and on a bare gin JSON handler
# (scripts/baregin), alternated in one run; prints each throughput and the ratio. A third
# server, bare gin sending the same DRF response headers, shows how much of the gap is
# those headers. The servers share one core and wrk gets the other.
#   DURATION=10s CONNS=32 ROUNDS=3 bash scripts/bench.sh
# BASELINE=<git commit> adds a fourth server built from that commit, in the same rounds, to
# tell what a change since then costs from what this machine costs: the ratio to bare gin
# moves by a third between machines of one kind, today's against the baseline's much less.
#   BASELINE=4149a41 bash scripts/bench.sh   # the code the protected view's goal was set on
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION=${DURATION:-10s}
CONNS=${CONNS:-32}
ROUNDS=${ROUNDS:-3}
GINREST_PORT=${GINREST_PORT:-18080}
BARE_PORT=${BARE_PORT:-18081}
HEADERS_PORT=${HEADERS_PORT:-18082}
BASELINE_PORT=${BASELINE_PORT:-18083}
BASELINE=${BASELINE:-}

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
if [ -n "$BASELINE" ]; then
  # The commit's tree, not a worktree: nothing is left registered in the repository.
  mkdir "$tmp/baseline-src"
  git archive "$BASELINE" | tar -x -C "$tmp/baseline-src"
  (cd "$tmp/baseline-src" && go build -o "$tmp/baseline" .)
fi

export DEBUG=false ALLOWED_HOSTS=127.0.0.1,localhost PASSWORD_ITERATIONS=1000 \
  SECRET_KEY="bench-$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')" ACCESS_TOKEN_LIFETIME=1h

start() { # start NAME PORT: a ginrest binary on a database of its own with the user bench
  local DATABASE_URL="sqlite:///$tmp/$1.sqlite3"
  export DATABASE_URL
  "$tmp/$1" migrate >/dev/null
  printf 'bench-password-1' | "$tmp/$1" createuser --username bench --password-stdin >/dev/null
  "${core1[@]}" "$tmp/$1" runserver "127.0.0.1:$2" >"$tmp/$1.log" 2>&1 &
  pids+=($!)
}
start ginrest "$GINREST_PORT"
[ -z "$BASELINE" ] || start baseline "$BASELINE_PORT"
"${core1[@]}" "$tmp/baregin" "127.0.0.1:$BARE_PORT" >"$tmp/baregin.log" 2>&1 & pids+=($!)
"${core1[@]}" "$tmp/baregin" "127.0.0.1:$HEADERS_PORT" -drf-headers >"$tmp/baregin-headers.log" 2>&1 & pids+=($!)
for port in "$GINREST_PORT" "$BARE_PORT" "$HEADERS_PORT" ${BASELINE:+"$BASELINE_PORT"}; do
  for _ in $(seq 1 50); do curl -s -o /dev/null "http://127.0.0.1:$port/" && break; sleep 0.1; done
done

login() { # login NAME PORT: an access token of bench, checked on the protected view
  local token code
  token=$(curl -s -X POST -H 'Content-Type: application/json' \
    -d '{"username":"bench","password":"bench-password-1"}' "http://127.0.0.1:$2/api/token/" |
    sed -n 's/.*"access":"\([^"]*\)".*/\1/p')
  [ -n "$token" ] || { echo "$1: could not obtain a token" >&2; cat "$tmp/$1.log" >&2; return 1; }
  code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $token" "http://127.0.0.1:$2/api/protected/")
  [ "$code" = 200 ] || { echo "$1: the protected view answered $code" >&2; return 1; }
  echo "$token"
}
token=$(login ginrest "$GINREST_PORT")
[ -z "$BASELINE" ] || baseline_token=$(login baseline "$BASELINE_PORT")

rps() { # rps URL [TOKEN]: requests per second reported by wrk. Every server gets the same
  # request, Authorization header included, so the ratio is the cost of what ginrest does with it.
  "${core0[@]}" wrk -t1 -c"$CONNS" -d"$DURATION" -H "Authorization: Bearer ${2:-$token}" "$1" | awk '/^Requests\/sec/ {print $2}'
}

div() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.3f", a/b}'; } # div A B: A/B, 3 decimals

echo "wrk -t1 -c$CONNS -d$DURATION, $ROUNDS rounds, GET /api/protected/"
ratios=() hratios=() bratios=() oratios=()
for round in $(seq 1 "$ROUNDS"); do
  bare=$(rps "http://127.0.0.1:$BARE_PORT/api/protected/")
  ours=$(rps "http://127.0.0.1:$GINREST_PORT/api/protected/")
  headers=$(rps "http://127.0.0.1:$HEADERS_PORT/api/protected/")
  ratio=$(div "$ours" "$bare")
  hratio=$(div "$ours" "$headers")
  ratios+=("$ratio") hratios+=("$hratio")
  printf 'round %d: bare gin %8.0f req/s   bare gin + DRF headers %8.0f req/s   ginrest %8.0f req/s   ratios %s / %s\n' \
    "$round" "$bare" "$headers" "$ours" "$ratio" "$hratio"
  if [ -n "$BASELINE" ]; then
    base=$(rps "http://127.0.0.1:$BASELINE_PORT/api/protected/" "$baseline_token")
    bratio=$(div "$base" "$bare")
    oratio=$(div "$ours" "$base")
    bratios+=("$bratio") oratios+=("$oratio")
    printf '         %s %8.0f req/s, %s of bare gin; ginrest / %s: %s\n' "$BASELINE" "$base" "$bratio" "$BASELINE" "$oratio"
  fi
done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
echo "median ratio ginrest / bare gin:                 $(median "${ratios[@]}")"
echo "median ratio ginrest / bare gin with DRF headers: $(median "${hratios[@]}")"
if [ -n "$BASELINE" ]; then
  echo "median ratio $BASELINE / bare gin:                 $(median "${bratios[@]}")"
  echo "median ratio ginrest / $BASELINE:                  $(median "${oratios[@]}")"
fi
