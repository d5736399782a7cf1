#!/usr/bin/env bash
# Validates Kubernetes manifests against the API schemas of one Kubernetes version, offline:
# kubernetes-validate (PyPI) ships the schemas, so nothing is fetched at validation time.
# The venv is created on first use under the cache folder and reused.
#
#   bash scripts/deploy/validate-manifests.sh                  deploy/kubernetes/*.yaml
#   bash scripts/deploy/validate-manifests.sh FILE...          those files
#
# Strict: unknown fields fail too (a misspelt probe would otherwise be silently ignored).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

KUBERNETES_VERSION="${KUBERNETES_VERSION:-1.37.0}"
requirements=scripts/deploy/requirements.txt
cache="${DELAYED_ACTION_CACHE:-$HOME/.cache/delayed-action}"
venv="$cache/kubernetes-validate-$(sha256sum "$requirements" | cut -c1-12)"

if [ ! -e "$venv/.complete" ]; then
  echo "validate-manifests: installing kubernetes-validate into $venv" >&2
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$requirements"
  touch "$venv/.complete"
fi

if [ "$#" -eq 0 ]; then set -- deploy/kubernetes/*.yaml; fi
exec "$venv/bin/kubernetes-validate" --strict --quiet --kubernetes-version "$KUBERNETES_VERSION" "$@"
