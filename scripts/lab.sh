#!/usr/bin/env bash
# `npm run lab`: Jupyter Notebook on notebooks/ with the tslab TypeScript kernel, on 127.0.0.1 only.
# The notebooks use this checkout's kernel "tabula", which scripts/setup.sh registers (scripts/install-kernel.ts).
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v jupyter-notebook >/dev/null; then
  echo "lab: Jupyter Notebook is not installed; run: bash scripts/setup.sh (Debian package jupyter-notebook)" >&2
  exit 1
fi
if ! jupyter kernelspec list 2>/dev/null | grep -q '^ *tabula '; then
  echo "lab: the tabula Jupyter kernel is not registered; run: npm run kernel (or bash scripts/setup.sh)" >&2
  exit 1
fi
root=()
# Jupyter refuses to start as root unless told to (containers, CI machines).
if [[ $(id -u) -eq 0 ]]; then root=(--allow-root); fi
exec jupyter notebook --notebook-dir=notebooks --ip=127.0.0.1 "${root[@]}" "$@"
