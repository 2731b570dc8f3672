#!/usr/bin/env bats
# Every provisioning script: shellcheck-clean, --help, and a clear refusal of a missing argument,
# a wrong platform and a non-root user.

load helpers

SCRIPTS=(install.sh provision.sh upgrade.sh decommission.sh make-release.sh)

@test "every script and test helper passes shellcheck" {
  cd "$PROVISIONING"
  shellcheck -x -P SCRIPTDIR install.sh provision.sh upgrade.sh decommission.sh make-release.sh lib.sh broker/broker-acl.sh
  shellcheck -x -P SCRIPTDIR tests/lane-ns.sh tests/run-execstart.sh tests/bin/systemctl tests/helpers.bash
}

@test "every script has --help" {
  for script in "${SCRIPTS[@]}"; do
    run "$PROVISIONING/$script" --help
    [ "$status" -eq 0 ]
    [[ $output == Usage:* ]]
  done
}

@test "a missing argument is a clear error (exit 2)" {
  run "$PROVISIONING/provision.sh" --site poe-01 --broker ssl://central:8883
  [ "$status" -eq 2 ]
  [[ $output == *"missing --lane ID"* ]]
  run "$PROVISIONING/provision.sh" --lane lane-01 --site poe-01 --broker
  [ "$status" -eq 2 ]
  [[ $output == *"--broker needs a value"* ]]
  run "$PROVISIONING/upgrade.sh"
  [ "$status" -eq 2 ]
  [[ $output == *"missing NEW.jar"* ]]
  run "$PROVISIONING/decommission.sh"
  [ "$status" -eq 2 ]
  [[ $output == *"missing --yes"* ]]
  run "$PROVISIONING/install.sh" --root
  [ "$status" -eq 2 ]
  [[ $output == *"--root needs a value"* ]]
  run "$PROVISIONING/make-release.sh"
  [ "$status" -eq 2 ]
  [[ $output == *"missing --out DIR"* ]]
}

@test "bad values are refused before anything is written" {
  run "$PROVISIONING/provision.sh" --lane Lane_1 --site poe-01 --broker ssl://central:8883
  [ "$status" -eq 2 ]
  [[ $output == *"--lane 'Lane_1'"* ]]
  run "$PROVISIONING/provision.sh" --lane lane-01 --site poe-01 --broker tcp://central:1883
  [ "$status" -eq 2 ]
  [[ $output == *"TLS only"* ]]
}

@test "a wrong platform is a clear error" {
  printf 'ID=fedora\nVERSION_ID=40\n' >"$BATS_TEST_TMPDIR/fedora"
  printf 'ID=debian\nVERSION_ID="11"\n' >"$BATS_TEST_TMPDIR/bullseye"
  mkdir -p "$BATS_TEST_TMPDIR/root"
  touch "$BATS_TEST_TMPDIR/new.jar"
  invocations=("install.sh --root $BATS_TEST_TMPDIR/root"
    "provision.sh --root $BATS_TEST_TMPDIR/root --lane lane-01 --site poe-01 --broker ssl://central:8883"
    "upgrade.sh $BATS_TEST_TMPDIR/new.jar"
    "decommission.sh --yes")
  for invocation in "${invocations[@]}"; do
    # shellcheck disable=SC2086 # the invocation's words
    LANE_OS_RELEASE=$BATS_TEST_TMPDIR/fedora run "$PROVISIONING"/$invocation
    [ "$status" -eq 2 ]
    [[ $output == *"this is 'fedora'; the lane controller needs Debian 12 or Raspberry Pi OS bookworm"* ]]
  done
  LANE_OS_RELEASE=$BATS_TEST_TMPDIR/bullseye run "$PROVISIONING/install.sh" --root "$BATS_TEST_TMPDIR/root"
  [ "$status" -eq 2 ]
  [[ $output == *"Debian 12 (bookworm) or later is needed"* ]]
  [ -z "$(ls -A "$BATS_TEST_TMPDIR/root")" ]
}

@test "a user other than root is told to use sudo" {
  root=$(mktemp -d /tmp/lane-root.XXXXXX)
  chmod 0777 "$root"
  run setpriv --reuid=65534 --regid=65534 --clear-groups "$PROVISIONING/install.sh" --root "$root"
  rmdir "$root"
  [ "$status" -eq 2 ]
  [[ $output == *"run as root"* ]]
}

@test "broker-acl.sh prints the example ACL and refuses a malformed lane" {
  run "$PROVISIONING/broker/broker-acl.sh" --central central poe-01/lane-03
  [ "$status" -eq 0 ]
  [ "$output" = "$(cat "$PROVISIONING/broker/acl.example")" ]
  run "$PROVISIONING/broker/broker-acl.sh" poe-01/lane-03/events
  [ "$status" -eq 2 ]
  [[ $output == *"SITE/LANE"* ]]
  run "$PROVISIONING/broker/broker-acl.sh" --root 'lc/#' poe-01/lane-03
  [ "$status" -eq 2 ]
  run "$PROVISIONING/broker/broker-acl.sh" --help
  [[ $output == Usage:* ]]
}
