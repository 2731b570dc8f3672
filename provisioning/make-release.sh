#!/usr/bin/env bash
# Packs a release for technicians: the jar with its SHA-256 (and an Ed25519 signature when a
# release key is given), the provisioning scripts, the systemd units and the docs, as one tarball.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib.sh
. "$HERE/lib.sh"

usage() {
  cat <<USAGE
Usage: $(basename "$0") --out DIR [--jar FILE] [--sign-key FILE]

Writes DIR/lane-controller-VERSION.tar.gz (and the folder it packs): lane-controller.jar,
lane-controller.jar.sha256, lane-controller.jar.sig (with --sign-key), provisioning/, systemd/,
docs/, config/examples/ (one lane config per reader kind). On the device: tar xzf it, then provisioning/install.sh (docs/install.md).

  --out DIR        where to write the release
  --jar FILE       the jar (default: controller/target/lane-controller.jar; build it with mvn -B package)
  --sign-key FILE  the release signing key (Ed25519 private key, PEM); its public half goes to the
                   devices with provision.sh --release-key
  --help           this text
USAGE
}

OUT=""; SIGN_KEY=""; REPO=$(cd "$HERE/.." && pwd); JAR=$REPO/controller/target/lane-controller.jar
while [ $# -gt 0 ]; do
  case $1 in
    --help | -h) usage; exit 0 ;;
    --out) need_value "$@"; OUT=$2; shift 2 ;;
    --jar) need_value "$@"; JAR=$2; shift 2 ;;
    --sign-key) need_value "$@"; SIGN_KEY=$2; shift 2 ;;
    *) die "unknown argument: $1 (see --help)" ;;
  esac
done
[ -n "$OUT" ] || die "missing --out DIR (see --help)"
[ -f "$JAR" ] || die "$JAR does not exist (build it with: mvn -B package)"
[ -z "$SIGN_KEY" ] || [ -r "$SIGN_KEY" ] || die "$SIGN_KEY cannot be read"
require_command java "Java 17 is needed to read the jar's version"

version=$(java -jar "$JAR" --version | sed -n 's/^lane-controller //p')
[[ $version =~ ^[A-Za-z0-9._-]{1,64}$ ]] || die "$JAR does not say its version (java -jar $JAR --version)"
name=lane-controller-$version
dir=$OUT/$name
rm -rf "$dir"
mkdir -p "$dir/provisioning" "$dir/systemd" "$dir/docs" "$dir/config/examples"
cp "$JAR" "$dir/lane-controller.jar"
(cd "$dir" && sha256sum lane-controller.jar >lane-controller.jar.sha256)
if [ -n "$SIGN_KEY" ]; then
  openssl pkeyutl -sign -inkey "$SIGN_KEY" -rawin -in "$dir/lane-controller.jar" -out "$dir/lane-controller.jar.sig" \
    || die "signing with $SIGN_KEY failed (an Ed25519 private key, PEM)"
fi
cp "$HERE"/install.sh "$HERE"/provision.sh "$HERE"/upgrade.sh "$HERE"/decommission.sh "$HERE"/lib.sh "$HERE"/lane.yaml.template \
  "$dir/provisioning/"
cp "$REPO"/systemd/* "$dir/systemd/"
cp "$REPO"/docs/*.md "$dir/docs/"
cp "$REPO"/config/examples/* "$dir/config/examples/"
tar -czf "$OUT/$name.tar.gz" -C "$OUT" "$name"
say "wrote $OUT/$name.tar.gz ($(cut -c1-16 "$dir/lane-controller.jar.sha256")…${SIGN_KEY:+, signed})"
