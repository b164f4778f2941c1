#!/usr/bin/env bash
# Load script (issue 7): the real server under the loads that broke it, on SQLite on disk
# (DATABASE_URL to use another database). Not a timed test: it prints figures, and fails
# only if a request went unanswered or got a 5xx.
#   1. CLIENTS mixed clients (login, protected GETs, refresh with rotation, logout) for DURATION;
#   2. CLIENTS connections on the protected view, refreshing the token they were just given,
#      and verifying distinct tokens: loadgen logs the clients in, then wrk drives the loop
#      (loadgen -wrk), since a Go client costs about as much CPU per request as the server;
#   3. BURST logins at once (default 200, PBKDF2 at ITERATIONS, default Django's 1,000,000),
#      between two measures of the machine's raw PBKDF2 rate with Go's own implementation on
#      every core, so that the logins' rate is compared with the machine's speed of the same
#      minute (these machines' speed moves by a third within minutes), and the share of the
#      machine's CPU time the server had during the burst; then ten times as many.
# The server's peak RSS during each phase is printed after it, with what it holds now:
# anonymous memory (heap, stacks, SQLite's page caches) and file pages (its code). The
# kernel's peak (VmHWM) is reset before each phase (clear_refs), so that a phase's figure
# is its own; the peak since the start is printed too. The bursts come last: a process
# keeps some of a burst's memory for a while after it (Go returns freed pages to the
# system gradually), and the mixed load on a server just out of a burst would measure that.
#   ITERATIONS=1000000 BURST=200 CLIENTS=32 DURATION=20s bash scripts/load.sh
set -euo pipefail
cd "$(dirname "$0")/.."

ITERATIONS=${ITERATIONS:-1000000}
BURST=${BURST:-200}
CLIENTS=${CLIENTS:-32}
DURATION=${DURATION:-20s}
USERS=${USERS:-20}
PORT=${PORT:-18090}

. scripts/loadserver.sh
loadserver_setup
# A binary the linker has just written sits in the page cache in large folios, which the
# kernel maps whole at the first touch: the server's RSS would count some 20 MB more of its
# own code than a deployed binary, read from disk, does. Drop this one from the cache
# (written out first) so that the figures are a deployed server's.
sync "$tmp/ginrest" && dd if="$tmp/ginrest" iflag=nocache count=0 status=none 2>/dev/null || true

export DATABASE_URL=${DATABASE_URL:-"sqlite:///$tmp/load.sqlite3"} DEBUG=false ALLOWED_HOSTS=127.0.0.1,localhost PASSWORD_ITERATIONS="$ITERATIONS" \
  SECRET_KEY="load-$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')" ACCESS_TOKEN_LIFETIME=1h \
  THROTTLE_RATES=login=1000000/min
loadserver_start server "$PORT"

failed=0
# Writing 5 to clear_refs sets the process's VmHWM to its current RSS (proc(5)). Where
# that is refused, VmHWM keeps counting from the start and each phase's figure says so.
peak_kb=0
fold_peak() { # peak_kb becomes the larger of itself and the kernel's peak
  local hwm
  hwm=$(awk '/VmHWM/ {print $2}' "/proc/$pid/status")
  peak_kb=$((hwm > peak_kb ? hwm : peak_kb))
}
reset_peak() { # folds the peak so far into peak_kb, then resets it
  fold_peak
  echo 5 >"/proc/$pid/clear_refs" 2>/dev/null && since="in this phase" || since="since the start"
}
phase() { # phase TITLE loadgen-args...: runs loadgen, prints its report and the peak RSS
  local title=$1
  shift
  echo
  echo "== $title"
  reset_peak
  "$tmp/loadgen" -addr "127.0.0.1:$PORT" -users "$USERS" "$@" | tee "$tmp/out"
  grep -q '^5xx: 0, errors: 0$' "$tmp/out" || failed=1
  fold_peak
  echo "server peak RSS $since: $(awk -v p="$peak_kb" '/VmHWM/ {printf "%.1f MB (since the start: %.1f MB)", $2/1024, p/1024} /RssAnon/ {a=$2} /RssFile/ {f=$2} END {printf "; now %.1f MB anonymous, %.1f MB of files", a/1024, f/1024}' "/proc/$pid/status")"
}

