# shellcheck shell=bash
# Shared by the provisioning scripts: the installed layout, messages, and the platform checks.
# Sourced, never run.
# shellcheck disable=SC2034 # the layout's names are used by the scripts that source this

readonly LANE_USER=lanectl
readonly LANE_SERVICE=lane-controller.service
readonly LANE_HOME_DIR=/opt/lane-controller
readonly LANE_CONFIG_DIR=/etc/lane-controller
readonly LANE_STATE_DIR=/var/lib/lane-controller
readonly LANE_JAR_LINK=$LANE_HOME_DIR/lane-controller.jar
readonly LANE_PREVIOUS_LINK=$LANE_HOME_DIR/previous.jar
# The class-data archive (AppCDS) of the jar in use; the unit names this link. Switched with the jar.
readonly LANE_ARCHIVE_LINK=$LANE_HOME_DIR/lane-controller.jsa
readonly LANE_RELEASES_DIR=$LANE_HOME_DIR/releases
readonly LANE_CONFIG_FILE=$LANE_CONFIG_DIR/lane.yaml
readonly LANE_DB_FILE=$LANE_STATE_DIR/lane.db

# The root everything is laid out under: / on a device, a staging folder with --root.
ROOT=""

die() {
  echo "$(basename "$0"): error: $*" >&2
  exit 2
}

say() {
  echo "$(basename "$0"): $*"
}

warn() {
  echo "$(basename "$0"): warning: $*" >&2
}

# An option's value, or a clear error when it is missing: need_value --lane "$2".
need_value() {
  if [ $# -lt 2 ] || [ -z "$2" ] || [ "${2#--}" != "$2" ]; then
    die "$1 needs a value (see --help)"
  fi
}

require_root() {
  [ "$(id -u)" -eq 0 ] || die "run as root (sudo $0 ...)"
}

# Debian 12 or later (Raspberry Pi OS bookworm is one), Linux, systemd: what the unit and the
# packages assume. LANE_OS_RELEASE names another os-release file (tests of this check).
require_platform() {
  [ "$(uname -s)" = Linux ] || die "this is $(uname -s); the lane controller runs on Linux (Debian 12 / Raspberry Pi OS bookworm)"
  local os_release=${LANE_OS_RELEASE:-/etc/os-release}
  [ -r "$os_release" ] || die "$os_release is missing: cannot tell the distribution (Debian 12 / Raspberry Pi OS bookworm needed)"
  local id id_like version
  id=$(os_field ID "$os_release")
  id_like=$(os_field ID_LIKE "$os_release")
  version=$(os_field VERSION_ID "$os_release")
  case " $id $id_like " in
    *" debian "* | *" raspbian "*) ;;
    *) die "this is '$id'; the lane controller needs Debian 12 or Raspberry Pi OS bookworm (Debian-based, apt, systemd)" ;;
  esac
  [ "${version%%.*}" -ge 12 ] 2>/dev/null || die "this is $id $version; Debian 12 (bookworm) or later is needed (Java 17, systemd 252)"
}

# One field of an os-release file, unquoted (os-release(5)); read, never sourced.
os_field() {
  sed -n "s/^$1=//p" "$2" | tr -d "\"'" | head -n 1
}

require_command() {
  command -v "$1" >/dev/null 2>&1 || die "$1 is missing: $2"
}

# "owner group mode" of a path, numeric ids.
stat_line() {
  stat -c '%u %g %a' "$1"
}

# The uid and gid of the service user in the tree under $ROOT.
lane_uid() {
  awk -F: -v u="$LANE_USER" '$1 == u { print $3 }' "$ROOT/etc/passwd"
}

lane_gid() {
  awk -F: -v u="$LANE_USER" '$1 == u { print $4 }' "$ROOT/etc/passwd"
}

# Resolves --root DIR to an absolute path without a trailing slash ("" for /).
set_root() {
  [ -d "$1" ] || die "--root $1 is not a folder"
  ROOT=$(cd "$1" && pwd)
  [ "$ROOT" = / ] && ROOT=""
  return 0
}

# The health URL from the config (host and port under health:), or the default.
health_url() {
  local config=$1 host port
  host=$(awk '/^health:/ { in_health = 1; next } /^[^ #]/ { in_health = 0 } in_health && $1 == "host:" { print $2 }' "$config" 2>/dev/null)
  port=$(awk '/^health:/ { in_health = 1; next } /^[^ #]/ { in_health = 0 } in_health && $1 == "port:" { print $2 }' "$config" 2>/dev/null)
  echo "http://${host:-127.0.0.1}:${port:-9107}/health"
}

# True when /health answers and its lane loop and store checks pass: the lane runs and journals.
# (Central link, lists and clock may still be settling; they do not make a release bad.)
lane_loop_healthy() {
  local body
  body=$(curl -s --max-time 5 "$1" 2>/dev/null) || return 1
  case $body in
    *'"laneLoop":{"ok":true'*'"store":{"ok":true'*) return 0 ;;
    *) return 1 ;;
  esac
}

# The release folder beside this script: provisioning/ and systemd/ side by side (a source
# checkout, a release bundle, or /opt/lane-controller on a device).
script_dir() {
  cd "$(dirname "${BASH_SOURCE[1]}")" && pwd
}

# make_class_archive releases/lane-controller-SUM.jar: writes releases/lane-controller-SUM.jsa
# beside it, the classes a short run of that jar loads (a JDK 13+ dynamic AppCDS archive), which
# starts the daemon about a quarter sooner and with less memory (docs/performance.md). The run is a
# simulated lane in a scratch folder for TRAINING_S seconds: no GPIO, no broker, the journal not
# touched. An archive the JVM can no longer use (another JDK, a changed jar) is made again. A
# failure only costs the faster start: the JVM runs without an archive it cannot use.
make_class_archive() {
  local jar=$LANE_HOME_DIR/$1 archive scratch
  archive=${jar%.jar}.jsa
  if [ -f "$archive" ] && java -Xshare:on -XX:SharedArchiveFile="$archive" -jar "$jar" --version >/dev/null 2>&1; then
    return 0
  fi
  scratch=$(mktemp -d)
  cat >"$scratch/lane.yaml" <<YAML
lane: {id: class-archive}
storage: {path: $scratch/lane.db}
health: {enabled: true, host: 127.0.0.1, port: 0}
hardware:
  kind: simulated
YAML
  rm -f "$archive" "$archive.part"
  if timeout 120 java -Xmx256m -XX:-UsePerfData -XX:ArchiveClassesAtExit="$archive.part" -jar "$jar" run --config "$scratch/lane.yaml" \
      --for "${LANE_ARCHIVE_TRAINING_S:-5}" >"$scratch/training.log" 2>&1 \
    && java -Xshare:on -XX:SharedArchiveFile="$archive.part" -jar "$jar" --version >/dev/null 2>&1; then
    chmod 0644 "$archive.part"
    mv -f "$archive.part" "$archive"
    say "class-data archive made: $(basename "$archive") ($(du -k "$archive" | cut -f1) KiB)"
  else
    rm -f "$archive.part"
    warn "no class-data archive for $1 (the lane starts without one, a little slower): $(tail -n 3 "$scratch/training.log" | tr '\n' ' ')"
  fi
  rm -rf "$scratch"
}
