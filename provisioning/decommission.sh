#!/usr/bin/env bash
# Takes a lane out of service: stops it, checks central has every event, wipes its identity,
# journal and lists, and leaves the device ready to provision again. docs/install.md.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib.sh
. "$HERE/lib.sh"

usage() {
  cat <<USAGE
Usage: $(basename "$0") --yes [--force]

Stops the lane controller, checks that central has acknowledged every event in the journal, then
deletes the lane's keys, certificates, config, journal and clearance lists. The installation
(the jar, the service, the user) stays: provision.sh makes it a lane again.

  --yes     do it (there is no undo)
  --force   wipe even though central has not acknowledged every event: those events are lost
  --help    this text

Exit status: 0 wiped; 1 refused because events are not yet delivered (the service is started
again to deliver them); 2 bad input.
USAGE
}

CONFIRMED=0; FORCE=0
while [ $# -gt 0 ]; do
  case $1 in
    --help | -h) usage; exit 0 ;;
    --yes) CONFIRMED=1; shift ;;
    --force) FORCE=1; shift ;;
    *) die "unknown argument: $1 (see --help)" ;;
  esac
done
[ $CONFIRMED -eq 1 ] || die "missing --yes: this deletes the lane's keys, journal and lists (see --help)"

require_root
require_platform
require_command java "run install.sh first"
[ -L "$LANE_JAR_LINK" ] || die "$LANE_JAR_LINK is missing: nothing is installed here"

was_active=0
systemctl is-active --quiet "$LANE_SERVICE" && was_active=1
systemctl stop "$LANE_SERVICE" || true

if [ -f "$LANE_DB_FILE" ]; then
  if backlog=$(java -jar "$LANE_JAR_LINK" journal backlog --db "$LANE_DB_FILE" 2>&1); then
    say "$backlog"
  elif [ $FORCE -eq 1 ]; then
    warn "$backlog"
    warn "--force: these events are deleted without reaching central"
  else
    echo "$(basename "$0"): refused: $backlog" >&2
    echo "  let the lane deliver them (it is started again now), check with:" >&2
    echo "    java -jar $LANE_JAR_LINK journal backlog --db $LANE_DB_FILE" >&2
    echo "  or wipe anyway with --force (the events are lost)" >&2
    [ $was_active -eq 1 ] && systemctl start "$LANE_SERVICE"
    exit 1
  fi
fi

# SD cards remap blocks, so overwriting in place proves nothing; the files are deleted and
# central revokes the lane's certificate (docs/install.md).
rm -rf "${LANE_STATE_DIR:?}"/* "${LANE_STATE_DIR:?}"/.[!.]* 2>/dev/null || true
rm -rf "${LANE_CONFIG_DIR:?}/tls" "${LANE_CONFIG_DIR:?}/keys"
rm -f "$LANE_CONFIG_FILE" "$LANE_CONFIG_DIR"/lane.yaml.previous "$LANE_CONFIG_DIR"/.lane.yaml.*
say "wiped: keys, certificates, config, journal and lists. Ask central to revoke the lane's certificate."
say "the device is ready to provision again: $LANE_HOME_DIR/provisioning/provision.sh --help"
