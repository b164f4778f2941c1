#!/usr/bin/env bash
# Speed ratios of issue 7: ginrest against Django + simplejwt on gunicorn, same machine,
# same run, SQLite on disk, PBKDF2 at the same iterations on both. Not a test: it prints
# figures (ratios are what to quote; other work on the machine moves the absolutes).
#
# Each phase runs scripts/loadgen against Django, then against ginrest, with the same
# parameters; the timed phases log their clients in first and start the clock after, so a
# rate is that of the endpoint alone. protected, verify and refresh are then driven by wrk
# (loadgen -wrk): a Go client costs about as much CPU per request as ginrest does, and on a
# small machine it would cap what it measures; mixed sessions stay Go clients.
#   burst      BURST logins at once (PBKDF2 x ITERATIONS)
# protected, verify and refresh run ROUNDS times, the side that goes first alternating, and
# the summary adds the median of their ratios: what to quote, as the machine drifts.
#   protected  CLIENTS connections, GET /api/protected/ with their clients' access tokens, for DURATION
#   verify     CLIENTS connections verifying distinct tokens (4 per client), for DURATION
#   refresh    CLIENTS connections refreshing (rotation + blacklist) what they were given, for DURATION
#   mixed      CLIENTS sessions: login, protected GETs, refreshes, logout, for DURATION
# After each phase, the peak RSS so far of each server: ginrest's VmHWM, and the sum of the
# VmHWM of gunicorn's master and workers.
#
#   ITERATIONS=260000 BURST=100 CLIENTS=32 DURATION=10s bash scripts/compare.sh
#   PHASES="protected verify" ITERATIONS=1000 DURATION=3s bash scripts/compare.sh  # quick
#
# Environment: ITERATIONS (1000000), BURST (200), CLIENTS (32), DURATION (10s), ROUNDS (3), USERS (20),
# WORKERS (gunicorn sync workers, 2), PHASES (all five, in the order above), GINREST_PORT
# (18090), DJANGO_PORT (18091), PYTHON (/usr/bin/python3: Debian's Django, not a pyenv one),
# DJANGO_SQLITE_WAL=1 (WAL on Django's connections; default: Django's rollback journal),
# GINREST_BIN (a ginrest binary to use instead of building one).
# Installs python3-django, python3-djangorestframework, python3-djangorestframework-simplejwt,
# gunicorn and wrk with apt-get if they are missing. Binds only to 127.0.0.1.
set -euo pipefail
cd "$(dirname "$0")/.."

ITERATIONS=${ITERATIONS:-1000000}
BURST=${BURST:-200}
CLIENTS=${CLIENTS:-32}
DURATION=${DURATION:-10s}
USERS=${USERS:-20}
WORKERS=${WORKERS:-2}
PHASES=${PHASES:-burst protected verify refresh mixed}
ROUNDS=${ROUNDS:-3}
GINREST_PORT=${GINREST_PORT:-18090}
DJANGO_PORT=${DJANGO_PORT:-18091}
PYTHON=${PYTHON:-/usr/bin/python3}
DJANGO_SQLITE_WAL=${DJANGO_SQLITE_WAL:-0}

