#!/usr/bin/env bash
# Runs a command in a private mount namespace where the lane's folders (/opt/lane-controller,
# /etc/lane-controller, /var/lib/lane-controller) are those of a tree laid out by install.sh --root:
# the installed paths, as-is, without touching the host's. Needs root (unshare).
# Usage: lane-ns.sh ROOT COMMAND [ARG...]
set -euo pipefail
[ $# -ge 2 ] || { echo "usage: $0 ROOT COMMAND [ARG...]" >&2; exit 2; }
root=$1
shift
for dir in /opt/lane-controller /etc/lane-controller /var/lib/lane-controller; do
  [ -d "$root$dir" ] || { echo "$0: $root$dir is missing (install.sh --root $root first)" >&2; exit 2; }
  # The mount points; empty, and left empty on the host.
  mkdir -p "$dir"
done
# shellcheck disable=SC2016 # expanded by the inner bash
exec unshare --mount --propagation private -- bash -c '
  set -e
  root=$1; shift
  for dir in /opt/lane-controller /etc/lane-controller /var/lib/lane-controller; do
    mount --bind "$root$dir" "$dir"
  done
  exec "$@"' lane-ns "$root" "$@"
