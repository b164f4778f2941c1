# Sourced by load.sh and blacklist.sh (not run on its own): what both need to drive real
# servers. The caller sets USERS, exports the servers' environment (DATABASE_URL,
# PASSWORD_ITERATIONS, ...) and calls:
#   loadserver_setup          wrk installed, $tmp made (removed on exit, with every server
#                             started), and $tmp/ginrest and $tmp/loadgen built
#   loadserver_start NAME PORT
#                             migrates DATABASE_URL, creates the users load0..load(USERS-1)
#                             (password "load-password"), starts runserver on
#                             127.0.0.1:PORT ($pid, log in $tmp/NAME.log) and waits until
#                             it answers
#   loadserver_errors         after the load: prints the servers' ERROR lines, false if any

loadserver_setup() {
  if ! command -v wrk >/dev/null; then
    echo "wrk is not installed; installing Debian's package"
    apt-get install -y -qq wrk >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq wrk; }
  fi
  tmp=$(mktemp -d)
  pid=
  loadserver_pids=()
  trap 'loadserver_cleanup' EXIT
  go build -o "$tmp/ginrest" .
  go build -o "$tmp/loadgen" ./scripts/loadgen
}

loadserver_cleanup() {
  local p
  for p in "${loadserver_pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$tmp"
}

loadserver_start() {
  local name=$1 port=$2 i
  "$tmp/ginrest" migrate >/dev/null
  for i in $(seq 0 $((USERS - 1))); do
    printf 'load-password' | "$tmp/ginrest" createuser --username "load$i" --password-stdin >/dev/null
  done
  "$tmp/ginrest" runserver "127.0.0.1:$port" >"$tmp/$name.log" 2>&1 &
  pid=$!
  loadserver_pids+=("$pid")
  for _ in $(seq 1 100); do curl -s -o /dev/null "http://127.0.0.1:$port/api/" && break; sleep 0.1; done
}

loadserver_errors() {
  grep -q 'level=ERROR' "$tmp"/*.log || return 0
  echo
  echo "server errors:"
  grep -H 'level=ERROR' "$tmp"/*.log | head -20
  return 1
}
