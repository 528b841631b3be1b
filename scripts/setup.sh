#!/usr/bin/env bash
# Sets up everything tabula needs on a fresh Debian machine or Mac (Homebrew), idempotently:
#   0. Node.js 22, 24 or 26 (the supported LTS lines); an older Node gets Node 24 from the npm registry
#   1. Debian packages (macOS: Homebrew formulae): Jupyter (notebooks, report stage, `npm run lab`),
#      promtool/prometheus (monitoring tests), chromium (plot screenshots); kubectl is not in Debian:
#      scripts/ci/install-kubectl.sh installs it
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

if [[ "$(uname -s)" == Darwin ]]; then
  # macOS: Homebrew has what apt installs on Debian. Without Homebrew, say exactly what to install and go on with
  # the npm packages and the kernel (the tests that need a missing tool skip, saying which).
  formulae=(jupyterlab prometheus kubectl)
  casks=(chromium)
  if [[ " $* " == *" --container "* ]]; then formulae+=(podman); fi
  if command -v brew >/dev/null; then
    missing_formulae=()
    for formula in "${formulae[@]}"; do
      brew list --formula "$formula" >/dev/null 2>&1 || missing_formulae+=("$formula")
    done
    if ((${#missing_formulae[@]} > 0)); then
      echo "setup: brew install ${missing_formulae[*]}"
      brew install --quiet "${missing_formulae[@]}"
    fi
    for cask in "${casks[@]}"; do
      if ! brew list --cask "$cask" >/dev/null 2>&1; then
        echo "setup: brew install --cask $cask"
        brew install --quiet --cask --no-quarantine "$cask" || echo "setup: could not install $cask; the plot screenshots test will skip" >&2
      fi
    done
  else
    echo "setup: Homebrew is not installed (https://brew.sh); without it, install by hand:" >&2
    echo "setup:   Jupyter (pip install jupyterlab nbconvert), Prometheus's promtool, kubectl, Chromium" >&2
    echo "setup: continuing with the npm packages; tests needing a missing tool will skip and say so" >&2
  fi
else
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
fi

# Reinstalled when the lock or the Node version changes (native packages are per Node version).
lock_hash="$( (sha256sum package-lock.json 2>/dev/null || shasum -a 256 package-lock.json) | cut -d' ' -f1) $(node --version)"
stamp=node_modules/.tabula-installed
if [[ ! -f "$stamp" || "$(cat "$stamp")" != "$lock_hash" ]]; then
  echo "setup: npm ci"
  # Older npm versions ignore package.json's allowScripts; this keeps onnxruntime-node from downloading CUDA.
  ONNXRUNTIME_NODE_INSTALL=skip npm ci --no-audit --no-fund
  echo "$lock_hash" >"$stamp"
fi

# This checkout's kernel "tabula" (absolute node and tslab paths, like a virtualenv's ipykernel): every Jupyter front
# end (nbconvert, JupyterLab, VS Code) starts it whatever its PATH. Rerun after moving the checkout or changing Node.
if command -v jupyter >/dev/null; then
  node --import tsx scripts/install-kernel.ts
else
  echo "setup: no jupyter on PATH: the notebook kernel is not registered (npm run kernel, once Jupyter is installed)" >&2
fi
echo "setup: ready"
