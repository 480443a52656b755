#!/usr/bin/env bash
# Brings up the dev stack on a local kind cluster: checks every prerequisite first (and names all that are missing),
# creates the cluster if it does not exist, installs the project's dependencies, selects (or creates) the `dev` stack
# with local state, and runs `pulumi up`.
set -euo pipefail
cd "$(dirname "$0")/.."

# Pulumi.dev.yaml targets the context kind-dataops, so the cluster name is fixed.
CLUSTER=dataops
# The oldest Node.js the dependencies accept (package.json "engines").
NODE_MIN=22.9.0

missing=()
need() {
    command -v "$1" >/dev/null 2>&1 || missing+=("$1: $2")
}
need node "install Node.js ${NODE_MIN} or later (an LTS line: 22, 24 or 26) from https://nodejs.org or with nvm/fnm"
need npm "comes with Node.js; reinstall Node.js"
need pulumi "curl -fsSL https://get.pulumi.com | sh (or brew install pulumi/tap/pulumi)"
need kind "go install sigs.k8s.io/kind@latest, brew install kind, or a release binary from https://kind.sigs.k8s.io"
need kubectl "https://kubernetes.io/docs/tasks/tools/ (or brew install kubectl)"
need docker "Docker Engine or Docker Desktop: https://docs.docker.com/get-docker/"
if command -v node >/dev/null 2>&1; then
    found=$(node --version)
    printf '%s\n' "$NODE_MIN" "${found#v}" | sort -V -C ||
        missing+=("node ${NODE_MIN} or later: found ${found}; install a current LTS (22, 24 or 26)")
fi
# kind runs the cluster's nodes as containers: the daemon must be running, not just the docker command installed.
if command -v docker >/dev/null 2>&1 && ! docker info >/dev/null 2>&1; then
    missing+=("a running Docker daemon: start Docker Desktop, or sudo systemctl start docker (and add yourself to the docker group)")
fi
if [ "${#missing[@]}" -gt 0 ]; then
    echo "dev-up: ${#missing[@]} prerequisite(s) missing; nothing was changed:" >&2
    printf '  - %s\n' "${missing[@]}" >&2
    exit 1
fi

if ! kind get clusters 2>/dev/null | grep -qx "$CLUSTER"; then
    kind create cluster --name "$CLUSTER" --config scripts/kind-config.yaml
fi
kubectl config use-context "kind-$CLUSTER" >/dev/null

npm ci --no-audit --no-fund
# Pulumi.yaml points the project at this file backend; it must exist before the first login.
mkdir -p "$HOME/.pulumi-dataops"
pulumi stack select dev --create
pulumi up --stack dev "$@"
