#!/usr/bin/env bats
# install.sh --root and provision.sh --root into a staging folder: the tree, its owners and modes,
# idempotence, what provisioning reports missing, check-config, and no secret world-readable.

load helpers

setup() {
  require_jar
  ROOT=$BATS_TEST_TMPDIR/root
  mkdir -p "$ROOT"
}

# Every path with owner, group, mode and type, and each file's checksum: the tree as a whole.
tree() {
  (cd "$1" && find . -printf '%p %U:%G %m %y %l\n' | sort && find . -type f ! -name .pwd.lock -exec sha256sum {} + | sort -k2)
}

@test "install --root lays out the same tree when run twice, with the expected owners and modes" {
  "$PROVISIONING/install.sh" --root "$ROOT" --jar "$JAR"
  tree "$ROOT" >"$BATS_TEST_TMPDIR/first"
  run "$PROVISIONING/install.sh" --root "$ROOT" --jar "$JAR"
  [ "$status" -eq 0 ]
  tree "$ROOT" >"$BATS_TEST_TMPDIR/second"
  diff "$BATS_TEST_TMPDIR/first" "$BATS_TEST_TMPDIR/second"

  uid=$(awk -F: '$1 == "lanectl" { print $3 }' "$ROOT/etc/passwd")
  gid=$(awk -F: '$1 == "lanectl" { print $4 }' "$ROOT/etc/passwd")
  [ -n "$uid" ]
  # The service user: a system user without a login, in gpio and dialout and nothing else.
  grep -q "^lanectl:x:$uid:$gid:.*:/var/lib/lane-controller:/usr/sbin/nologin$" "$ROOT/etc/passwd"
  [ "$uid" -lt 1000 ]
  [ "$(grep -c 'lanectl' "$ROOT/etc/group")" -eq 3 ]
  grep -q '^gpio:x:[0-9]*:lanectl$' "$ROOT/etc/group"
  grep -q '^dialout:x:[0-9]*:lanectl$' "$ROOT/etc/group"

  [ "$(stat -c '%u:%g %a' "$ROOT/opt/lane-controller")" = "0:0 755" ]
  [ "$(stat -c '%u:%g %a' "$ROOT/etc/lane-controller")" = "0:$gid 750" ]
  [ "$(stat -c '%u:%g %a' "$ROOT/var/lib/lane-controller")" = "$uid:$gid 700" ]
  target=$(readlink "$ROOT/opt/lane-controller/lane-controller.jar")
  [[ $target == releases/lane-controller-*.jar ]]
  [ "$(stat -c '%u:%g %a' "$ROOT/opt/lane-controller/$target")" = "0:0 644" ]
  cmp "$JAR" "$ROOT/opt/lane-controller/$target"
  [ "$(stat -c '%a' "$ROOT/etc/systemd/system/lane-controller.service")" = 644 ]
  [ -L "$ROOT/etc/systemd/system/multi-user.target.wants/lane-controller.service" ]
  [ -f "$ROOT/etc/systemd/journald.conf.d/lane-controller.conf" ]
  grep -qx 'vm.dirty_expire_centisecs = 60000' "$ROOT/etc/sysctl.d/60-lane-controller.conf"
  [ -x "$ROOT/opt/lane-controller/provisioning/provision.sh" ]
}