tmp=$(mktemp -d)
gin_pid=
dj_pid=
cleanup() {
  trap - EXIT INT TERM
  local pids=() p
  [ -n "$dj_pid" ] && pids+=("$dj_pid" $(ps -o pid= --ppid "$dj_pid" 2>/dev/null || true))
  [ -n "$gin_pid" ] && pids+=("$gin_pid")
  for p in $(jobs -p); do pids+=("$p"); done
  if [ ${#pids[@]} -gt 0 ]; then
    kill -TERM "${pids[@]}" 2>/dev/null || true
    for _ in $(seq 1 50); do
      kill -0 "${pids[@]}" 2>/dev/null || break
      sleep 0.1
    done
    kill -KILL "${pids[@]}" 2>/dev/null || true
  fi
  wait 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# --- the reference stack, from Debian -------------------------------------------------
sudo=
[ "$(id -u)" = 0 ] || sudo=sudo
if ! "$PYTHON" -c 'import django, rest_framework, rest_framework_simplejwt, gunicorn' 2>/dev/null; then
  echo "installing Django, DRF, simplejwt and gunicorn from Debian..."
  pkgs=(python3-django python3-djangorestframework python3-djangorestframework-simplejwt gunicorn)
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q "${pkgs[@]}" >/dev/null ||
    { $sudo apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q "${pkgs[@]}" >/dev/null; }
fi
if ! command -v wrk >/dev/null; then
  echo "installing wrk from Debian..."
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q wrk >/dev/null ||
    { $sudo apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q wrk >/dev/null; }
fi
versions=$("$PYTHON" -c 'import django, rest_framework, gunicorn, importlib.metadata as m
print("Django %s, DRF %s, simplejwt %s, gunicorn %s, Python %s" % (django.get_version(), rest_framework.__version__,
      m.version("djangorestframework-simplejwt"), gunicorn.__version__, __import__("platform").python_version()))')

# --- build, databases, users ------------------------------------------------------------
if [ -n "${GINREST_BIN:-}" ]; then
  cp "$GINREST_BIN" "$tmp/ginrest"
else
  go build -o "$tmp/ginrest" .
fi
go build -o "$tmp/loadgen" ./scripts/loadgen
# A binary the linker has just written sits in the page cache in large folios, which the
# kernel maps whole at the first touch: the server's RSS would count some 20 MB more of its
# own code than a deployed binary, read from disk, does. Drop this one from the cache
# (written out first) so that the figures are a deployed server's.
sync "$tmp/ginrest" && dd if="$tmp/ginrest" iflag=nocache count=0 status=none 2>/dev/null || true

secret="compare-$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')"
gin_env=(env DATABASE_URL="sqlite:///$tmp/ginrest.sqlite3" DEBUG=false ALLOWED_HOSTS=127.0.0.1,localhost SECRET_KEY="$secret"
  PASSWORD_ITERATIONS="$ITERATIONS" ACCESS_TOKEN_LIFETIME=1h THROTTLE_RATES=login=1000000/min)
dj_env=(env DJANGO_DB="$tmp/django.sqlite3" SECRET_KEY="$secret" PASSWORD_ITERATIONS="$ITERATIONS"
  ACCESS_TOKEN_LIFETIME=1h DJANGO_SQLITE_WAL="$DJANGO_SQLITE_WAL" PYTHONDONTWRITEBYTECODE=1)

for port in "$GINREST_PORT" "$DJANGO_PORT"; do
  if curl -s -o /dev/null --max-time 1 "http://127.0.0.1:$port/"; then
    echo "something already answers on 127.0.0.1:$port" >&2
    exit 1
  fi
done

echo "creating $USERS users on each side (PBKDF2 x$ITERATIONS)..."
(
  "${gin_env[@]}" "$tmp/ginrest" migrate >/dev/null
  for i in $(seq 0 $((USERS - 1))); do
    printf 'load-password' | "${gin_env[@]}" "$tmp/ginrest" createuser --username "load$i" --password-stdin >/dev/null
  done
) &
gin_setup=$!
"${dj_env[@]}" "$PYTHON" scripts/django/manage.py migrate -v 0
"${dj_env[@]}" "$PYTHON" scripts/django/manage.py createloadusers --count "$USERS" >/dev/null
wait "$gin_setup"

# --- servers ----------------------------------------------------------------------------
"${gin_env[@]}" "$tmp/ginrest" runserver "127.0.0.1:$GINREST_PORT" >"$tmp/ginrest.log" 2>&1 &
gin_pid=$!
"${dj_env[@]}" "$PYTHON" -m gunicorn --chdir scripts/django --workers "$WORKERS" --worker-class sync \
  --bind "127.0.0.1:$DJANGO_PORT" --error-logfile "$tmp/gunicorn.log" refserver.wsgi:application &
dj_pid=$!

wait_up() { # wait_up PORT NAME: until GET /api/protected/ is answered (401)
  for _ in $(seq 1 150); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "http://127.0.0.1:$1/api/protected/")" = 401 ] && return 0
    sleep 0.2
  done
  echo "$2 did not answer on 127.0.0.1:$1" >&2
  exit 1
}
wait_up "$GINREST_PORT" ginrest
wait_up "$DJANGO_PORT" Django
kill -0 "$gin_pid" "$dj_pid" # both are the servers we started, not something else on the port

vmhwm() { awk '/^VmHWM/ {print $2}' "/proc/$1/status" 2>/dev/null || echo 0; }
rss_ginrest() { awk -v k="$(vmhwm "$gin_pid")" 'BEGIN {printf "%.1f MB", k/1024}'; }
rss_django() { # master + workers
  local total master n=0 w
  master=$(vmhwm "$dj_pid")
  total=$master
  for w in $(ps -o pid= --ppid "$dj_pid" || true); do
    total=$((total + $(vmhwm "$w")))
    n=$((n + 1))
  done
  awk -v t="$total" -v m="$master" -v n="$n" 'BEGIN {printf "%.1f MB (master %.1f + %d workers)", t/1024, m/1024, n}'
}

# field OUT ENDPOINT N: the Nth field of ENDPOINT's line in a loadgen report, warm-up left out
field() {
  awk -v e="$2" -v n="$3" '/^warm-up/ {skip = 1; next}
    skip && $1 == "total" {skip = 0; next}
    !skip && $1 == e {print $n; exit}' "$1"
}
statuses() { # statuses OUT ENDPOINT: "200x123 503x4"
  awk -v e="$2" '/^warm-up/ {skip = 1; next}
    skip && $1 == "total" {skip = 0; next}
    !skip && $1 == e {s = ""; for (i = 10; i <= NF; i++) s = s (s ? " " : "") $i; print s; exit}' "$1" | sed 's/×/x/g'
}
rate() { # rate OUT ENDPOINT: requests per second ("total" works too)
  field "$1" "$2" 3 | tr -d '/s'
}

summary=()
row() { printf '  %-22s %-34s %-34s %s\n' "$@"; }
compare() { # compare PHASE ENDPOINT...: the table of one phase
  local phase=$1 e rd rg ratio
  shift
  row "" "Django (gunicorn x$WORKERS)" "ginrest" "ginrest/Django"
  for e in "$@"; do
    rd=$(rate "$tmp/$phase.django" "$e")
    rg=$(rate "$tmp/$phase.ginrest" "$e")
    ratio=$(awk -v g="${rg:-0}" -v d="${rd:-0}" 'BEGIN {if (d > 0) printf "%.2fx", g/d; else print "n/a"}')
    row "$e req/s" "${rd:-none}" "${rg:-none}" "$ratio"
    if [ "$e" != total ]; then
      row "$e p50 / p99" "$(field "$tmp/$phase.django" "$e" 5) / $(field "$tmp/$phase.django" "$e" 7)" \
        "$(field "$tmp/$phase.ginrest" "$e" 5) / $(field "$tmp/$phase.ginrest" "$e" 7)"
      row "$e statuses" "$(statuses "$tmp/$phase.django" "$e")" "$(statuses "$tmp/$phase.ginrest" "$e")"
    fi
    summary+=("$(printf '%-10s %-10s %10s %10s %8s' "$phase" "$e" "${rd:-none}" "${rg:-none}" "$ratio")")
    round_ratios+=("${ratio%x}")
  done
  row "5xx, errors (all)" "$(grep '^5xx' "$tmp/$phase.django" | sed 's/^5xx: //; s/errors: //')" \
    "$(grep '^5xx' "$tmp/$phase.ginrest" | sed 's/^5xx: //; s/errors: //')"
  row "peak RSS so far" "$(rss_django)" "$(rss_ginrest)"
}

run() { # run PHASE TITLE ENDPOINTS ROUNDS loadgen-args...: Django and ginrest, then the table, ROUNDS times
  local phase=$1 title=$2 endpoints=$3 rounds=$4 side port r sides
  shift 4
  echo
  echo "== $phase: $title"
  round_ratios=()
  for r in $(seq 1 "$rounds"); do
    # The machine's speed drifts within minutes: the side that goes first alternates, so
    # that a drift falls on both, and the median of the rounds' ratios is what to quote.
    sides="django ginrest"
    [ $((r % 2)) = 0 ] && sides="ginrest django"
    [ "$rounds" -gt 1 ] && echo "-- round $r of $rounds"
    for side in $sides; do
      port=$DJANGO_PORT
      [ "$side" = ginrest ] && port=$GINREST_PORT
      echo "-- $side"
      "$tmp/loadgen" -addr "127.0.0.1:$port" -users "$USERS" "$@" | tee "$tmp/$phase.$side" | sed 's/^/   /'
    done
    echo "-- compared"
    # shellcheck disable=SC2086
    compare "$phase" $endpoints
  done
  if [ "$rounds" -gt 1 ]; then
    summary+=("$(printf '%-10s %-10s %10s %10s %7.2fx  median of %d rounds: %s' "$phase" "$endpoints" "" "" \
      "$(printf '%s\n' "${round_ratios[@]}" | sort -g | awk '{a[NR] = $1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}')" \
      "$rounds" "${round_ratios[*]}")")
  fi
}

echo
echo "$versions; ginrest $(go version | awk '{print $3}') $(git rev-parse --short HEAD 2>/dev/null)$(git diff --quiet 2>/dev/null || echo +uncommitted)"
echo "$(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) at start; PBKDF2 x$ITERATIONS on both;" \
  "SQLite files on $(df -T "$tmp" | awk 'NR == 2 {print $2}') ($([ "$DJANGO_SQLITE_WAL" = 1 ] && echo 'Django in WAL' || echo "Django's rollback journal"));" \
  "$USERS users; gunicorn $WORKERS sync workers"
echo "idle peak RSS: Django $(rss_django), ginrest $(rss_ginrest)"

for phase in $PHASES; do
  case $phase in
  burst) run burst "$BURST logins at once, PBKDF2 x$ITERATIONS" login 1 -mode burst -n "$BURST" ;;
  protected) run protected "$CLIENTS connections, GET /api/protected/ for $DURATION (wrk)" protected "$ROUNDS" \
    -mode protected -wrk -c "$CLIENTS" -d "$DURATION" ;;
  verify) run verify "$CLIENTS connections verifying distinct tokens for $DURATION (wrk)" verify "$ROUNDS" \
    -mode verify -wrk -c "$CLIENTS" -d "$DURATION" ;;
  refresh) run refresh "$CLIENTS connections refreshing with rotation for $DURATION (wrk)" refresh "$ROUNDS" \
    -mode refresh -wrk -c "$CLIENTS" -d "$DURATION" ;;
  mixed) run mixed "$CLIENTS mixed sessions for $DURATION (login, GETs, refreshes, logout)" \
    "total login protected refresh logout" 1 -mode mixed -c "$CLIENTS" -d "$DURATION" ;;
  *) echo "unknown phase $phase" >&2; exit 2 ;;
  esac
