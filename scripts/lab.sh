#!/usr/bin/env bash
# `npm run lab`: Jupyter Notebook on notebooks/ with the tslab TypeScript kernel, on 127.0.0.1 only.
# npm puts node_modules/.bin on PATH, so the kernel runs the project's tslab. scripts/setup.sh installs the rest.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v jupyter-notebook >/dev/null; then
  echo "lab: Jupyter Notebook is not installed; run: bash scripts/setup.sh (Debian package jupyter-notebook)" >&2
  exit 1
fi
if ! jupyter kernelspec list 2>/dev/null | grep -q '^ *tslab '; then
  echo "lab: the tslab Jupyter kernel is not installed; run: bash scripts/setup.sh" >&2
  exit 1
fi
root=()
# Jupyter refuses to start as root unless told to (containers, CI machines).
if [[ $(id -u) -eq 0 ]]; then root=(--allow-root); fi
exec jupyter notebook --notebook-dir=notebooks --ip=127.0.0.1 "${root[@]}" "$@"
