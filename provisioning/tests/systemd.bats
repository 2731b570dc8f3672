#!/usr/bin/env bats
# The systemd units verify, the hardening is measured, and the installed ExecStart line, run as-is
# as the service user against the installed tree, talks to a fake notify socket, answers /health
# and stops cleanly on SIGTERM with its journal intact.

load helpers

EXPOSURE_MAX=3.0

setup() {
  require_jar
  ROOT=$BATS_TEST_TMPDIR/root
  mkdir -p "$ROOT"
}

teardown() {
  [ -z "${DAEMON_PID:-}" ] || kill -KILL "$DAEMON_PID" 2>/dev/null || true
  [ -z "${LISTENER_PID:-}" ] || kill "$LISTENER_PID" 2>/dev/null || true
  [ -z "${SOCKET_DIR:-}" ] || rm -rf "$SOCKET_DIR"
}

@test "systemd-analyze verify passes on every unit" {
  "$PROVISIONING/install.sh" --root "$ROOT" --jar "$JAR" >/dev/null 2>&1
  # verify also checks that ExecStart's binary exists; the unit under test is the installed one.
  run systemd-analyze verify "$ROOT/etc/systemd/system/lane-controller.service"
  echo "$output"
  [ "$status" -eq 0 ]
  [ -z "$output" ]
}

@test "the service's security exposure is measured, printed, and at most $EXPOSURE_MAX" {
  run systemd-analyze security --offline=true --no-pager "$REPO/systemd/lane-controller.service"
  [ "$status" -eq 0 ]
  exposure=$(sed -n 's/.*Overall exposure level for lane-controller.service: \([0-9.]*\).*/\1/p' <<<"$output")
  echo "# security exposure of lane-controller.service: $exposure (target <= $EXPOSURE_MAX)" >&3
  grep '✗' <<<"$output" | sed 's/^/#   /' >&3
  [ -n "$exposure" ]
  awk -v e="$exposure" -v max="$EXPOSURE_MAX" 'BEGIN { exit !(e <= max) }'
}

@test "the unit keeps the promises docs/install.md makes" {
  unit=$REPO/systemd/lane-controller.service
  for line in Type=notify NotifyAccess=all WatchdogSec=20 Restart=always RestartPreventExitStatus=2 TimeoutStopSec=20 ProtectSystem=strict \
      ReadWritePaths=/var/lib/lane-controller PrivateTmp=yes NoNewPrivileges=yes CapabilityBoundingSet= DevicePolicy=closed \
      ConditionPathExists=/etc/lane-controller/lane.yaml User=lanectl; do
    grep -qx "$line" "$unit" || { echo "missing: $line"; return 1; }
  done
  grep -q -- '-Dorg.sqlite.tmpdir=/tmp' "$unit"
  grep -q '^SystemMaxUse=' "$REPO/systemd/journald-lane-controller.conf"
}

@test "ExecStart as installed: READY and WATCHDOG to the notify socket, /health answers, SIGTERM stops it cleanly" {
  port=$(free_port)
  install_and_provision "$ROOT" "$port" >/dev/null
  # The service user must reach the socket: a folder of its own under /tmp.
  SOCKET_DIR=$(mktemp -d /tmp/lane-notify.XXXXXX)
  chmod 0755 "$SOCKET_DIR"
  socket=$SOCKET_DIR/notify.sock
  notifications=$BATS_TEST_TMPDIR/notifications
  python3 "$TESTS_DIR/notify_listener.py" "$socket" "$notifications" &
  LISTENER_PID=$!
  wait_for_line "$notifications" 10 '^listening$'

  # Started directly (not through a function) so that $! is the daemon's pid: each step execs the next.
  NOTIFY_SOCKET=$socket WATCHDOG_USEC=2000000 "$TESTS_DIR/lane-ns.sh" "$ROOT" "$TESTS_DIR/run-execstart.sh" \
    "$ROOT/etc/systemd/system/lane-controller.service" "$ROOT/etc/passwd" "$ROOT/etc/group" >"$BATS_TEST_TMPDIR/daemon.log" 2>&1 &
  DAEMON_PID=$!

  wait_for_line "$notifications" 60 'READY=1.*STATUS=lane AUTOMATED'
  # WATCHDOG_USEC=2 s: fed every second from the lane loop.
  wait_for_line "$notifications" 10 'WATCHDOG=1'
  run curl -s "http://127.0.0.1:$port/health"
  echo "$output"
  [[ $output == *'"laneLoop":{"ok":true'* ]]
  [[ $output == *'"store":{"ok":true'* ]]
  # No broker at 127.0.0.1:1: the link says so.
  [[ $output == *'"centralLink":{"ok":false,"detail":"not connected'* ]]
  curl -s "http://127.0.0.1:$port/metrics" | grep -q '^lane_outbox_backlog_events '
  # The daemon runs as the service user and wrote its database in the state folder.
  [ "$(stat -c '%U' "$ROOT/var/lib/lane-controller/lane.db")" = "$(stat -c '%U' "$ROOT/var/lib/lane-controller")" ]

  kill -TERM "$DAEMON_PID"
  for _ in $(seq 200); do kill -0 "$DAEMON_PID" 2>/dev/null || break; sleep 0.1; done
  run wait "$DAEMON_PID"
  DAEMON_PID=""
  # 143: the JVM's exit after a SIGTERM it handled; the unit's SuccessExitStatus.
  [ "$status" -eq 143 ]
  grep -q 'STOPPING=1' "$notifications"
  grep -q 'lane lane-07 stopped' "$BATS_TEST_TMPDIR/daemon.log"
  journal_intact "$ROOT" LANE_STOPPED
}