done

echo
echo "== summary: requests per second, load average $(cut -d' ' -f1-3 /proc/loadavg) at the end"
printf '%-10s %-10s %10s %10s %8s\n' phase endpoint Django ginrest ratio
printf '%s\n' "${summary[@]}"
echo "peak RSS: Django $(rss_django); ginrest $(rss_ginrest)"

echo
echo "== server logs"
echo "ginrest: $(grep -c . "$tmp/ginrest.log" || true) lines; by level:" \
  "$(grep -o 'level=[A-Z]*' "$tmp/ginrest.log" | sort | uniq -c | awk '{printf "%s%s %s", (NR > 1 ? ", " : ""), $2, $1}')"
echo "ginrest answers by status (its access log; one 401 is the readiness probe, a 499 a request whose client left, as wrk does at the end of a phase):" \
  "$(grep -o 'status=[0-9]*' "$tmp/ginrest.log" | sort | uniq -c | awk '{printf "%s%s %s", (NR > 1 ? ", " : ""), $2, $1}')"
if grep 'level=' "$tmp/ginrest.log" | grep -v -q 'level=INFO'; then
  echo "ginrest, records other than INFO (first 20):"
  grep 'level=' "$tmp/ginrest.log" | grep -v 'level=INFO' | head -20 | sed 's/^/   /'
else
  echo "ginrest: no record other than INFO"
fi
if grep -E -q 'ERROR|CRITICAL|Traceback|WORKER TIMEOUT' "$tmp/gunicorn.log"; then
  echo "gunicorn/Django errors (first 20):"
  grep -E 'ERROR|CRITICAL|Traceback|WORKER TIMEOUT|Error' "$tmp/gunicorn.log" | head -20 | sed 's/^/   /'
else
  echo "gunicorn/Django: no errors logged"
fi
