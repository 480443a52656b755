// scripts/dev-up.sh checks every prerequisite before it changes anything, and names each missing one with how to get it.
import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ROOT } from "./harness";

/** Runs dev-up.sh with only the given commands on PATH: stubs that log their arguments and exit with the given status. */
function devUp(tools: Record<string, number>, nodeVersion = "v24.21.0"): { status: number | null; stderr: string; ran: string[] } {
    const bin = fs.mkdtempSync(path.join(os.tmpdir(), "devup-"));
    const log = path.join(bin, "ran.log");
    for (const tool of ["dirname", "grep", "sort", "mkdir"]) {
        const real = spawnSync("bash", ["-c", `command -v ${tool}`], { encoding: "utf8" }).stdout.trim();
        if (real.startsWith("/")) {
            fs.symlinkSync(real, path.join(bin, tool));
        }
    }
    for (const [tool, status] of Object.entries(tools)) {
        const version = tool === "node" ? `[ "$1" = --version ] && { echo ${nodeVersion}; exit 0; }\n` : "";
        fs.writeFileSync(path.join(bin, tool), `#!/bin/bash\n${version}echo "${tool} $*" >> ${log}\nexit ${status}\n`, { mode: 0o755 });
    }
    const r = spawnSync("/bin/bash", [path.join(ROOT, "scripts", "dev-up.sh")], { encoding: "utf8", env: { PATH: bin, HOME: bin } });
    const ran = fs.existsSync(log) ? fs.readFileSync(log, "utf8").trim().split("\n") : [];
    fs.rmSync(bin, { recursive: true });
    return { status: r.status, stderr: r.stderr, ran };
}

describe("dev-up.sh prerequisites", () => {
    it("lists every missing tool and a stopped Docker daemon at once, with how to install each, and changes nothing", () => {
        const r = devUp({ node: 0, npm: 0, docker: 1 });
        assert.strictEqual(r.status, 1);
        assert.deepStrictEqual(r.stderr.split("\n").filter(Boolean), [
            "dev-up: 4 prerequisite(s) missing; nothing was changed:",
            "  - pulumi: curl -fsSL https://get.pulumi.com | sh (or brew install pulumi/tap/pulumi)",
            "  - kind: go install sigs.k8s.io/kind@latest, brew install kind, or a release binary from https://kind.sigs.k8s.io",
            "  - kubectl: https://kubernetes.io/docs/tasks/tools/ (or brew install kubectl)",
            "  - a running Docker daemon: start Docker Desktop, or sudo systemctl start docker (and add yourself to the docker group)",
        ]);
        assert.deepStrictEqual(r.ran, ["docker info"]);
    });

    it("refuses a Node.js older than the dependencies accept", () => {
        const all = { node: 0, npm: 0, pulumi: 0, kind: 0, kubectl: 0, docker: 0 };
        const r = devUp(all, "v22.8.1");
        assert.strictEqual(r.status, 1);
        assert.strictEqual(
            r.stderr,
            "dev-up: 1 prerequisite(s) missing; nothing was changed:\n  - node 22.9.0 or later: found v22.8.1; install a current LTS (22, 24 or 26)\n",
        );
        assert.strictEqual(devUp(all, "v22.9.0").status, 0);
    });

    it("with everything present, creates the cluster, installs and deploys the dev stack", () => {
        const r = devUp({ node: 0, npm: 0, pulumi: 0, kind: 0, kubectl: 0, docker: 0 });
        assert.strictEqual(r.status, 0, r.stderr);
        assert.deepStrictEqual(r.ran, [
            "docker info",
            "kind get clusters",
            "kind create cluster --name dataops --config scripts/kind-config.yaml",
            "kubectl config use-context kind-dataops",
            "npm ci --no-audit --no-fund",
            "pulumi stack select dev --create",
            "pulumi up --stack dev",
        ]);
    });
});
