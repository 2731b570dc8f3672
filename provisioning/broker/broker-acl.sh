#!/usr/bin/env bash
# Prints Mosquitto ACL blocks for central's broker: one for each of central's own clients and one
# for each lane, each named by its certificate's CN (use_identity_as_username). A lane may publish
# only on its own topics and read only its own commands and the lists; only central publishes
# commands and lists. See provisioning/broker/README.md.
set -euo pipefail

usage() {
  cat <<'USAGE'
Usage: broker-acl.sh [--root lc/v1] [--central CN]... SITE/LANE...

  --root ROOT    the topic root (central.topicRoot in the lanes' config), default lc/v1
  --central CN   a client of central's (the CN of its certificate): may read and write everything
  SITE/LANE      a lane, e.g. poe-01/lane-03; its certificate's CN is SITE-LANE (as provision.sh makes it)

Example: broker-acl.sh --central central-ops poe-01/lane-01 poe-01/lane-02 > /etc/mosquitto/lanes/acl
USAGE
}

die() {
  echo "broker-acl.sh: error: $*" >&2
  exit 2
}

root=lc/v1
centrals=()
lanes=()
while [ $# -gt 0 ]; do
  case "$1" in
    --root) [ $# -ge 2 ] || die "--root needs a value"; root=$2; shift 2 ;;
    --central) [ $# -ge 2 ] || die "--central needs a value"; centrals+=("$2"); shift 2 ;;
    -h|--help) usage; exit 0 ;;
    -*) die "unknown option $1 (see --help)" ;;
    *) lanes+=("$1"); shift ;;
  esac
done
[ ${#centrals[@]} -gt 0 ] || [ ${#lanes[@]} -gt 0 ] || { usage >&2; exit 2; }
# The same rules as the lane's config: a topic root of 1-4 levels, ids of lower-case letters, digits and '-'.
[[ $root =~ ^[a-z0-9-]+(/[a-z0-9-]+){0,3}$ ]] || die "--root '$root': 1-4 levels of lower-case letters, digits, '-'"

echo "# Mosquitto ACL for lane controllers (made by broker-acl.sh; clients are named by their certificate's CN)."
for cn in "${centrals[@]}"; do
  [[ $cn =~ ^[A-Za-z0-9._-]{1,64}$ ]] || die "--central '$cn': letters, digits, '.', '_', '-', 1-64 long"
  printf '\nuser %s\ntopic readwrite %s/#\n' "$cn" "$root"
done
for lane in "${lanes[@]}"; do
  [[ $lane =~ ^([a-z0-9][a-z0-9-]{0,31})/([a-z0-9][a-z0-9-]{0,31})$ ]] || die "'$lane': SITE/LANE, each lower-case letters, digits, '-'"
  site=${BASH_REMATCH[1]}
  id=${BASH_REMATCH[2]}
  printf '\nuser %s-%s\n' "$site" "$id"
  for topic in events alerts status replies requests; do
    printf 'topic write %s/%s/%s/%s\n' "$root" "$site" "$id" "$topic"
  done
  printf 'topic read %s/%s/%s/commands\n' "$root" "$site" "$id"
  printf 'topic read %s/lists/#\n' "$root"
done
