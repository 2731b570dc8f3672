#!/usr/bin/env bash
# Runs the installed service's ExecStart line as-is, as the service user, with the unit's
# Environment= and UMask= (what systemd would do, less the sandbox). Meant to run inside lane-ns.sh.
# Usage: run-execstart.sh UNIT_FILE PASSWD_FILE GROUP_FILE
set -euo pipefail
unit=$1 passwd=$2 group=$3
exec_start=$(sed -n 's/^ExecStart=//p' "$unit")
[ -n "$exec_start" ] || { echo "$0: no ExecStart in $unit" >&2; exit 2; }
user=$(sed -n 's/^User=//p' "$unit")
uid=$(awk -F: -v u="$user" '$1 == u { print $3 }' "$passwd")
gid=$(awk -F: -v u="$user" '$1 == u { print $4 }' "$passwd")
groups=$(awk -F: -v u="$user" '{ n = split($4, members, ","); for (i = 1; i <= n; i++) if (members[i] == u) print $3 }' "$group" | paste -sd, -)
while IFS= read -r assignment; do
  export "${assignment?}"
done < <(sed -n 's/^Environment=//p' "$unit")
umask "$(sed -n 's/^UMask=//p' "$unit")"
# The unit's ExecStart has no quoting: word splitting gives its arguments as systemd would.
# shellcheck disable=SC2086
exec setpriv --reuid="$uid" --regid="$gid" --groups="${groups:-$gid}" -- $exec_start
