#!/usr/bin/env bash
# Installs the lane controller: Java, the service user, folders, the jar, the systemd units.
# Idempotent: run it again and nothing changes. docs/install.md.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib.sh
. "$HERE/lib.sh"

usage() {
  cat <<USAGE
Usage: $(basename "$0") [--jar FILE] [--root DIR]

Installs the lane controller on this device (Debian 12 / Raspberry Pi OS bookworm): the Java
runtime (Debian's openjdk-17-jre-headless) if missing, the system user '$LANE_USER' (groups gpio
and dialout only), $LANE_HOME_DIR (the jar, these scripts), $LANE_CONFIG_DIR (root:$LANE_USER 0750),
$LANE_STATE_DIR ($LANE_USER 0700), and the systemd service, which it enables. The service starts
once the device is provisioned (provision.sh). Running it again changes nothing.

  --jar FILE   the lane-controller jar (default: lane-controller.jar of this release folder,
               or controller/target/lane-controller.jar in a source checkout)
  --root DIR   lay the files out under DIR (a staging image) instead of on this system: no
               packages are installed and no service is touched
  --help       this text
USAGE
}

JAR=""
while [ $# -gt 0 ]; do
  case $1 in
    --help | -h) usage; exit 0 ;;
    --jar) need_value "$@"; JAR=$2; shift 2 ;;
    --root) need_value "$@"; set_root "$2"; shift 2 ;;
    *) die "unknown argument: $1 (see --help)" ;;
  esac
done

require_root
require_platform
RELEASE=$(cd "$HERE/.." && pwd)
if [ -z "$JAR" ]; then
  for candidate in "$RELEASE/lane-controller.jar" "$RELEASE/controller/target/lane-controller.jar"; do
    [ -f "$candidate" ] && JAR=$candidate && break
  done
  [ -n "$JAR" ] || die "no lane-controller.jar beside $HERE; name it with --jar FILE"
fi
[ -f "$JAR" ] || die "--jar $JAR does not exist"
for unit_file in lane-controller.service lane-controller.sysusers journald-lane-controller.conf sysctl-lane-controller.conf \
    60-lane-controller-gpio.rules; do
  [ -f "$RELEASE/systemd/$unit_file" ] || die "$RELEASE/systemd/$unit_file is missing: an incomplete release folder"
done

