#!/usr/bin/env bash
# Redis' own test suite, unit by unit, against Redis directly and through a gears server (issue 10's
# fidelity check). Each unit runs against a fresh redis-server, and through a fresh gears server in front
# of another fresh redis-server. Needs a checkout of the redis repository at the tag of the installed
# redis-server (7.0.15) outside this repo, tclsh, and `npm run build` done here.
#
#   REDIS_SRC=/path/to/redis bench/redis-suite.sh [unit/NAME ...]   (default: every unit/ of the suite)
#
# Prints, per unit, the tests passed directly and through the gears server, then the tests that passed
# directly but not through the gears server. Logs stay in $OUT (default /tmp/gearbox-redis-suite).
set -u
REDIS_SRC=${REDIS_SRC:?set REDIS_SRC to a checkout of redis at the installed redis-server tag}
HERE=$(cd "$(dirname "$0")/.." && pwd)
CLI=${GEARBOX_CLI:-"$HERE/dist/src/cli/main.js"}
OUT=${OUT:-/tmp/gearbox-redis-suite}
BASE=${BASE:-23000}
UNIT_TIMEOUT=${UNIT_TIMEOUT:-900}
mkdir -p "$OUT"
[ -f "$CLI" ] || { echo "build first: npm run build" >&2; exit 1; }

REDIS_ARGS=(--bind 127.0.0.1 --save '' --appendonly no --enable-debug-command yes --enable-module-command yes
  --enable-protected-configs yes)

# up to 60 s, for a machine busy with other work
wait_port() {
  for _ in $(seq 1 600); do
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
    sleep 0.1
  done
  return 1
}

# run_unit MODE UNIT: starts the servers, runs the unit, stops them; the log lands in $OUT/MODE/UNIT.log
run_unit() {
  local mode=$1 unit=$2 rport=$((BASE + 1)) gport=$((BASE + 2)) dir pids=() port
  dir=$(mktemp -d)
  redis-server --port "$rport" --dir "$dir" "${REDIS_ARGS[@]}" >"$dir/redis.log" 2>&1 &
  pids+=($!)
  wait_port "$rport"
  port=$rport
  if [ "$mode" = gearbox ]; then
    node "$CLI" serve --redis "redis://127.0.0.1:$rport" --port "$gport" --log-level warn >"$dir/gears.log" 2>&1 &
    pids+=($!)
    # a client that connects early waits, unread, until the gears server is ready, and it is ready only once
    # its execution threads' links to Redis are set up: a unit's first MONITOR or SLOWLOG does not meet them
    wait_port "$gport"
    port=$gport
  fi
  mkdir -p "$OUT/$mode/$(dirname "$unit")"
  (cd "$REDIS_SRC" && timeout "$UNIT_TIMEOUT" ./runtest --host 127.0.0.1 --port "$port" --baseport $((BASE + 100)) \
    --single "$unit" --clients 1 >"$OUT/$mode/$unit.log" 2>&1)
  for ((i = ${#pids[@]} - 1; i >= 0; i--)); do
    kill "${pids[$i]}" 2>/dev/null
    wait "${pids[$i]}" 2>/dev/null
  done
  [ "$mode" = gearbox ] && cp "$dir/gears.log" "$OUT/$mode/$unit.gears.log"
  rm -rf "$dir"
}

# runtest colours its verdicts: strip the escapes before matching
passed() {
  sed -E 's/\x1b\[[0-9;]*m//g' "$1" 2>/dev/null | grep -a '^\[ok\]: ' | sed -E 's/^\[ok\]: //; s/ \([0-9]+ ms\)$//' | sort
}

if [ $# -gt 0 ]; then UNITS=("$@"); else
  mapfile -t UNITS < <(cd "$REDIS_SRC" && ./runtest --list-tests | grep '^unit/')
fi

total_d=0
total_g=0
for unit in "${UNITS[@]}"; do
  run_unit direct "$unit"
  run_unit gearbox "$unit"
  d=$(passed "$OUT/direct/$unit.log" | wc -l)
  g=$(passed "$OUT/gearbox/$unit.log" | wc -l)
  total_d=$((total_d + d))
  total_g=$((total_g + g))
  printf '%-32s direct %4d  gearbox %4d\n' "$unit" "$d" "$g"
done
printf '%-32s direct %4d  gearbox %4d\n' TOTAL "$total_d" "$total_g"
echo
echo "Passed directly, not through the gears server:"
for unit in "${UNITS[@]}"; do
  comm -23 <(passed "$OUT/direct/$unit.log") <(passed "$OUT/gearbox/$unit.log") | sed "s|^|  $unit: |"
done
