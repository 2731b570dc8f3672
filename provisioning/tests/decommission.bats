#!/usr/bin/env bats
# decommission.sh on a staged lane: refuses while central lacks events (and starts the lane again
# to deliver them), wipes with --force, and leaves the device ready to provision again.

load helpers

setup() {
  staged_lane
}

teardown() {
  stop_daemons
}

@test "events central has not acknowledged stop the wipe; the lane is started again to deliver them" {
  in_lane_ns "$ROOT" systemctl start
  wait_for_line "$LANE_TEST_STATE/daemon.log" 60 'LANE_STARTED'
  run in_lane_ns "$ROOT" "$PROVISIONING/decommission.sh" --yes
  echo "$output"
  [ "$status" -eq 1 ]
  [[ $output == *"refused: backlog "*": events central has not acknowledged yet"* ]]
  [[ $output == *"--force"* ]]
  in_lane_ns "$ROOT" systemctl is-active
  [ -f "$ROOT/etc/lane-controller/tls/lane.key" ]
  java -jar "$JAR" journal verify --db "$ROOT/var/lib/lane-controller/lane.db"
}

@test "--force wipes keys, config, journal and lists and the device can be provisioned again" {
  in_lane_ns "$ROOT" systemctl start
  wait_for_line "$LANE_TEST_STATE/daemon.log" 60 'LANE_STARTED'
  run in_lane_ns "$ROOT" "$PROVISIONING/decommission.sh" --yes --force
  echo "$output"
  [ "$status" -eq 0 ]
  [[ $output == *"warning: backlog "* ]]
  [[ $output == *"wiped"* ]]
  ! in_lane_ns "$ROOT" systemctl is-active
  [ ! -e "$ROOT/etc/lane-controller/lane.yaml" ]
  [ ! -e "$ROOT/etc/lane-controller/tls" ]
  [ ! -e "$ROOT/etc/lane-controller/keys" ]
  [ -z "$(ls -A "$ROOT/var/lib/lane-controller")" ]
  # The installation stays: folders, jar, unit.
  [ -d "$ROOT/etc/lane-controller" ] && [ -L "$ROOT/opt/lane-controller/lane-controller.jar" ]
  [ "$(stat -c '%a' "$ROOT/var/lib/lane-controller")" = 700 ]
  # Ready to provision again: a new key and request for the next lane.
  run "$PROVISIONING/provision.sh" --root "$ROOT" --lane lane-09 --site poe-02 --broker ssl://central.example.org:8883
  [ "$status" -eq 1 ]
  [[ $output == *"generated the lane's private key"* ]]
  openssl req -in "$ROOT/etc/lane-controller/tls/lane.csr" -noout -subject | grep -q 'CN = poe-02-lane-09'
}

@test "a lane that never ran is wiped without --force" {
  run in_lane_ns "$ROOT" "$PROVISIONING/decommission.sh" --yes
  echo "$output"
  [ "$status" -eq 0 ]
  [ ! -e "$ROOT/etc/lane-controller/tls" ]
}
