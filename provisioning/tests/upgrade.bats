#!/usr/bin/env bats
# upgrade.sh on a staged, running lane (the installed paths in a private mount namespace, a fake
# systemctl that runs the unit's ExecStart): a good release switches; a corrupt or wrongly signed
# one is refused; one that never becomes healthy is rolled back. The journal is intact each time.

load helpers

setup() {
  staged_lane
  in_lane_ns "$ROOT" systemctl start
  wait_healthy 60
}

teardown() {
  stop_daemons
}

wait_healthy() {
  for _ in $(seq $(($1 * 10))); do
    curl -s "http://127.0.0.1:$PORT/health" | grep -q '"laneLoop":{"ok":true' && return 0
    sleep 0.1
  done
  echo "not healthy after $1 s" >&2
  cat "$LANE_TEST_STATE/daemon.log" >&2
  return 1
}

in_use() {
  readlink "$ROOT/opt/lane-controller/lane-controller.jar"
}

# The real jar with one more file in it: another release that works the same.
another_release() {
  cp "$JAR" "$1"
  python3 -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1], "a").writestr("RELEASE-NOTE.txt", sys.argv[2])' "$1" "$2"
}

@test "a good release, signed with the release key, is switched to and runs; the previous one is kept" {
  before=$(in_use)
  seq_before=$(journal_last_seq "$ROOT")
  another_release "$BATS_TEST_TMPDIR/new.jar" "release 2"
  openssl pkeyutl -sign -inkey "$ROOT.pki/release.key" -rawin -in "$BATS_TEST_TMPDIR/new.jar" -out "$BATS_TEST_TMPDIR/new.jar.sig"

  run in_lane_ns "$ROOT" "$PROVISIONING/upgrade.sh" "$BATS_TEST_TMPDIR/new.jar" --timeout 60
  echo "$output"
  [ "$status" -eq 0 ]
  [[ $output == *"signature good"* ]]
  [[ $output == *"upgraded"* ]]
  [ "$(in_use)" != "$before" ]
  [ "$(readlink "$ROOT/opt/lane-controller/previous.jar")" = "$before" ]
  cmp "$BATS_TEST_TMPDIR/new.jar" "$ROOT/opt/lane-controller/$(in_use)"
  wait_healthy 30
  # The old daemon stopped cleanly and the new one carried the journal on.
  [ "$(journal_last_seq "$ROOT")" -gt "$seq_before" ]
  java -jar "$JAR" journal verify --db "$ROOT/var/lib/lane-controller/lane.db"
  grep -c 'LANE_STOPPED' < <(java -jar "$JAR" journal tail -n 50 --db "$ROOT/var/lib/lane-controller/lane.db") | grep -qx 1
  # Its class-data archive, made once it was healthy, beside it; the unit's link names it and the JVM takes it.
  [[ $output == *"class-data archive made: "* ]]
  archive=$(in_use); archive=${archive%.jar}.jsa
  [ -s "$ROOT/opt/lane-controller/$archive" ]
  [ "$(readlink "$ROOT/opt/lane-controller/lane-controller.jsa")" = "$archive" ]
  in_lane_ns "$ROOT" java -Xshare:on -XX:SharedArchiveFile=/opt/lane-controller/lane-controller.jsa \
    -jar /opt/lane-controller/lane-controller.jar --version
}

@test "a corrupt release or a wrong signature is refused and the lane is not restarted" {
  before=$(in_use)
  another_release "$BATS_TEST_TMPDIR/new.jar" "release 2"
  sha256sum "$BATS_TEST_TMPDIR/new.jar" >"$BATS_TEST_TMPDIR/new.jar.sha256"
  # A byte flipped on the way.
  printf 'X' | dd of="$BATS_TEST_TMPDIR/new.jar" bs=1 seek=1000 conv=notrunc 2>/dev/null
  restarts_before=$(grep -c restart "$LANE_TEST_STATE/systemctl.log" || true)

  run in_lane_ns "$ROOT" "$PROVISIONING/upgrade.sh" "$BATS_TEST_TMPDIR/new.jar"
  echo "$output"
  [ "$status" -eq 2 ]
  [[ $output == *"refused: "*"new.jar is corrupt"* ]]

  another_release "$BATS_TEST_TMPDIR/other.jar" "release 3"
  openssl genpkey -algorithm ED25519 -out "$BATS_TEST_TMPDIR/stranger.key"
  openssl pkeyutl -sign -inkey "$BATS_TEST_TMPDIR/stranger.key" -rawin -in "$BATS_TEST_TMPDIR/other.jar" \
    -out "$BATS_TEST_TMPDIR/other.jar.sig"
  run in_lane_ns "$ROOT" "$PROVISIONING/upgrade.sh" "$BATS_TEST_TMPDIR/other.jar"
  echo "$output"
  [ "$status" -eq 2 ]
  [[ $output == *"does not match its signature"* ]]

  [ "$(in_use)" = "$before" ]
  [ "$(grep -c restart "$LANE_TEST_STATE/systemctl.log" || true)" = "$restarts_before" ]
  wait_healthy 5
  java -jar "$JAR" journal verify --db "$ROOT/var/lib/lane-controller/lane.db"
}

@test "a release that never becomes healthy is rolled back by itself" {
  before=$(in_use)
  seq_before=$(journal_last_seq "$ROOT")
  # Answers --version like a release, then hangs without ever serving /health.
  mkdir -p "$BATS_TEST_TMPDIR/hang"
  cat >"$BATS_TEST_TMPDIR/hang/Main.java" <<'JAVA'
public class Main {
    public static void main(String[] args) throws InterruptedException {
        if (args.length > 0 && args[0].equals("--version")) {
            System.out.println("lane-controller 9.9.9-hangs");
            return;
        }
        Thread.sleep(Long.MAX_VALUE);
    }
}
JAVA
  javac -d "$BATS_TEST_TMPDIR/hang" "$BATS_TEST_TMPDIR/hang/Main.java"
  jar --create --file "$BATS_TEST_TMPDIR/hangs.jar" --main-class Main -C "$BATS_TEST_TMPDIR/hang" Main.class
  sha256sum "$BATS_TEST_TMPDIR/hangs.jar" >"$BATS_TEST_TMPDIR/hangs.jar.sha256"

  run in_lane_ns "$ROOT" "$PROVISIONING/upgrade.sh" "$BATS_TEST_TMPDIR/hangs.jar" --timeout 10
  echo "$output"
  [ "$status" -eq 1 ]
  [[ $output == *"did not become healthy within 10s: rolling back"* ]]
  [[ $output == *"rolled back: $before is running and healthy again"* ]]
  [ "$(in_use)" = "$before" ]
  [ "$(readlink "$ROOT/opt/lane-controller/lane-controller.jsa")" = "${before%.jar}.jsa" ]
  [[ $output != *"class-data archive"* ]] # none made for a release that never ran
  wait_healthy 5
  [ "$(journal_last_seq "$ROOT")" -gt "$seq_before" ]
  java -jar "$JAR" journal verify --db "$ROOT/var/lib/lane-controller/lane.db"
}
