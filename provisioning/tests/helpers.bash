# shellcheck shell=bash
# Shared by the provisioning tests: a staged install (install.sh --root), a test PKI, and helpers
# to run the installed service's ExecStart against it.

TESTS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
PROVISIONING=$(cd "$TESTS_DIR/.." && pwd)
REPO=$(cd "$PROVISIONING/.." && pwd)
JAR=$REPO/controller/target/lane-controller.jar

require_jar() {
  [ -f "$JAR" ] || skip "build the jar first: mvn -B package"
}

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# A CA, and Ed25519 keys for lists, commands and releases, in $1.
make_pki() {
  local dir=$1
  mkdir -p "$dir"
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$dir/ca.key" -out "$dir/ca.pem" \
    -days 30 -subj /CN=test-ca 2>/dev/null
  for name in lists ops release; do
    openssl genpkey -algorithm ED25519 -out "$dir/$name.key"
    openssl pkey -in "$dir/$name.key" -pubout -out "$dir/$name.pub"
  done
}

# Installs into $1 and provisions it completely (CA-signed certificate, all keys), health on $2.
install_and_provision() {
  local root=$1 port=$2 pki=$1.pki
  "$PROVISIONING/install.sh" --root "$root" --jar "$JAR" >/dev/null 2>&1
  make_pki "$pki"
  "$PROVISIONING/provision.sh" --root "$root" --lane lane-07 --site poe-01 --broker ssl://127.0.0.1:1 \
    --ca "$pki/ca.pem" --list-key lists-2026="$pki/lists.pub" --command-key ops-2026="$pki/ops.pub" \
    --release-key "$pki/release.pub" --health-port "$port" >/dev/null 2>&1 || true
  openssl x509 -req -in "$root/etc/lane-controller/tls/lane.csr" -CA "$pki/ca.pem" -CAkey "$pki/ca.key" \
    -CAcreateserial -days 30 -out "$pki/lane.pem" 2>/dev/null
  "$PROVISIONING/provision.sh" --root "$root" --lane lane-07 --site poe-01 --broker ssl://127.0.0.1:1 \
    --cert "$pki/lane.pem" --health-port "$port"
}

# A staged, provisioned lane for the fake systemctl: sets ROOT, LANE_TEST_STATE and PORT (health).
staged_lane() {
  require_jar
  ROOT=$BATS_TEST_TMPDIR/root
  export LANE_TEST_STATE=$BATS_TEST_TMPDIR/state
  mkdir -p "$ROOT" "$LANE_TEST_STATE"
  PORT=$(free_port)
  install_and_provision "$ROOT" "$PORT" >/dev/null
}

# Runs a command in the staged tree's namespace ($1), with the fake systemctl first on PATH.
in_lane_ns() {
  local root=$1
  shift
  LANE_TEST_ROOT=$root PATH="$TESTS_DIR/bin:$PATH" "$TESTS_DIR/lane-ns.sh" "$root" "$@"
}

# Waits up to $2 seconds for $1 to hold a line matching $3.
wait_for_line() {
  local file=$1 seconds=$2 pattern=$3
  for _ in $(seq $((seconds * 10))); do
    grep -qE "$pattern" "$file" 2>/dev/null && return 0
    sleep 0.1
  done
  echo "no line matching '$pattern' in $file after ${seconds}s:" >&2
  cat "$file" >&2 2>/dev/null || true
  return 1
}

# The journal of the staged lane checks out: the chain verifies and its last event is $2.
journal_intact() {
  local root=$1 last=$2
  java -jar "$JAR" journal verify --db "$root/var/lib/lane-controller/lane.db"
  java -jar "$JAR" journal tail -n 1 --db "$root/var/lib/lane-controller/lane.db" | grep -q " $last "
}

# The number of the last event in the staged lane's journal.
journal_last_seq() {
  java -jar "$JAR" journal verify --db "$1/var/lib/lane-controller/lane.db" | sed -n 's/.*last seq \([0-9]*\).*/\1/p'
}

# Stops whatever daemon the fake systemctl left running, and removes the staged tree.
stop_daemons() {
  if [ -f "${LANE_TEST_STATE:-/nonexistent}/daemon.pid" ]; then
    kill -KILL "$(cat "$LANE_TEST_STATE/daemon.pid")" 2>/dev/null || true
  fi
}