if [ -z "$ROOT" ]; then
  missing=()
  java -version 2>&1 | grep -qE 'version "(1[7-9]|[2-9][0-9])' || missing+=(openjdk-17-jre-headless)
  command -v curl >/dev/null || missing+=(curl)
  command -v openssl >/dev/null || missing+=(openssl)
  if [ ${#missing[@]} -gt 0 ]; then
    say "installing ${missing[*]} from Debian's packages"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
  fi
else
  say "staging under $ROOT: the image needs openjdk-17-jre-headless, curl and openssl (not installed by --root)"
fi

# The user, from a sysusers.d file so that an image built with --root gets it on first boot too.
install -d -m 0755 "$ROOT/etc" "$ROOT/etc/sysusers.d"
install -m 0644 "$RELEASE/systemd/lane-controller.sysusers" "$ROOT/etc/sysusers.d/lane-controller.conf"
if [ -n "$ROOT" ]; then
  systemd-sysusers --root="$ROOT" "$ROOT/etc/sysusers.d/lane-controller.conf" >/dev/null
else
  systemd-sysusers /etc/sysusers.d/lane-controller.conf >/dev/null
fi
uid=$(lane_uid)
gid=$(lane_gid)
if [ -z "$uid" ] || [ -z "$gid" ]; then
  die "the user $LANE_USER was not created (systemd-sysusers failed?)"
fi

install -d -o 0 -g 0 -m 0755 "$ROOT$LANE_HOME_DIR" "$ROOT$LANE_RELEASES_DIR" "$ROOT$LANE_HOME_DIR/provisioning" \
  "$ROOT$LANE_HOME_DIR/systemd" "$ROOT$LANE_HOME_DIR/docs"
install -d -o 0 -g "$gid" -m 0750 "$ROOT$LANE_CONFIG_DIR"
install -d -o "$uid" -g "$gid" -m 0700 "$ROOT$LANE_STATE_DIR"

# The jar lives in releases/ under its checksum; lane-controller.jar points at the one in use.
sum=$(sha256sum "$JAR" | cut -c1-12)
release_jar=releases/lane-controller-$sum.jar
install -o 0 -g 0 -m 0644 "$JAR" "$ROOT$LANE_HOME_DIR/$release_jar"
if [ ! -L "$ROOT$LANE_JAR_LINK" ]; then
  ln -s "$release_jar" "$ROOT$LANE_JAR_LINK"
elif [ "$(readlink "$ROOT$LANE_JAR_LINK")" != "$release_jar" ]; then
  warn "already installed with $(readlink "$ROOT$LANE_JAR_LINK"); left in use (switch releases with upgrade.sh)"
fi
# The class-data archive of the jar in use, made here by running it; a staged image gets it from its
# first upgrade.sh or from install.sh run again on the device (without it the lane starts slower).
in_use=$(readlink "$ROOT$LANE_JAR_LINK")
ln -sfn "${in_use%.jar}.jsa" "$ROOT$LANE_ARCHIVE_LINK"
if [ -z "$ROOT" ]; then
  make_class_archive "$in_use"
fi

# The scripts, units and docs on the device, for provisioning, upgrades and decommissioning there.
install -o 0 -g 0 -m 0755 "$HERE"/install.sh "$HERE"/provision.sh "$HERE"/upgrade.sh "$HERE"/decommission.sh "$ROOT$LANE_HOME_DIR/provisioning/"
install -o 0 -g 0 -m 0644 "$HERE"/lib.sh "$HERE"/lane.yaml.template "$ROOT$LANE_HOME_DIR/provisioning/"
install -o 0 -g 0 -m 0644 "$RELEASE"/systemd/* "$ROOT$LANE_HOME_DIR/systemd/"
if [ -d "$RELEASE/docs" ]; then
  install -o 0 -g 0 -m 0644 "$RELEASE"/docs/*.md "$ROOT$LANE_HOME_DIR/docs/"
fi

install -d -m 0755 "$ROOT/etc/systemd/system" "$ROOT/etc/systemd/journald.conf.d" "$ROOT/etc/udev/rules.d" "$ROOT/etc/sysctl.d"
install -o 0 -g 0 -m 0644 "$RELEASE/systemd/lane-controller.service" "$ROOT/etc/systemd/system/$LANE_SERVICE"
install -o 0 -g 0 -m 0644 "$RELEASE/systemd/journald-lane-controller.conf" "$ROOT/etc/systemd/journald.conf.d/lane-controller.conf"
install -o 0 -g 0 -m 0644 "$RELEASE/systemd/sysctl-lane-controller.conf" "$ROOT/etc/sysctl.d/60-lane-controller.conf"
install -o 0 -g 0 -m 0644 "$RELEASE/systemd/60-lane-controller-gpio.rules" "$ROOT/etc/udev/rules.d/60-lane-controller-gpio.rules"

if [ -n "$ROOT" ]; then
  systemctl --root="$ROOT" enable "$LANE_SERVICE" >/dev/null 2>&1 || die "systemctl --root=$ROOT enable $LANE_SERVICE failed"
else
  systemctl daemon-reload
  systemctl enable "$LANE_SERVICE" >/dev/null 2>&1
  systemctl try-restart systemd-journald.service || true
  # A container's /proc/sys is read-only: the setting then waits for a host that may apply it.
  systemctl restart systemd-sysctl.service 2>/dev/null || true
  if udevadm control --reload-rules; then
    udevadm trigger --subsystem-match=gpio || true
  fi
fi
say "installed $release_jar under ${ROOT:-/}; the service is enabled and starts once the lane is provisioned:"
say "  $LANE_HOME_DIR/provisioning/provision.sh --help"
