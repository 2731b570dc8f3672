#!/usr/bin/env bash
# Gives one installed device its identity: lane id, site, broker, keys and certificates, config.
# docs/install.md.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib.sh
. "$HERE/lib.sh"

usage() {
  cat <<USAGE
Usage: $(basename "$0") --lane ID --site ID --broker ssl://HOST[:PORT] [options]

Provisions this lane controller (after install.sh): generates the lane's TLS key and a certificate
signing request, or installs the certificate central signed; installs central's CA and signing
keys; writes $LANE_CONFIG_FILE; runs check-config; prints what is still missing. Run it again
with what was missing (the key is kept). Secrets are written root:$LANE_USER 0640 and never printed.

  --lane ID              this lane's id (lower-case letters, digits, '-'; 1-32)
  --site ID              the site's id (same form)
  --broker URL           central's MQTT broker, ssl://HOST[:PORT]
  --ca FILE              the CA (PEM) that signed the broker's and the lanes' certificates
  --cert FILE            this lane's certificate (PEM), signed from tls/lane.csr
  --list-key ID=FILE     a key central signs clearance lists with (Ed25519 public key, PEM); repeatable
  --command-key ID=FILE  a key central signs commands with; repeatable
  --release-key FILE     the key releases are signed with (Ed25519 public key, PEM), for upgrade.sh
  --programs LIST        accepted programs, comma-separated (default NEXUS)
  --health-host ADDR     where /health, /metrics and the lane monitor listen (default 127.0.0.1); any
                         address but loopback needs the technician's credential
  --health-port PORT     (default 9107)
  --technician-password-file FILE
                         the technician's password for the lane monitor (first line, 12-256
                         characters); kept only as a PBKDF2 hash in the config (docs/monitor.md)
  --root DIR             provision a staging tree laid out by install.sh --root DIR
  --help                 this text

Exit status: 0 provisioned and check-config passes; 1 something is still missing (printed);
2 bad input.
USAGE
}

ID_PATTERN='^[a-z0-9-]{1,32}$'
KEY_ID_PATTERN='^[A-Za-z0-9._-]{1,64}$'
LANE=""; SITE=""; BROKER=""; CA=""; CERT=""; RELEASE_KEY=""; PROGRAMS=NEXUS
HEALTH_HOST=127.0.0.1; HEALTH_PORT=9107
# What was asked on this run (a config already there keeps everything else).
ASKED_PROGRAMS=""; ASKED_HEALTH_HOST=""; ASKED_HEALTH_PORT=""; PASSWORD_FILE=""
LIST_KEYS=(); COMMAND_KEYS=()
while [ $# -gt 0 ]; do
  case $1 in
    --help | -h) usage; exit 0 ;;
    --lane) need_value "$@"; LANE=$2; shift 2 ;;
    --site) need_value "$@"; SITE=$2; shift 2 ;;
    --broker) need_value "$@"; BROKER=$2; shift 2 ;;
    --ca) need_value "$@"; CA=$2; shift 2 ;;
    --cert) need_value "$@"; CERT=$2; shift 2 ;;
    --list-key) need_value "$@"; LIST_KEYS+=("$2"); shift 2 ;;
    --command-key) need_value "$@"; COMMAND_KEYS+=("$2"); shift 2 ;;
    --release-key) need_value "$@"; RELEASE_KEY=$2; shift 2 ;;
    --programs) need_value "$@"; PROGRAMS=$2; ASKED_PROGRAMS=$2; shift 2 ;;
    --health-host) need_value "$@"; HEALTH_HOST=$2; ASKED_HEALTH_HOST=$2; shift 2 ;;
    --health-port) need_value "$@"; HEALTH_PORT=$2; ASKED_HEALTH_PORT=$2; shift 2 ;;
    --technician-password-file) need_value "$@"; PASSWORD_FILE=$2; shift 2 ;;
    --root) need_value "$@"; set_root "$2"; shift 2 ;;
    *) die "unknown argument: $1 (see --help)" ;;
  esac
done

