# Shell helpers the bench scripts share; sourced, not run.

# wait_ping PORT: waits (up to 2 minutes) until a Redis or a proxy on PORT answers PING
wait_ping() {
  for _ in $(seq 1 600); do
    redis-cli -p "$1" ping >/dev/null 2>&1 && return 0
    sleep 0.2
  done
  return 1
}
