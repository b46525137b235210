# What the throwaway test servers' scripts share (sourced by pg-test-server.sh and
# mariadb-test-server.sh; not run on its own).

# Waits until every thread of these processes is stopped (SIGSTOP is delivered asynchronously: a
# statement sent right after `kill` must find the server frozen), at most 5 s.
wait_stopped() {
  local pid task state
  for pid in "$@"; do
    for _ in $(seq 1 250); do
      state=stopped
      for task in /proc/"$pid"/task/*/stat; do
        [[ -r "$task" ]] || continue
        [[ "$(sed -E 's/.*\) (.).*/\1/' "$task" 2>/dev/null)" == T ]] || { state=running; break; }
      done
      [[ "$state" == stopped ]] && break
      sleep 0.02
    done
  done
}