[ -n "$LANE" ] || die "missing --lane ID (see --help)"
[ -n "$SITE" ] || die "missing --site ID (see --help)"
[ -n "$BROKER" ] || die "missing --broker ssl://HOST[:PORT] (see --help)"
[[ $LANE =~ $ID_PATTERN ]] || die "--lane '$LANE': lower-case letters, digits and '-', 1-32"
[[ $SITE =~ $ID_PATTERN ]] || die "--site '$SITE': lower-case letters, digits and '-', 1-32"
[[ $BROKER =~ ^ssl://[A-Za-z0-9.-]+(:[0-9]{1,5})?$ ]] || die "--broker '$BROKER': ssl://HOST[:PORT] (lanes talk to central over TLS only)"
[[ $PROGRAMS =~ ^[A-Z0-9_]{1,32}(,[A-Z0-9_]{1,32}){0,15}$ ]] || die "--programs '$PROGRAMS': upper-case names, comma-separated"
if ! [[ $HEALTH_PORT =~ ^[0-9]{1,5}$ ]] || [ "$HEALTH_PORT" -gt 65535 ]; then
  die "--health-port '$HEALTH_PORT': 0-65535"
fi
[[ $HEALTH_HOST =~ ^[A-Za-z0-9.:-]{1,253}$ ]] || die "--health-host '$HEALTH_HOST': an address"
for file in "$CA" "$CERT" "$RELEASE_KEY" "$PASSWORD_FILE"; do
  [ -z "$file" ] || [ -r "$file" ] || die "$file cannot be read"
done

require_root
require_platform
require_command openssl "install it with: apt-get install openssl"
require_command java "run install.sh first"
JAR=$ROOT$LANE_JAR_LINK
CFG=$ROOT$LANE_CONFIG_DIR
[ -e "$JAR" ] || die "the lane controller is not installed under ${ROOT:-/}: run install.sh${ROOT:+ --root $ROOT} first"
# The technician's credential: the password goes to the jar on stdin and is kept nowhere; only its
# hash reaches the config (through the environment, not awk's command line, which ps shows).
LANE_TECHNICIAN_CREDENTIAL=""
if [ -n "$PASSWORD_FILE" ]; then
  LANE_TECHNICIAN_CREDENTIAL=$(head -n 1 "$PASSWORD_FILE" | java -jar "$JAR" technician-credential) \
    || die "--technician-password-file $PASSWORD_FILE: not a usable password (above)"
fi
export LANE_TECHNICIAN_CREDENTIAL
[ -d "$CFG" ] || die "$CFG is missing: run install.sh${ROOT:+ --root $ROOT} first"
gid=$(lane_gid)

# Secrets and what they are checked against: root writes, the service's group reads, nobody else.
umask 077
install -d -o 0 -g "$gid" -m 0750 "$CFG/tls" "$CFG/keys"
protect() {
  chown 0:"$gid" "$1"
  chmod 0640 "$1"
}

# Public keys: Ed25519 only (what the daemon verifies lists, commands and releases with).
install_public_key() {
  local spec=$1 id file
  id=${spec%%=*}
  file=${spec#*=}
  [ "$id" != "$spec" ] || die "'$spec': ID=FILE"
  [[ $id =~ $KEY_ID_PATTERN ]] || die "key id '$id': letters, digits, '.', '_', '-'"
  [ -r "$file" ] || die "$file cannot be read"
  openssl pkey -pubin -in "$file" -noout -text 2>/dev/null | grep -q '^ED25519 Public-Key' \
    || die "$file is not an Ed25519 public key (PEM)"
  install -o 0 -g "$gid" -m 0640 "$file" "$CFG/keys/$id.pub"
  echo "$id"
}
key_map() {
  local first=1 id
  for id in "$@"; do
    [ $first -eq 1 ] || printf ', '
    printf '%s: keys/%s.pub' "$id" "$id"
    first=0
  done
}
list_ids=(); command_ids=()
for spec in "${LIST_KEYS[@]}"; do list_ids+=("$(install_public_key "$spec")"); done
for spec in "${COMMAND_KEYS[@]}"; do command_ids+=("$(install_public_key "$spec")"); done
# Keys named in the config by an earlier run stay (a run that adds the certificate keeps them).
earlier_ids() {
  [ -f "$CFG/lane.yaml" ] || return 0
  sed -n "s/^    $1: {\(.*\)}/\1/p" "$CFG/lane.yaml" | grep -oE '[A-Za-z0-9._-]+: keys/' | sed 's/: keys\///'
}
merge_ids() {
  { printf '%s\n' "${@:2}"; earlier_ids "$1"; } | awk 'NF && !seen[$0]++'
}
mapfile -t list_ids < <(merge_ids lists "${list_ids[@]}")
mapfile -t command_ids < <(merge_ids commands "${command_ids[@]}")
for id in "${list_ids[@]}" "${command_ids[@]}"; do
  [ -s "$CFG/keys/$id.pub" ] || die "key $id is named in the config but $LANE_CONFIG_DIR/keys/$id.pub is missing: give it again"
done
if [ -n "$RELEASE_KEY" ]; then
  openssl pkey -pubin -in "$RELEASE_KEY" -noout -text 2>/dev/null | grep -q '^ED25519 Public-Key' \
    || die "$RELEASE_KEY is not an Ed25519 public key (PEM)"
  install -o 0 -g "$gid" -m 0640 "$RELEASE_KEY" "$CFG/keys/release.pub"
fi

# The lane's TLS identity: an EC P-256 key made here, never leaving the device.
if [ ! -s "$CFG/tls/lane.key" ]; then
  openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$CFG/tls/lane.key" 2>/dev/null
  protect "$CFG/tls/lane.key"
  say "generated the lane's private key $LANE_CONFIG_DIR/tls/lane.key"
fi
subject="/O=lane-controller/OU=$SITE/CN=$SITE-$LANE"
if [ ! -s "$CFG/tls/lane.csr" ] || ! openssl req -in "$CFG/tls/lane.csr" -noout -subject 2>/dev/null | grep -qF "CN = $SITE-$LANE"; then
  openssl req -new -key "$CFG/tls/lane.key" -subj "$subject" -out "$CFG/tls/lane.csr" 2>/dev/null
  protect "$CFG/tls/lane.csr"
fi
if [ -n "$CA" ]; then
  openssl x509 -in "$CA" -noout 2>/dev/null || die "$CA is not a PEM certificate"
  install -o 0 -g "$gid" -m 0640 "$CA" "$CFG/tls/ca.pem"
fi
if [ -n "$CERT" ]; then
  openssl x509 -in "$CERT" -noout 2>/dev/null || die "$CERT is not a PEM certificate"
  cert_key=$(openssl x509 -in "$CERT" -noout -pubkey)
  own_key=$(openssl pkey -in "$CFG/tls/lane.key" -pubout)
  [ "$cert_key" = "$own_key" ] || die "$CERT is not for this device's key: have central sign $LANE_CONFIG_DIR/tls/lane.csr"
  if [ -s "$CFG/tls/ca.pem" ]; then
    openssl verify -CAfile "$CFG/tls/ca.pem" "$CERT" >/dev/null 2>&1 || die "$CERT was not signed by the CA in tls/ca.pem"
  fi
  install -o 0 -g "$gid" -m 0640 "$CERT" "$CFG/tls/lane.pem"
fi

# The config. A first run writes it from the template. A later run changes in the config already
# there only what provision.sh manages (lane id, site, broker, key ids; programs and the health
# address when asked), so the technician's hardware, reader, camera and timings stay; a config not
# laid out as the template's is written afresh from it, with a warning. The one replaced is kept
# as lane.yaml.previous.
new_config=$(mktemp "$CFG/.lane.yaml.XXXXXX")
from_template() {
  sed -e "s|@LANE@|$LANE|g" -e "s|@SITE@|$SITE|g" -e "s|@BROKER@|$BROKER|g" -e "s|@PROGRAMS@|${PROGRAMS//,/, }|g" \
    -e "s|@HEALTH_HOST@|$HEALTH_HOST|g" -e "s|@HEALTH_PORT@|$HEALTH_PORT|g" \
    -e "s|@LIST_KEYS@|$(key_map "${list_ids[@]}")|" -e "s|@COMMAND_KEYS@|$(key_map "${command_ids[@]}")|" \
    "$HERE/lane.yaml.template"
}
# Block-style YAML as the template writes it: a top-level key, two-space keys under it, four under central.keys.
update_config() {
  awk -v lane="$LANE" -v site="$SITE" -v broker="$BROKER" -v programs="${ASKED_PROGRAMS//,/, }" \
    -v lists="$(key_map "${list_ids[@]}")" -v commands="$(key_map "${command_ids[@]}")" \
    -v hhost="$ASKED_HEALTH_HOST" -v hport="$ASKED_HEALTH_PORT" '
    BEGIN { cred = ENVIRON["LANE_TECHNICIAN_CREDENTIAL"] }
    /^[A-Za-z]/ { top = $0; sub(/:.*/, "", top); second = "" }
    /^  [A-Za-z]/ { second = $0; sub(/^  /, "", second); sub(/:.*/, "", second) }
    top == "lane" && /^  id:/ { print "  id: " lane; done["lane.id"] = 1; next }
    top == "programs" && /^  accepted:/ && programs != "" { print "  accepted: [" programs "]"; done["programs"] = 1; next }
    top == "central" && /^  broker:/ { print "  broker: " broker; done["broker"] = 1; next }
    top == "central" && /^  site:/ { print "  site: " site; done["site"] = 1; next }
    top == "central" && second == "keys" && /^    lists:/ { print "    lists: {" lists "}"; done["lists"] = 1; next }
    top == "central" && second == "keys" && /^    commands:/ { print "    commands: {" commands "}"; done["commands"] = 1; next }
    top == "health" && /^  host:/ && hhost != "" { print "  host: " hhost; done["hhost"] = 1; next }
    top == "health" && /^  technicianCredential:/ && cred != "" { next }
    top == "health" && /^  port:/ {
      if (hport != "") { print "  port: " hport; done["hport"] = 1 } else print
      if (cred != "") { print "  technicianCredential: \047" cred "\047"; done["cred"] = 1 }
      next
    }
    { print }
    END {
      split("lane.id broker site lists commands", needed, " ")
      for (i in needed) if (!done[needed[i]]) exit 3
      if ((programs != "" && !done["programs"]) || (hhost != "" && !done["hhost"]) || (hport != "" && !done["hport"])) exit 3
      if (cred != "" && !done["cred"]) exit 3
    }' "$CFG/lane.yaml"
}
if [ -f "$CFG/lane.yaml" ] && update_config >"$new_config"; then
  :
else
  [ -f "$CFG/lane.yaml" ] && warn "$LANE_CONFIG_FILE is not laid out as provision.sh writes it: written afresh from the template (your edits are in lane.yaml.previous)"
  from_template >"$new_config"
  if [ -n "$LANE_TECHNICIAN_CREDENTIAL" ]; then
    printf "  technicianCredential: '%s'\n" "$LANE_TECHNICIAN_CREDENTIAL" >>"$new_config" # health is the template's last section
  fi
fi
protect "$new_config"
if [ -f "$CFG/lane.yaml" ] && ! cmp -s "$new_config" "$CFG/lane.yaml"; then
  cp -p "$CFG/lane.yaml" "$CFG/lane.yaml.previous"
fi
mv -f "$new_config" "$CFG/lane.yaml"
say "wrote $LANE_CONFIG_FILE for lane $LANE at site $SITE, broker $BROKER"

missing=()
[ -s "$CFG/tls/ca.pem" ] || missing+=("central's CA: --ca FILE")
[ -s "$CFG/tls/lane.pem" ] || missing+=("the lane's certificate: have central's CA sign $LANE_CONFIG_DIR/tls/lane.csr (subject $subject), then --cert FILE")
[ ${#list_ids[@]} -gt 0 ] || missing+=("central's list signing key: --list-key ID=FILE (until then every list from central is refused)")
[ ${#command_ids[@]} -gt 0 ] || missing+=("central's command signing key: --command-key ID=FILE (until then every command is refused)")
health_host=$(awk '/^[A-Za-z]/ { top = $0 } top ~ /^health:/ && /^  host:/ { print $2 }' "$CFG/lane.yaml")
case $health_host in
  127.*|localhost|::1|"") ;;
  *) grep -q '^  technicianCredential:' "$CFG/lane.yaml" \
       || missing+=("the technician's credential: --technician-password-file FILE (the lane monitor on $health_host needs a login)") ;;
esac
[ -s "$CFG/keys/release.pub" ] || say "note: no --release-key: upgrade.sh will check releases by their published checksum only"
if [ ${#missing[@]} -gt 0 ]; then
  say "still missing:"
  printf '  - %s\n' "${missing[@]}"
  say "run $(basename "$0") again with them (the key and what is installed are kept)"
  exit 1
fi
if ! java -jar "$JAR" check-config "$CFG/lane.yaml"; then
  say "check-config found problems (above); fix them and run $(basename "$0") again"
  exit 1
fi
say "provisioned. Start the lane with: systemctl enable --now $LANE_SERVICE"
