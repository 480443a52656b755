#!/usr/bin/env bash
# Brings up the dev stack on a local kind cluster: creates the cluster if it does not exist, installs the project's
# dependencies, selects (or creates) the `dev` stack with local state, and runs `pulumi up`.
set -euo pipefail
cd "$(dirname "$0")/.."

# Pulumi.dev.yaml targets the context kind-dataops, so the cluster name is fixed.
CLUSTER=dataops
for tool in node npm pulumi kind kubectl docker; do
    command -v "$tool" >/dev/null || { echo "dev-up: '$tool' is not installed (see README, Quick start)" >&2; exit 1; }
done

if ! kind get clusters 2>/dev/null | grep -qx "$CLUSTER"; then
    kind create cluster --name "$CLUSTER" --config scripts/kind-config.yaml
fi
kubectl config use-context "kind-$CLUSTER" >/dev/null

npm ci --no-audit --no-fund
# Pulumi.yaml points the project at this file backend; it must exist before the first login.
mkdir -p "$HOME/.pulumi-dataops"
pulumi stack select dev --create
pulumi up --stack dev "$@"
