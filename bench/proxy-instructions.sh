#!/usr/bin/env bash
# Instructions per proxied command on the proxy's main thread, counted by callgrind: the same figure
# run after run, where throughput on a shared machine drifts by a third within minutes. Measures the
# gears server beside the hand-written Node relay (bench/node-relay.ts, the floor for a proxy on
# Node), each in front of a fresh redis-server, over redis-benchmark SETs after a warm-up (so the JIT
# has settled). Needs valgrind and `npm run build`. Under valgrind every read holds many commands,
# so the figures are those of a busy server: compare them with each other, not with wall-clock ones.
#
#   bench/proxy-instructions.sh [commands=30000] [clients=50]
#
# To see where they go: add --perf-basic-prof to NODE_ARGS, keep the callgrind files (KEEP=1), and
# read them with callgrind_annotate, looking up JIT addresses in /tmp/perf-<pid>.map.
set -u
N=${1:-30000}
C=${2:-50}
HERE=$(cd "$(dirname "$0")/.." && pwd)
BASE=${BASE:-24000}
OUT=$(mktemp -d)
RPORT=$((BASE + 1))
PPORT=$((BASE + 2))
command -v valgrind >/dev/null || { echo "valgrind is not installed (apt-get install valgrind)" >&2; exit 1; }
[ -f "$HERE/dist/src/cli/main.js" ] || { echo "build first: npm run build" >&2; exit 1; }

# shellcheck source=bench/support.sh
. "$HERE/bench/support.sh"

# measure LABEL COMMAND...: prints the main thread's instructions per command
measure() {
  local label=$1 vg total
  shift
  redis-server --port "$RPORT" --bind 127.0.0.1 --save '' --appendonly no --dir "$OUT" >/dev/null 2>&1 &
  local redis=$!
  wait_ping "$RPORT" || { echo "redis-server did not start on $RPORT" >&2; exit 1; }
  # shellcheck disable=SC2086
  valgrind --tool=callgrind --separate-threads=yes --callgrind-out-file="$OUT/$label.%p" \
    node ${NODE_ARGS:-} "$@" >"$OUT/$label.log" 2>&1 &
  vg=$!
  if ! wait_ping "$PPORT"; then
    echo "$label did not start (see $OUT/$label.log)" >&2
    kill "$vg" "$redis"
    exit 1
  fi
  timeout 600 redis-benchmark -p "$PPORT" -c "$C" -n "$N" -t set -q >/dev/null 2>&1 # warm-up
  callgrind_control -z "$vg" >/dev/null 2>&1
  timeout 900 redis-benchmark -p "$PPORT" -c "$C" -n "$N" -t set -q >/dev/null 2>&1
  callgrind_control -d "$vg" >/dev/null 2>&1
  kill "$vg"
  wait "$vg" 2>/dev/null
  kill "$redis"
  wait "$redis" 2>/dev/null
  # the dump's file for thread 1 (the event loop)
  total=$(grep -h '^summary:' "$(ls "$OUT/$label".*.1-01 | head -1)" | awk '{print $2}')
  echo $((total / N))
}

echo "callgrind: instructions per SET on the main thread, redis-benchmark -c $C, $N commands after $N of warm-up"
relay=$(measure relay "$HERE/dist/bench/node-relay.js" "$RPORT" "$PPORT")
gears=$(GEARBOX_LOG_LEVEL=warn measure gears "$HERE/dist/src/cli/main.js" serve --redis "redis://127.0.0.1:$RPORT" \
  --port "$PPORT" --threads 1)
echo "| proxy | instructions per SET | ratio to the Node relay |"
echo "|---|---|---|"
echo "| Node relay (bench/node-relay.ts) | $relay | 1.00 |"
echo "| gearbox serve | $gears | $(printf "%.2f" "$(echo "scale=4; $gears / $relay" | bc)") |"
[ -n "${KEEP:-}" ] && echo "callgrind files kept in $OUT" || rm -rf "$OUT"
