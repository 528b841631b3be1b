#!/usr/bin/env bash
# Sets up everything tabula needs on a fresh Debian machine, idempotently:
#   1. Debian packages: Jupyter (notebooks, report stage, `npm run lab`), promtool/prometheus (monitoring tests),
#      chromium (plot screenshots)
#   2. npm packages (npm ci, skipped when package-lock.json has not changed since the last install)
#   3. the tslab Jupyter kernel
# usage: bash scripts/setup.sh [--baselines] [--container]   (--baselines adds scikit-learn, XGBoost, Optuna, FastAPI
#        for bench/; --container adds podman, runc and debootstrap for test/deploy/container.test.ts)
set -euo pipefail
cd "$(dirname "$0")/.."

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

lock_hash=$(sha256sum package-lock.json | cut -d' ' -f1)
stamp=node_modules/.tabula-installed
if [[ ! -f "$stamp" || "$(cat "$stamp")" != "$lock_hash" ]]; then
  echo "setup: npm ci"
  # Older npm versions ignore package.json's allowScripts; this keeps onnxruntime-node from downloading CUDA.
  ONNXRUNTIME_NODE_INSTALL=skip npm ci --no-audit --no-fund
  echo "$lock_hash" >"$stamp"
fi

if ! jupyter kernelspec list 2>/dev/null | grep -q '^ *tslab '; then
  echo "setup: installing the tslab Jupyter kernel"
  # Debian's python3 has Jupyter; a python3 earlier on PATH (pyenv) may not. The kernel runs `tslab` from PATH:
  # npm scripts and tabula's stage runner put node_modules/.bin there.
  npx tslab install --python=/usr/bin/python3 >/dev/null
fi
echo "setup: ready"
