#!/usr/bin/env bash
# CI: points tabula at the team remote when the repository has its secrets (README "Sharing with a team"), as the
# git-ignored local config of the checkout, and writes `enabled=true` to $GITHUB_OUTPUT for the pull, repro --pull
# and push steps. Without the secrets (a fork's pull request, a repository with no bucket yet) it says so and exits 0:
# the pipeline then runs on the Actions cache alone.
#
# env: AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY (checked here, used by the SDK in the later steps), REMOTE_URL
#      (s3://bucket/prefix), optional ENDPOINT (MinIO, R2, ...) and REGION; TABULA_CLI overrides the command.
# usage: bash scripts/ci/team-remote.sh   (in the directory holding pipeline.yaml)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
read -r -a tabula <<<"${TABULA_CLI:-node $root/bin/tabula.js}"
missing=()
for name in AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY REMOTE_URL; do
  [ -n "${!name:-}" ] || missing+=("$name")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "team remote: skipped, ${missing[*]} not set (repository secrets; a fork's run has none)"
  exit 0
fi
"${tabula[@]}" remote add ci "$REMOTE_URL" --default --local --force
[ -z "${ENDPOINT:-}" ] || "${tabula[@]}" remote modify ci endpoint "$ENDPOINT" --local
[ -z "${REGION:-}" ] || "${tabula[@]}" remote modify ci region "$REGION" --local
echo "enabled=true" >>"${GITHUB_OUTPUT:-/dev/null}"
echo "team remote: $REMOTE_URL"
