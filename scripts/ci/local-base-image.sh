#!/usr/bin/env bash
# Builds a local stand-in for node:24-slim where Docker Hub is out of reach: a Debian bookworm rootfs from
# debootstrap (Debian's own mirror) plus this machine's Node 24 (node, npm, headers), imported into podman.
# Idempotent: does nothing when the image exists. Prints the image name on stdout.
#
# usage: bash scripts/ci/local-base-image.sh [image]      (default localhost/tabula-node:24-bookworm)
# then:  podman build --build-arg NODE_IMAGE=<image> .
set -euo pipefail
image=${1:-localhost/tabula-node:24-bookworm}
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}

if podman image exists "$image"; then
  echo "$image"
  exit 0
fi
for tool in debootstrap podman node; do
  command -v "$tool" >/dev/null || { echo "local-base-image: $tool is not installed" >&2; exit 1; }
done
node_bin=$(readlink -f "$(command -v node)")
node_prefix=$(dirname "$(dirname "$node_bin")")
if [[ "$("$node_bin" -p 'process.versions.node.split(".")[0]')" != 24 ]]; then
  echo "local-base-image: need Node 24 (bash scripts/setup.sh installs it), found $("$node_bin" --version)" >&2
  exit 1
fi
npm_dir=$(dirname "$(dirname "$(readlink -f "$(command -v npm)")")")
for required in "$node_prefix/include/node/node.h" "$npm_dir/bin/npm-cli.js"; do
  [[ -e "$required" ]] || { echo "local-base-image: missing $required" >&2; exit 1; }
done

rootfs=$(mktemp -d /tmp/tabula-rootfs.XXXXXX)
trap 'rm -rf "$rootfs"' EXIT
echo "local-base-image: debootstrap bookworm (minbase) into $rootfs" >&2
debootstrap --variant=minbase bookworm "$rootfs" "$mirror" >/dev/null

# The same layout as the official node images: everything under /usr/local.
install -d "$rootfs/usr/local/bin" "$rootfs/usr/local/lib/node_modules" "$rootfs/usr/local/include"
install -m 0755 "$node_bin" "$rootfs/usr/local/bin/node"
strip "$rootfs/usr/local/bin/node" 2>/dev/null || true
cp -a "$npm_dir" "$rootfs/usr/local/lib/node_modules/"
cp -a "$node_prefix/include/node" "$rootfs/usr/local/include/"
ln -s ../lib/node_modules/npm/bin/npm-cli.js "$rootfs/usr/local/bin/npm"
ln -s ../lib/node_modules/npm/bin/npx-cli.js "$rootfs/usr/local/bin/npx"
# This machine's trust store, so that npm inside the build reaches the same registry (mirror) as the host.
if [[ -f /etc/ssl/certs/ca-certificates.crt ]]; then
  install -D -m 0644 /etc/ssl/certs/ca-certificates.crt "$rootfs/etc/ssl/certs/ca-certificates.crt"
fi
rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*

tar -C "$rootfs" -c . | podman import \
  --change 'ENV PATH=/usr/local/bin:/usr/local/sbin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change 'ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt' \
  --change 'CMD ["node"]' \
  - "$image" >/dev/null
echo "$image"
