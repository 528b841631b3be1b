#!/usr/bin/env bash
# Installs kubectl (with its built-in kustomize) from the Kubernetes release site, checked against its published
# sha256, for CI runners and containers that lack it (Debian has no kubectl package). Linux and macOS, x64 and arm64.
# usage: bash scripts/ci/install-kubectl.sh [DIR]   (default /usr/local/bin; KUBECTL_VERSION overrides the version)
set -euo pipefail
version=${KUBECTL_VERSION:-v1.34.2}
dir=${1:-/usr/local/bin}
if command -v kubectl >/dev/null && kubectl version --client >/dev/null 2>&1; then
  echo "install-kubectl: $(command -v kubectl) is there already"
  exit 0
fi
case "$(uname -s)" in Linux) os=linux ;; Darwin) os=darwin ;; *) echo "install-kubectl: unsupported OS $(uname -s)" >&2; exit 1 ;; esac
case "$(uname -m)" in x86_64 | amd64) arch=amd64 ;; aarch64 | arm64) arch=arm64 ;; *) echo "install-kubectl: unsupported CPU $(uname -m)" >&2; exit 1 ;; esac
url="https://dl.k8s.io/release/$version/bin/$os/$arch/kubectl"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
curl -fsSL -o "$tmp/kubectl" "$url"
expected=$(curl -fsSL "$url.sha256")
actual=$( (sha256sum "$tmp/kubectl" 2>/dev/null || shasum -a 256 "$tmp/kubectl") | cut -d' ' -f1)
if [[ "$expected" != "$actual" ]]; then
  echo "install-kubectl: $url: sha256 $actual, expected $expected" >&2
  exit 1
fi
sudo=()
if [[ ! -w "$dir" ]] && command -v sudo >/dev/null; then sudo=(sudo); fi
"${sudo[@]}" install -m 0755 "$tmp/kubectl" "$dir/kubectl"
echo "install-kubectl: kubectl $version → $dir/kubectl"