@test "provision reports what is missing, then passes check-config, and no secret is world-readable" {
  "$PROVISIONING/install.sh" --root "$ROOT" --jar "$JAR"
  make_pki "$BATS_TEST_TMPDIR/pki"
  pki=$BATS_TEST_TMPDIR/pki

  run "$PROVISIONING/provision.sh" --root "$ROOT" --lane lane-07 --site poe-01 --broker ssl://central.example.org:8883 \
    --ca "$pki/ca.pem" --list-key lists-2026="$pki/lists.pub"
  [ "$status" -eq 1 ]
  [[ $output == *"still missing:"* ]]
  [[ $output == *"the lane's certificate: have central's CA sign /etc/lane-controller/tls/lane.csr"* ]]
  [[ $output == *"command signing key"* ]]
  openssl req -in "$ROOT/etc/lane-controller/tls/lane.csr" -noout -subject | grep -q 'CN = poe-01-lane-07'
  key_before=$(sha256sum "$ROOT/etc/lane-controller/tls/lane.key")

  # A certificate for some other key is refused.
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$pki/other.key" -out "$pki/other.pem" \
    -days 1 -subj /CN=other 2>/dev/null
  run "$PROVISIONING/provision.sh" --root "$ROOT" --lane lane-07 --site poe-01 --broker ssl://central.example.org:8883 \
    --cert "$pki/other.pem"
  [ "$status" -eq 2 ]
  [[ $output == *"is not for this device's key"* ]]
  # A list key that is not Ed25519 is refused.
  run "$PROVISIONING/provision.sh" --root "$ROOT" --lane lane-07 --site poe-01 --broker ssl://central.example.org:8883 \
    --command-key ops=$pki/ca.pem
  [ "$status" -eq 2 ]
  [[ $output == *"is not an Ed25519 public key"* ]]

  openssl x509 -req -in "$ROOT/etc/lane-controller/tls/lane.csr" -CA "$pki/ca.pem" -CAkey "$pki/ca.key" \
    -CAcreateserial -days 30 -out "$pki/lane.pem" 2>/dev/null
  run "$PROVISIONING/provision.sh" --root "$ROOT" --lane lane-07 --site poe-01 --broker ssl://central.example.org:8883 \
    --cert "$pki/lane.pem" --command-key ops-2026="$pki/ops.pub"
  [ "$status" -eq 0 ]
  [[ $output == *": ok (lane lane-07"* ]]
  [ "$key_before" = "$(sha256sum "$ROOT/etc/lane-controller/tls/lane.key")" ]
  # The key from the first run is still in the config.
  grep -q 'lists: {lists-2026: keys/lists-2026.pub}' "$ROOT/etc/lane-controller/lane.yaml"
  grep -q 'commands: {ops-2026: keys/ops-2026.pub}' "$ROOT/etc/lane-controller/lane.yaml"
  java -jar "$JAR" check-config "$ROOT/etc/lane-controller/lane.yaml"

  gid=$(awk -F: '$1 == "lanectl" { print $4 }' "$ROOT/etc/passwd")
  [ "$(stat -c '%u:%g %a' "$ROOT/etc/lane-controller/tls/lane.key")" = "0:$gid 640" ]
  [ "$(stat -c '%u:%g %a' "$ROOT/etc/lane-controller/lane.yaml")" = "0:$gid 640" ]
  [ -z "$(find "$ROOT/etc/lane-controller" "$ROOT/var/lib/lane-controller" -perm -o=r ! -type d)" ]
  [ -z "$(find "$ROOT/etc/lane-controller" "$ROOT/var/lib/lane-controller" -type d -perm -o=x)" ]
  # Nothing secret went to the output either.
  ! grep -q "$(sed -n 2p "$ROOT/etc/lane-controller/tls/lane.key")" <<<"$output"
}

@test "provisioning again changes only what was asked: the technician's hardware and timings stay" {
  "$PROVISIONING/install.sh" --root "$ROOT" --jar "$JAR"
  make_pki "$BATS_TEST_TMPDIR/pki"
  pki=$BATS_TEST_TMPDIR/pki
  "$PROVISIONING/provision.sh" --root "$ROOT" --lane lane-07 --site poe-01 --broker ssl://central.example.org:8883 \
    --ca "$pki/ca.pem" --list-key lists-2026="$pki/lists.pub" --command-key ops-2026="$pki/ops.pub" || true
  cfg=$ROOT/etc/lane-controller/lane.yaml
  # The technician's edits: a bench with a serial reader, and the lane's timings.
  python3 - "$cfg" <<'PY'
import sys
path = sys.argv[1]
text = open(path).read()
start = text.index("hardware:")
end = text.index("central:")
text = text[:start] + "hardware:\n  kind: bench\nreader:\n  kind: serial\n  serial: {device: \"tcp://192.168.50.21:4001\"}\n" \
    + "timings:\n  readWindowMs: 1800\n" + text[end:]
text = text.replace("  initialMode: AUTOMATED", "  initialMode: AUTOMATED\n  armingLoop: false")
open(path, "w").write(text)
PY
  run "$PROVISIONING/provision.sh" --root "$ROOT" --lane lane-07 --site poe-01 --broker ssl://central.example.org:8883 \
    --health-host 0.0.0.0
  grep -q '^  host: 0.0.0.0$' "$cfg"
  grep -q '^  kind: bench$' "$cfg"
  grep -q 'device: "tcp://192.168.50.21:4001"' "$cfg"
  grep -q '^  readWindowMs: 1800$' "$cfg"
  grep -q '^  armingLoop: false$' "$cfg"
  grep -q 'lists: {lists-2026: keys/lists-2026.pub}' "$cfg"
  grep -q '^  host: 127.0.0.1$' "$ROOT/etc/lane-controller/lane.yaml.previous"
  # A config laid out otherwise is written afresh from the template, with a warning; the edits are in .previous.
  printf 'lane: {id: lane-07}\n' >"$cfg"
  run "$PROVISIONING/provision.sh" --root "$ROOT" --lane lane-07 --site poe-01 --broker ssl://central.example.org:8883
  [[ $output == *"not laid out as provision.sh writes it"* ]]
  grep -q '^  broker: ssl://central.example.org:8883$' "$cfg"
  grep -qx 'lane: {id: lane-07}' "$ROOT/etc/lane-controller/lane.yaml.previous"
}