raw_pbkdf2() { # raw_pbkdf2 WHEN: prints the machine's raw rate; its hashes/s in $raw
  echo
  echo "== raw PBKDF2 on every core, $1"
  "$tmp/loadgen" -mode pbkdf2 -iterations "$ITERATIONS" -d 10s | sed -n 1p | tee "$tmp/raw"
  raw=$(awk '{for (i = 1; i < NF; i++) if ($(i+1) == "hashes/s") print $i}' "$tmp/raw")
}

phase "$CLIENTS mixed clients for $DURATION" -mode mixed -c "$CLIENTS" -d "$DURATION"
phase "$CLIENTS clients on the protected view for 10s (wrk)" -mode protected -wrk -c "$CLIENTS" -d 10s
phase "$CLIENTS connections refreshing (rotation) for 10s (wrk)" -mode refresh -wrk -c "$CLIENTS" -d 10s
phase "$CLIENTS connections verifying distinct tokens for 10s (wrk)" -mode verify -wrk -c "$CLIENTS" -d 10s
cpu_ticks() { # cpu_ticks: the server's CPU time, the machine's busy, stolen and total time, in ticks
  local user nice system idle iowait irq softirq steal
  read -r _ user nice system idle iowait irq softirq steal _ </proc/stat
  echo "$(awk '{print $14 + $15}' "/proc/$pid/stat") $((user + nice + system + irq + softirq)) $steal $((user + nice + system + idle + iowait + irq + softirq + steal))"
}

raw_pbkdf2 "just before the burst"
before=$raw
read -r server0 busy0 stolen0 total0 <<<"$(cpu_ticks)"
phase "$BURST logins at once, PBKDF2 x$ITERATIONS" -mode burst -n "$BURST"
read -r server1 busy1 stolen1 total1 <<<"$(cpu_ticks)"
logins=$(awk '$1 == "login" {sub("/s", "", $3); print $3}' "$tmp/out")
raw_pbkdf2 "just after the burst"
echo "logins / raw PBKDF2: $(awk -v l="$logins" -v a="$before" -v b="$raw" 'BEGIN {printf "%.2f (%s logins/s against %.2f hashes/s, the mean of %s and %s)", l / ((a + b) / 2), l, (a + b) / 2, a, b}')"
# The raw rate moves with the machine (by a quarter within minutes on a shared virtual
# machine), so the ratio above moves with it. How much of the machine the server had during
# the burst says whether the hashing pool kept every core busy.
pct() { awk -v n="$1" -v t="$2" 'BEGIN {printf "%.1f%%", 100 * n / t}'; }
echo "during the burst: the server used $(pct $((server1 - server0)) $((total1 - total0))) of the machine's CPU time, the machine was busy $(pct $((busy1 - busy0)) $((total1 - total0))), and the host took $(pct $((stolen1 - stolen0)) $((total1 - total0))) (steal)"

# A burst ten times larger than the hashing queue's bound admits: what fits is answered
# 200, the rest a quick 503 with Retry-After; nothing else, nothing unanswered.
echo
echo "== $((BURST * 10)) logins at once: past PASSWORD_HASHING_QUEUE_TIMEOUT"
"$tmp/loadgen" -addr "127.0.0.1:$PORT" -users "$USERS" -mode burst -n $((BURST * 10)) | tee "$tmp/out"
if ! grep -q 'errors: 0$' "$tmp/out" || grep '^login' "$tmp/out" | tr ' ' '\n' | grep '×' | grep -qv '^200×\|^503×'; then
  failed=1
fi

loadserver_errors || failed=1
[ "$failed" = 0 ] && echo && echo "every request answered, no 5xx" || { echo "FAILED: a request went unanswered or got a 5xx"; exit 1; }
