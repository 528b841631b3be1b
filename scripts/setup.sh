#!/usr/bin/env bash
# Sets up everything tabula needs on a fresh Debian machine, idempotently:
#   0. Node.js 22, 24 or 26 (the supported LTS lines); an older Node gets Node 24 from the npm registry
#   1. Debian packages: Jupyter (notebooks, report stage, `npm run lab`), promtool/prometheus (monitoring tests),
#      chromium (plot screenshots)
#   2. npm packages (npm ci, skipped when package-lock.json has not changed since the last install)
#   3. this checkout's Jupyter kernel "tabula" (tslab)
# usage: bash scripts/setup.sh [--baselines] [--container]   (--baselines adds scikit-learn, XGBoost, Optuna, FastAPI
#        for bench/; --container adds podman, runc and debootstrap for test/deploy/container.test.ts)
set -euo pipefail
cd "$(dirname "$0")/.."

# Node.js: tabula supports the LTS lines 22, 24 and 26 (package.json's engines). A machine whose Node is older (20
# reached end of life in April 2026) gets Node 24 from the npm registry, the one place every npm user reaches:
# package node-<os>-<cpu> holds the official binary and headers.
node_version=24.22.3
node_major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if ((node_major < 22)); then
  if ! command -v npm >/dev/null; then
    echo "setup: tabula needs Node.js 22, 24 or 26 with npm; install one (https://nodejs.org) and run this again" >&2
    exit 1
  fi
  if [[ $(id -u) -ne 0 ]]; then
    echo "setup: Node $(node --version 2>/dev/null || echo '(none)') is too old: tabula needs Node.js 22, 24 or 26." >&2
    echo "setup: install one (for example: nvm install 24), or run this script as root to install Node $node_version" >&2
    echo "setup: into /usr/local from the npm registry." >&2
    exit 1
  fi
  platform=$(node -p 'process.platform + "-" + process.arch')
  echo "setup: Node $(node --version) is end-of-life; installing Node $node_version (npm package node-$platform)"
  node_tmp=$(mktemp -d)
  (cd "$node_tmp" && npm pack --silent "node-$platform@$node_version" >/dev/null)
  node_home=/usr/local/lib/nodejs/node-v$node_version
  rm -rf "$node_home"
  mkdir -p "$node_home"
  tar -xzf "$node_tmp"/node-*.tgz -C "$node_home" --strip-components=1
  rm -rf "$node_tmp"
  ln -sf "$node_home/bin/node" /usr/local/bin/node
  hash -r
  if [[ "$(node --version)" != "v$node_version" ]]; then
    echo "setup: installed Node $node_version as /usr/local/bin/node, but \`node\` on PATH is $(command -v node)" >&2
    echo "setup: ($(node --version)); put /usr/local/bin before $(dirname "$(command -v node)") on PATH" >&2
    exit 1
  fi
fi

packages=(jupyter-nbconvert jupyter-client jupyter-notebook python3-ipykernel python3-nbclient python3-nbformat prometheus
  chromium sqlite3)
if [[ " $* " == *" --baselines "* ]]; then
  packages+=(python3-sklearn python3-pandas python3-xgboost python3-optuna python3-fastapi python3-uvicorn uvicorn
    python3-uvloop python3-httptools python3-joblib python3-pydantic wrk hyperfine)
fi
if [[ " $* " == *" --container "* ]]; then
  packages+=(podman runc debootstrap uidmap)
fi

missing=()
for package in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done
if ((${#missing[@]} > 0)); then
  if ! command -v apt-get >/dev/null; then
    echo "setup: these Debian packages are missing and this machine has no apt-get: ${missing[*]}" >&2
    echo "setup: install their equivalents by hand, then run this script again." >&2
    exit 1
  fi
  sudo=()
  if [[ $(id -u) -ne 0 ]]; then
    if command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
      sudo=(sudo)
    else
      echo "setup: need root to install Debian packages: ${missing[*]}" >&2
      echo "setup: run as root, or: sudo apt-get install -y ${missing[*]}" >&2
      exit 1
    fi
  fi
  echo "setup: installing Debian packages: ${missing[*]}"
  "${sudo[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# Reinstalled when the lock or the Node version changes (native packages are per Node version).
lock_hash="$(sha256sum package-lock.json | cut -d' ' -f1) $(node --version)"
stamp=node_modules/.tabula-installed
if [[ ! -f "$stamp" || "$(cat "$stamp")" != "$lock_hash" ]]; then
  echo "setup: npm ci"
  # Older npm versions ignore package.json's allowScripts; this keeps onnxruntime-node from downloading CUDA.
  ONNXRUNTIME_NODE_INSTALL=skip npm ci --no-audit --no-fund
  echo "$lock_hash" >"$stamp"
fi

# This checkout's kernel "tabula" (absolute node and tslab paths, like a virtualenv's ipykernel): every Jupyter front
# end (nbconvert, JupyterLab, VS Code) starts it whatever its PATH. Rerun after moving the checkout or changing Node.
node --import tsx scripts/install-kernel.ts
echo "setup: ready"