@test "off loopback the lane monitor needs the technician's credential, kept only as a hash" {
  install_and_provision "$ROOT" 9107 >/dev/null
  cfg=$ROOT/etc/lane-controller/lane.yaml
  run "$PROVISIONING/provision.sh" --root "$ROOT" --lane lane-07 --site poe-01 --broker ssl://127.0.0.1:1 --health-host 0.0.0.0
  [ "$status" -eq 1 ]
  [[ $output == *"the technician's credential: --technician-password-file FILE (the lane monitor on 0.0.0.0 needs a login)"* ]]
  printf 'short\n' >"$BATS_TEST_TMPDIR/short"
  run "$PROVISIONING/provision.sh" --root "$ROOT" --lane lane-07 --site poe-01 --broker ssl://127.0.0.1:1 \
    --technician-password-file "$BATS_TEST_TMPDIR/short"
  [ "$status" -eq 2 ]
  [[ $output == *"12–256 characters"* ]]
  printf 'cabinet-key-2026\n' >"$BATS_TEST_TMPDIR/password"
  run "$PROVISIONING/provision.sh" --root "$ROOT" --lane lane-07 --site poe-01 --broker ssl://127.0.0.1:1 \
    --technician-password-file "$BATS_TEST_TMPDIR/password"
  [ "$status" -eq 0 ]
  grep -q "^  technicianCredential: 'pbkdf2-sha256[$]310000[$]" "$cfg"
  ! grep -rq 'cabinet-key-2026' "$ROOT/etc/lane-controller"
  [[ $output != *cabinet-key-2026* ]]
  first=$(grep '^  technicianCredential:' "$cfg")
  # Provisioned again (a new password): one credential, the new one.
  printf 'cabinet-key-2027\n' >"$BATS_TEST_TMPDIR/password"
  run "$PROVISIONING/provision.sh" --root "$ROOT" --lane lane-07 --site poe-01 --broker ssl://127.0.0.1:1 \
    --technician-password-file "$BATS_TEST_TMPDIR/password"
  [ "$status" -eq 0 ]
  [ "$(grep -c '^  technicianCredential:' "$cfg")" -eq 1 ]
  [ "$(grep '^  technicianCredential:' "$cfg")" != "$first" ]
}

@test "check-config names a missing or wrong certificate or key file" {
  "$PROVISIONING/install.sh" --root "$ROOT" --jar "$JAR"
  install_and_provision "$ROOT" 9107 >/dev/null
  rm "$ROOT/etc/lane-controller/tls/lane.pem"
  openssl pkey -in "$ROOT.pki/ca.key" -pubout -out "$ROOT/etc/lane-controller/keys/ops-2026.pub"
  run java -jar "$JAR" check-config "$ROOT/etc/lane-controller/lane.yaml"
  [ "$status" -eq 2 ]
  [[ $output == *"central.tls.certFile: "*"tls/lane.pem does not exist"* ]]
  [[ $output == *"central.keys.commands.ops-2026: "*"is not an Ed25519 public key"* ]]
}

@test "a signed release bundle installs without naming the jar, and its signature and checksum verify" {
  make_pki "$BATS_TEST_TMPDIR/pki"
  "$PROVISIONING/make-release.sh" --out "$BATS_TEST_TMPDIR/out" --jar "$JAR" --sign-key "$BATS_TEST_TMPDIR/pki/release.key"
  mkdir "$BATS_TEST_TMPDIR/unpacked"
  tar -xzf "$BATS_TEST_TMPDIR"/out/lane-controller-*.tar.gz -C "$BATS_TEST_TMPDIR/unpacked"
  bundle=$(echo "$BATS_TEST_TMPDIR"/unpacked/lane-controller-*)
  (cd "$bundle" && sha256sum -c lane-controller.jar.sha256)
  openssl pkeyutl -verify -pubin -inkey "$BATS_TEST_TMPDIR/pki/release.pub" -rawin -in "$bundle/lane-controller.jar" \
    -sigfile "$bundle/lane-controller.jar.sig"
  "$bundle/provisioning/install.sh" --root "$ROOT"
  cmp "$JAR" "$ROOT/opt/lane-controller/$(readlink "$ROOT/opt/lane-controller/lane-controller.jar")"
  [ -f "$ROOT/opt/lane-controller/docs/install.md" ]
  [ -f "$bundle/config/examples/lane-llrp.yaml" ]
}
