#!/usr/bin/env bash
# CPU time per command of each process on a proxied command's path: the proxy, Redis and
# redis-benchmark itself. On a machine where the three share two cores the run is CPU-bound, so the
# total says what throughput a proxy leaves room for (about 2 s of CPU per second over the total),
# and it drifts less than throughput does. Measures Redis direct, the gears server, the hand-written
# Node relay (bench/node-relay.ts) and twemproxy (`nutcracker`, when installed), each in front of a
# fresh redis-server, in rounds. Needs `npm run build` and /usr/bin/time.
#
#   bench/proxy-cpu.sh [rounds=2] [commands=200000] [clients=50] [extra redis-benchmark args, e.g. -P 16]
set -u
ROUNDS=${1:-2}
N=${2:-200000}
C=${3:-50}
shift $(($# < 3 ? $# : 3))
EXTRA=("$@")
HERE=$(cd "$(dirname "$0")/.." && pwd)
BASE=${BASE:-24100}
OUT=$(mktemp -d)
RPORT=$((BASE + 1))
PPORT=$((BASE + 2))
[ -f "$HERE/dist/src/cli/main.js" ] || { echo "build first: npm run build" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "/usr/bin/time is not installed (apt-get install time)" >&2; exit 1; }

# shellcheck source=bench/support.sh
. "$HERE/bench/support.sh"

# user + system time of a process so far, in clock ticks
ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

# start_proxy NAME: starts the proxy in front of $RPORT on $PPORT, prints its pid (its output goes to
# files: one left on the caller's pipe would hold the $(...) that reads the pid open)
start_proxy() {
  case $1 in
  gearbox)
    GEARBOX_LOG_LEVEL=silent node "$HERE/dist/src/cli/main.js" serve --redis "redis://127.0.0.1:$RPORT" \
      --port "$PPORT" >"$OUT/gearbox.log" 2>&1 &
    ;;
  relay) node "$HERE/dist/bench/node-relay.js" "$RPORT" "$PPORT" >"$OUT/relay.log" 2>&1 & ;;
  twemproxy)
    printf 'gb:\n  listen: 127.0.0.1:%s\n  redis: true\n  hash: fnv1a_64\n  distribution: ketama\n  auto_eject_hosts: false\n  servers:\n   - 127.0.0.1:%s:1\n' \
      "$PPORT" "$RPORT" >"$OUT/nutcracker.yml"
    nutcracker -c "$OUT/nutcracker.yml" -s $((BASE + 3)) -o "$OUT/nutcracker.log" >/dev/null 2>&1 &
    ;;
  esac
  echo $!
}

# measure NAME: one round; prints a table row
measure() {
  local name=$1 redis proxy="" port=$PPORT hz p0=0 p1=0 r0 r1 b rps
  redis-server --port "$RPORT" --bind 127.0.0.1 --save '' --appendonly no --dir "$OUT" >/dev/null 2>&1 &
  redis=$!
  wait_ping "$RPORT" || { echo "redis-server did not start on $RPORT" >&2; exit 1; }
  if [ "$name" = direct ]; then port=$RPORT; else
    proxy=$(start_proxy "$name")
    wait_ping "$PPORT" || { echo "$name did not start (see $OUT)" >&2; kill "$proxy" "$redis"; exit 1; }
  fi
  redis-benchmark -p "$port" -c "$C" -n 20000 -t set -q >/dev/null 2>&1 # warm-up
  [ -n "$proxy" ] && p0=$(ticks "$proxy")
  r0=$(ticks "$redis")
  /usr/bin/time -o "$OUT/time" -f '%U %S' redis-benchmark -p "$port" -c "$C" -n "$N" -t set,get --csv "${EXTRA[@]}" \
    >"$OUT/csv" 2>/dev/null
  [ -n "$proxy" ] && p1=$(ticks "$proxy")
  r1=$(ticks "$redis")
  hz=$(getconf CLK_TCK)
  b=$(awk '{print $1 + $2}' "$OUT/time")
  rps=$(grep -E '^"(SET|GET)"' "$OUT/csv" | tr -d '"' | awk -F, '{ printf "%s%.0f", (NR > 1 ? " / " : ""), $2 }')
  [ -n "$proxy" ] && { kill "$proxy"; wait "$proxy" 2>/dev/null; }
  kill "$redis"
  wait "$redis" 2>/dev/null
  awk -v name="$name" -v p=$((p1 - p0)) -v r=$((r1 - r0)) -v b="$b" -v hz="$hz" -v n=$((N * 2)) -v rps="$rps" \
    'BEGIN { f = 1e6 / hz / n; printf "| %s | %.2f | %.2f | %.2f | %.2f | %s |\n", name, p * f, r * f, b * 1e6 / n, (p + r) * f + b * 1e6 / n, rps }'
}

targets=(direct gearbox relay)
command -v nutcracker >/dev/null && targets+=(twemproxy) || echo "(nutcracker not installed: its rows are skipped)"
echo "CPU µs per command (user + system), redis-benchmark -c $C -n $N -t set,get ${EXTRA[*]}, $ROUNDS round(s)"
echo "| target | proxy | Redis | redis-benchmark | total | SET / GET ops/s |"
echo "|---|---|---|---|---|---|"
for _ in $(seq 1 "$ROUNDS"); do
  for t in "${targets[@]}"; do measure "$t"; done
done
rm -rf "$OUT"
