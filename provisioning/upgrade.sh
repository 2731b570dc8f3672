#!/usr/bin/env bash
# Switches the lane to a new release, checked first; rolls back by itself if the new one does not
# become healthy. docs/install.md.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib.sh
. "$HERE/lib.sh"

usage() {
  cat <<USAGE
Usage: $(basename "$0") NEW.jar [--sha256 HEX] [--signature FILE] [--timeout SECONDS]

Checks NEW.jar (its Ed25519 signature against $LANE_CONFIG_DIR/keys/release.pub, or its SHA-256
against the checksum published with the release: --sha256 HEX or NEW.jar.sha256 beside it),
checks that it runs, keeps the release in use as $LANE_PREVIOUS_LINK, switches, restarts
the service and waits for /health to report the lane loop and the store healthy. If that does
not happen within the timeout, it switches back and restarts the previous release. The journal
and the lists are never touched.

  --sha256 HEX       the release's published SHA-256 (default: read from NEW.jar.sha256)
  --signature FILE   the release's detached Ed25519 signature (default: NEW.jar.sig if present)
  --timeout SECONDS  how long the new release has to become healthy (default 120)
  --help             this text

Exit status: 0 switched (or already in use); 1 rolled back, or the rollback failed too (said so
loudly); 2 refused (bad input, a jar that does not check out).
USAGE
}

NEW_JAR=""; SHA256=""; SIGNATURE=""; TIMEOUT_S=120
while [ $# -gt 0 ]; do
  case $1 in
    --help | -h) usage; exit 0 ;;
    --sha256) need_value "$@"; SHA256=$2; shift 2 ;;
    --signature) need_value "$@"; SIGNATURE=$2; shift 2 ;;
    --timeout) need_value "$@"; TIMEOUT_S=$2; shift 2 ;;
    -*) die "unknown option: $1 (see --help)" ;;
    *) [ -z "$NEW_JAR" ] || die "one jar at a time ($NEW_JAR, $1)"; NEW_JAR=$1; shift ;;
  esac
done
[ -n "$NEW_JAR" ] || die "missing NEW.jar (see --help)"
[ -f "$NEW_JAR" ] || die "$NEW_JAR does not exist"
if ! [[ $TIMEOUT_S =~ ^[0-9]{1,4}$ ]] || [ "$TIMEOUT_S" -lt 5 ]; then
  die "--timeout '$TIMEOUT_S': 5-9999 seconds"
fi

require_root
require_platform
require_command java "run install.sh first"
require_command curl "apt-get install curl"
[ -L "$LANE_JAR_LINK" ] || die "$LANE_JAR_LINK is missing: install.sh first"
[ -f "$LANE_CONFIG_FILE" ] || die "$LANE_CONFIG_FILE is missing: provision.sh first"

# 1. Is it the release that was published? A signature says who made it; a checksum, that it
#    arrived whole.
if [ -z "$SIGNATURE" ] && [ -f "$NEW_JAR.sig" ]; then
  SIGNATURE=$NEW_JAR.sig
fi
if [ -n "$SIGNATURE" ]; then
  [ -s "$LANE_CONFIG_DIR/keys/release.pub" ] || die "a signature was given but no release key is installed (provision.sh --release-key FILE)"
  openssl pkeyutl -verify -pubin -inkey "$LANE_CONFIG_DIR/keys/release.pub" -rawin -in "$NEW_JAR" -sigfile "$SIGNATURE" >/dev/null 2>&1 \
    || die "refused: $NEW_JAR does not match its signature $SIGNATURE (corrupt, or not from the release key)"
  say "signature good ($SIGNATURE)"
else
  if [ -z "$SHA256" ]; then
    [ -f "$NEW_JAR.sha256" ] || die "refused: no signature and no checksum for $NEW_JAR (--sha256 HEX, or NEW.jar.sha256 from the release)"
    SHA256=$(cut -d' ' -f1 "$NEW_JAR.sha256")
  fi
  [[ $SHA256 =~ ^[0-9a-fA-F]{64}$ ]] || die "refused: '$SHA256' is not a SHA-256 (64 hex digits)"
  actual=$(sha256sum "$NEW_JAR" | cut -d' ' -f1)
  [ "$actual" = "${SHA256,,}" ] || die "refused: $NEW_JAR is corrupt: SHA-256 $actual, the release says ${SHA256,,}"
  say "checksum good"
fi
# 2. Does it run at all on this device's Java?
version=$(java -jar "$NEW_JAR" --version 2>/dev/null) || die "refused: $NEW_JAR does not run (java -jar $NEW_JAR --version failed)"
say "new release: $version"

sum=$(sha256sum "$NEW_JAR" | cut -c1-12)
new_target=releases/lane-controller-$sum.jar
old_target=$(readlink "$LANE_JAR_LINK")
if [ "$old_target" = "$new_target" ]; then
  say "$new_target is already in use; nothing to do"
  exit 0
fi
install -o 0 -g 0 -m 0644 "$NEW_JAR" "$LANE_HOME_DIR/$new_target"

# Symlinks are switched by rename, so the service never sees a missing jar.
point() {
  ln -sfn "$2" "$1.new"
  mv -Tf "$1.new" "$1"
}

wait_healthy() {
  local url deadline
  url=$(health_url "$LANE_CONFIG_FILE")
  deadline=$((SECONDS + TIMEOUT_S))
  while [ $SECONDS -lt $deadline ]; do
    if systemctl is-active --quiet "$LANE_SERVICE" && lane_loop_healthy "$url"; then
      return 0
    fi
    sleep 1
  done
  return 1
}

point "$LANE_PREVIOUS_LINK" "$old_target"
point "$LANE_JAR_LINK" "$new_target"
point "$LANE_ARCHIVE_LINK" "${new_target%.jar}.jsa"
say "switched to $new_target (previous: $old_target); restarting"
# --no-block: the unit is Type=notify, and a plain restart would wait for a READY a bad release never
# sends (up to TimeoutStartSec=120) before our own --timeout even starts counting.
systemctl restart --no-block "$LANE_SERVICE" || warn "systemctl restart failed; waiting for health anyway"
if wait_healthy; then
  # Keep the release in use and the previous one; older ones go.
  for jar in "$LANE_RELEASES_DIR"/lane-controller-*.jar; do
    case releases/$(basename "$jar") in
      "$new_target" | "$old_target") ;;
      *) rm -f "$jar" "${jar%.jar}.jsa" ;;
    esac
  done
  say "upgraded: $version is running and healthy"
  # For its next start (a reboot, a restart): made now so that a bad release is rolled back without waiting.
  make_class_archive "$new_target"
  exit 0
fi

warn "$new_target did not become healthy within ${TIMEOUT_S}s: rolling back to $old_target"
point "$LANE_JAR_LINK" "$old_target"
point "$LANE_ARCHIVE_LINK" "${old_target%.jar}.jsa"
systemctl restart --no-block "$LANE_SERVICE" || true
if wait_healthy; then
  say "rolled back: $old_target is running and healthy again ($new_target kept in releases/ for inspection)"
  exit 1
fi
echo "$(basename "$0"): ROLLBACK FAILED: $old_target is not healthy either; see journalctl -u $LANE_SERVICE" >&2
exit 1
