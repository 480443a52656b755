// The GitHub workflows: each validates against the GitHub workflow schema (action-validator ships SchemaStore's schema
// in its wasm build, so no network), and the properties the issue promises are asserted exactly. The CI matrix they
// consume comes from the stack files.
import * as assert from "assert";
import { validateWorkflow } from "@action-validator/core";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse as parseYaml } from "yaml";
import { policies } from "../policy/policies";
import { ciMatrix, environmentOf, ENVIRONMENTS } from "../scripts/plan-matrix";
import { loadConfig } from "../stacks/config";
import { listStacks, ROOT, stackFileConfig } from "./harness";

const DIR = path.join(ROOT, ".github", "workflows");
const read = (f: string) => fs.readFileSync(path.join(DIR, f), "utf8");
const load = (f: string) => parseYaml(read(f)) as Record<string, any>;

interface Step {
    name?: string;
    uses?: string;
    run?: string;
    if?: string;
    with?: Record<string, unknown>;
    env?: Record<string, string>;
}

describe("workflow files", () => {
    it("are exactly pulumi.yml, preview.yml, deploy.yml and e2e.yml", () => {
        assert.deepStrictEqual(fs.readdirSync(DIR).sort(), ["deploy.yml", "e2e.yml", "preview.yml", "pulumi.yml"]);
    });

    for (const file of ["deploy.yml", "preview.yml", "pulumi.yml", "e2e.yml"]) {
        it(`${file} validates against the GitHub workflow schema`, () => {
            const result = validateWorkflow(read(file));
            assert.deepStrictEqual([result.actionType, result.errors], ["workflow", []]);
        });
    }

    it("the validator rejects a misspelt key, a bad permission value and an unknown event (so the checks above are real)", () => {
        const text = read("preview.yml");
        const failing = (broken: string) => validateWorkflow(broken).errors.map((e) => ("path" in e ? `${e.code} ${e.path}` : e.code));
        assert.deepStrictEqual(failing(text.replace("runs-on: ubuntu-latest", "runs_on: ubuntu-latest")), ["one_of /jobs/test"]);
        assert.deepStrictEqual(failing(text.replace("id-token: write", "id-token: writ")), ["one_of /jobs/preview"]);
        assert.deepStrictEqual(failing(text.replace("pull_request:", "pull_requestx:")), ["one_of /on"]);
    });

    it("pin every action to its current major version", () => {
        const uses = new Set<string>();
        for (const file of fs.readdirSync(DIR)) {
            for (const job of Object.values(load(file).jobs) as { steps?: Step[] }[]) {
                for (const s of job.steps ?? []) {
                    if (s.uses) {
                        uses.add(s.uses);
                    }
                }
            }
        }
        assert.deepStrictEqual([...uses].sort(), [
            "actions/checkout@v7",
            "actions/setup-node@v7",
            "actions/upload-artifact@v4",
            "aws-actions/configure-aws-credentials@v6",
            "azure/login@v3",
            "azure/use-kubelogin@v1.3",
            "google-github-actions/auth@v3",
            "google-github-actions/setup-gcloud@v3",
            "helm/kind-action@v1",
            "pulumi/actions@v7",
        ]);
    });

    it("test on the current Node.js LTS lines, the oldest of which satisfies every locked package's engines", () => {
        const versions = new Set<string>();
        for (const file of fs.readdirSync(DIR)) {
            for (const job of Object.values(load(file).jobs) as { strategy?: { matrix?: { node?: number[] } }; steps?: Step[] }[]) {
                for (const s of job.steps ?? []) {
                    const v = s.with?.["node-version"];
                    if (s.uses?.startsWith("actions/setup-node@") && v !== undefined) {
                        (v === "${{ matrix.node }}" ? job.strategy!.matrix!.node! : [v]).forEach((n) => versions.add(String(n)));
                    }
                }
            }
        }
        assert.deepStrictEqual([...versions].sort(), ["22", "24", "26"]);
        const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8"));
        assert.strictEqual(pkg.engines.node, ">=22.9.0");
        // semver comes with npm's and Pulumi's own dependencies; it is the range syntax `engines` uses.
        const semver = require("semver") as { satisfies: (v: string, r: string) => boolean };
        const lock = JSON.parse(fs.readFileSync(path.join(ROOT, "package-lock.json"), "utf8")) as { packages: Record<string, { engines?: { node?: string } }> };
        const refusing = (v: string) =>
            Object.entries(lock.packages)
                .filter(([, p]) => p.engines?.node && !semver.satisfies(v, p.engines.node))
                .map(([name]) => name);
        for (const v of ["22.9.0", "24.0.0", "26.0.0"]) {
            assert.deepStrictEqual(refusing(v), [], v);
        }
        assert.ok(refusing("22.8.0").length > 0, "22.9.0 is the oldest Node the dependencies accept");
    });

    it("hold no long-lived cloud keys: no key inputs and no secrets other than the state passphrase", () => {
        const all = fs.readdirSync(DIR).map(read).join("\n");
        for (const key of ["aws-access-key-id", "aws-secret-access-key", "credentials_json", "creds:", "client-secret", "PULUMI_ACCESS_TOKEN"]) {
            assert.ok(!all.includes(key), key);
        }
        assert.deepStrictEqual([...new Set(all.match(/secrets\.[A-Z_]+/g))], ["secrets.PULUMI_CONFIG_PASSPHRASE"]);
    });
});

describe("e2e.yml (the dev stack on kind, verified live)", () => {
    const wf = load("e2e.yml");
    const steps: Step[] = wf.jobs.kind.steps;
    const named = (name: string) => steps.find((s) => s.name === name) as Step;

    it("runs on pull requests that touch the program, nightly and on demand", () => {
        assert.deepStrictEqual(Object.keys(wf.on), ["pull_request", "schedule", "workflow_dispatch"]);
        assert.ok(["components/**", "stacks/**", "model/**", "scripts/verify/**"].every((p) => wf.on.pull_request.paths.includes(p)));
        assert.deepStrictEqual(wf.on.schedule, [{ cron: "17 3 * * *" }]);
        assert.deepStrictEqual(wf.permissions, { contents: "read" });
    });

    it("creates the kind cluster the dev stack names, deploys with local state, verifies, keeps logs on failure and always destroys", () => {
        const kind = steps.find((s) => s.uses === "helm/kind-action@v1") as Step;
        assert.deepStrictEqual(kind.with, { cluster_name: "dataops", config: "scripts/kind-config.yaml", wait: "300s" });
        assert.strictEqual(stackFileConfig("dev").config["dataops:local"], JSON.stringify({ context: "kind-dataops" }));
        assert.match(wf.jobs.kind.env.PULUMI_BACKEND_URL, /^file:\/\//);
        assert.match(named("pulumi up (dev)").run!, /pulumi up --stack dev --yes/);
        assert.strictEqual(named("verify").run, "npm run -s verify -- --stack dev --timeout 900");
        assert.strictEqual(named("collect logs and events").if, "failure()");
        assert.strictEqual(named("pulumi destroy (always)").if, "always()");
        assert.ok(steps.indexOf(named("pulumi destroy (always)")) === steps.length - 1);
    });
});

describe("e2e.yml: the team it adds to the dev stack", () => {
    it("is a valid dev config with a Kafka topic and its own namespace, so verify's kafka check has a team to run", () => {
        const run = (load("e2e.yml").jobs.kind.steps as Step[]).find((s) => s.name?.startsWith("a team with a Kafka topic"))!.run!;
        const teams: any[] = [];
        for (const [, p, v] of run.matchAll(/pulumi config set --stack dev --path 'dataops:teams(\S+)' (\S+)/g)) {
            // `[0].kafka.topics[0].name` -> walk and create objects and lists along the path.
            const keys = [...p.matchAll(/\[(\d+)\]|\.([A-Za-z]+)/g)].map((m) => (m[1] !== undefined ? Number(m[1]) : m[2]));
            let at: any = teams;
            keys.forEach((k, i) => {
                if (i === keys.length - 1) at[k] = v;
                else at = at[k] ??= typeof keys[i + 1] === "number" ? [] : {};
            });
        }
        const { config } = stackFileConfig("dev");
        const cfg = loadConfig({ ...config, "dataops:teams": JSON.stringify(teams) }, "dev").config;
        assert.deepStrictEqual(
            cfg.teams.map((t) => [t.name, t.role, t.groups, t.ownNamespaces, t.kafka?.topics?.map((x) => x.name)]),
            [["e2e", "edit", ["e2e-team"], ["e2e-jobs"], ["events"]]],
        );
    });
});

describe("pulumi.yml (one stack, one command)", () => {
    const wf = load("pulumi.yml");
    const job = wf.jobs.pulumi;
    const steps: Step[] = job.steps;
    const step = (uses: string) => steps.find((s) => s.uses === uses) as Step;

    it("is a reusable workflow taking stack, cloud, command and environment", () => {
        assert.deepStrictEqual(Object.keys(wf.on), ["workflow_call"]);
        assert.deepStrictEqual(Object.keys(wf.on.workflow_call.inputs), ["stack", "cloud", "command", "environment", "profile"]);
        assert.strictEqual(job.environment, "${{ inputs.environment }}");
    });

    it("runs the Pulumi action with the diff, the PR comment on previews and the policy pack", () => {
        assert.deepStrictEqual(step("pulumi/actions@v7").with, {
            command: "${{ inputs.command }}",
            "stack-name": "${{ inputs.stack }}",
            "cloud-url": "${{ env.PULUMI_BACKEND_URL }}",
            diff: true,
            "comment-on-pr": "${{ inputs.command == 'preview' }}",
            "comment-on-summary": true,
            policyPacks: "policy",
            policyPackConfigs: "policy-config.json",
        });
        // The prod-only policies learn the stack's profile from the matrix, not from its name alone.
        const config = steps.find((s) => s.name === "Policy pack config for the stack's profile")?.run ?? "";
        const rendered = JSON.parse(config.replace(/^echo '/, "").replace(/' > policy-config.json\n$/, "").replace(/\$\{\{ inputs.profile \}\}/g, "prod"));
        assert.deepStrictEqual(Object.keys(rendered), ["cluster-endpoint-restricted", "secrets-encryption", "kafka-replication"]);
        for (const policy of policies.filter((p) => Object.keys(rendered).includes(p.name))) {
            assert.deepStrictEqual(Object.keys(policy.configSchema?.properties ?? {}), ["profile"], policy.name);
        }
        assert.ok(fs.existsSync(path.join(ROOT, "policy", "PulumiPolicy.yaml")));
        assert.deepStrictEqual(
            steps.filter((s) => s.run).map((s) => s.run),
            ["npm ci --no-audit --no-fund", "npm ci --prefix policy --no-audit --no-fund", config],
        );
    });

    it("takes the backend (per cloud, or one for all) and the passphrase from repository settings", () => {
        assert.strictEqual(job.env.PULUMI_BACKEND_URL, "${{ vars[format('PULUMI_BACKEND_URL_{0}', inputs.cloud)] || vars.PULUMI_BACKEND_URL }}");
        // Only the Pulumi step sees the passphrase, not the npm scripts of the checked-out code.
        assert.strictEqual(job.env.PULUMI_CONFIG_PASSPHRASE, undefined);
        assert.deepStrictEqual(step("pulumi/actions@v7").env, { PULUMI_CONFIG_PASSPHRASE: "${{ secrets.PULUMI_CONFIG_PASSPHRASE }}" });
    });

    it("runs where the stack's API endpoint is reachable and is never killed mid-up by a timeout", () => {
        assert.strictEqual(job["runs-on"], "${{ fromJSON(vars.PULUMI_RUNNERS || '{}')[inputs.environment] || 'ubuntu-latest' }}");
        assert.strictEqual(job["timeout-minutes"], undefined);
    });

    it("logs in to each cloud through OIDC only when the stack is on it", () => {
        assert.deepStrictEqual(
            steps.filter((s) => s.if).map((s) => [s.if, s.uses]),
            [
                ["inputs.cloud == 'aws'", "aws-actions/configure-aws-credentials@v6"],
                ["inputs.cloud == 'gcp'", "google-github-actions/auth@v3"],
                ["inputs.cloud == 'gcp'", "google-github-actions/setup-gcloud@v3"],
                ["inputs.cloud == 'azure'", "azure/login@v3"],
                ["inputs.cloud == 'azure'", "azure/use-kubelogin@v1.3"],
            ],
        );
        assert.deepStrictEqual(step("aws-actions/configure-aws-credentials@v6").with, {
            "role-to-assume": "${{ vars.AWS_ROLE_ARN }}",
            "aws-region": "${{ vars.AWS_REGION }}",
            "role-session-name": "dataops-${{ inputs.stack }}-${{ github.run_id }}",
        });
        assert.deepStrictEqual(step("google-github-actions/auth@v3").with, {
            workload_identity_provider: "${{ vars.GCP_WORKLOAD_IDENTITY_PROVIDER }}",
            service_account: "${{ vars.GCP_SERVICE_ACCOUNT }}",
        });
        assert.deepStrictEqual(step("azure/login@v3").with, {
            "client-id": "${{ vars.AZURE_CLIENT_ID }}",
            "tenant-id": "${{ vars.AZURE_TENANT_ID }}",
            "subscription-id": "${{ vars.AZURE_SUBSCRIPTION_ID }}",
        });
        assert.strictEqual(job.env.ARM_USE_OIDC, "${{ inputs.cloud == 'azure' }}");
    });

    it("declares no permissions of its own (the caller's apply)", () => {
        assert.strictEqual(wf.permissions, undefined);
        assert.strictEqual(job.permissions, undefined);
    });
});

describe("preview.yml (pull requests)", () => {
    const wf = load("preview.yml");

    it("runs on pull requests to main with read-only defaults", () => {
        assert.deepStrictEqual(wf.on, { pull_request: { branches: ["main"] } });
        assert.deepStrictEqual(wf.permissions, { contents: "read" });
    });

    it("tests, then writes the offline plan of every stack to the job summary, with no credentials", () => {
        const test = wf.jobs.test;
        assert.strictEqual(test.permissions, undefined);
        const runs = (test.steps as Step[]).filter((s) => s.run).map((s) => s.run);
        assert.deepStrictEqual(runs.slice(0, 2), ["npm ci --no-audit --no-fund", "npm test"]);
        assert.ok(runs[2]?.includes('npm run -s plan -- --stack "${stack%.yaml}" --format markdown >> "$GITHUB_STEP_SUMMARY"'));
        // A failing plan command fails the step instead of producing an empty matrix.
        assert.strictEqual(runs[3], 'stacks=$(npm run -s plan -- --matrix)\necho "stacks=$stacks" >> "$GITHUB_OUTPUT"\n');
    });

    it("previews each cloud stack after the tests, skipping forks, with OIDC and PR-comment permissions", () => {
        const p = wf.jobs.preview;
        assert.deepStrictEqual(p.needs, "test");
        assert.strictEqual(
            p.if,
            "github.event.pull_request.head.repo.full_name == github.repository && github.actor != 'dependabot[bot]' && needs.test.outputs.stacks != '[]'",
        );
        assert.deepStrictEqual(p.strategy, { "fail-fast": false, matrix: { include: "${{ fromJSON(needs.test.outputs.stacks) }}" } });
        assert.deepStrictEqual(p.permissions, { contents: "read", "id-token": "write", "pull-requests": "write" });
        assert.deepStrictEqual(p.concurrency, { group: "preview-${{ matrix.stack }}-${{ github.event.pull_request.number }}", "cancel-in-progress": true });
        assert.strictEqual(p.uses, "./.github/workflows/pulumi.yml");
        assert.deepStrictEqual(p.with, {
            stack: "${{ matrix.stack }}",
            cloud: "${{ matrix.cloud }}",
            command: "preview",
            environment: "preview-${{ matrix.environment }}",
            profile: "${{ matrix.profile }}",
        });
        assert.strictEqual(p.secrets, "inherit");
    });
});

describe("deploy.yml (merges to main)", () => {
    const wf = load("deploy.yml");

    it("runs on pushes to main after the tests, listing the stacks of each environment", () => {
        assert.deepStrictEqual(wf.on, { push: { branches: ["main"] } });
        assert.deepStrictEqual(wf.permissions, { contents: "read" });
        assert.deepStrictEqual(Object.keys(wf.jobs), ["stacks", "dev", "staging", "prod-preview", "prod"]);
        const runs = (wf.jobs.stacks.steps as Step[]).filter((s) => s.run).map((s) => s.run);
        assert.deepStrictEqual(runs.slice(0, 2), ["npm ci --no-audit --no-fund", "npm test"]);
        assert.ok(runs[2]?.includes('stacks=$(npm run -s plan -- --matrix --environment "$env")'));
        assert.deepStrictEqual(Object.keys(wf.jobs.stacks.outputs), [...ENVIRONMENTS]);
    });

    it("deploys dev, then staging, then prod, each stack in its GitHub environment, never cancelling a running up", () => {
        const after = (env: string) => `\${{ !cancelled() && (needs.${env}.result == 'success' || needs.${env}.result == 'skipped') && needs.stacks.outputs.`;
        const expected: Record<string, { needs: unknown; if: string; command: string; environment: string; concurrency: boolean }> = {
            dev: { needs: "stacks", if: "needs.stacks.outputs.dev != '[]'", command: "up", environment: "${{ matrix.environment }}", concurrency: true },
            staging: { needs: ["stacks", "dev"], if: `${after("dev")}staging != '[]' }}`, command: "up", environment: "${{ matrix.environment }}", concurrency: true },
            "prod-preview": {
                needs: ["stacks", "staging"],
                if: `${after("staging")}prod != '[]' }}`,
                command: "preview",
                environment: "preview-${{ matrix.environment }}",
                concurrency: false,
            },
            prod: {
                needs: ["stacks", "prod-preview"],
                if: "${{ !cancelled() && needs.prod-preview.result == 'success' && needs.stacks.outputs.prod != '[]' }}",
                command: "up",
                environment: "${{ matrix.environment }}",
                concurrency: true,
            },
        };
        for (const [name, e] of Object.entries(expected)) {
            const job = wf.jobs[name];
            const env = name === "prod-preview" ? "prod" : name;
            assert.deepStrictEqual(job.needs, e.needs, name);
            assert.strictEqual(job.if, e.if, name);
            assert.deepStrictEqual(job.strategy, { "fail-fast": false, matrix: { include: `\${{ fromJSON(needs.stacks.outputs.${env}) }}` } });
            assert.deepStrictEqual(job.concurrency, e.concurrency ? { group: "deploy-${{ matrix.stack }}", "cancel-in-progress": false } : undefined, name);
            assert.deepStrictEqual(job.permissions, { contents: "read", "id-token": "write" });
            assert.strictEqual(job.uses, "./.github/workflows/pulumi.yml");
            assert.deepStrictEqual(job.with, { stack: "${{ matrix.stack }}", cloud: "${{ matrix.cloud }}", command: e.command, environment: e.environment, profile: "${{ matrix.profile }}" });
            assert.strictEqual(job.secrets, "inherit");
        }
        // Runs never interleave: a newer push waits for the running deploy instead of cancelling it.
        assert.deepStrictEqual(wf.concurrency, { group: "deploy-main", "cancel-in-progress": false });
    });
});

describe("CI matrix from the stack files", () => {
    it("maps stack names to environments by their first word", () => {
        assert.deepStrictEqual(["dev", "dev-aws", "staging-gcp", "prod", "prod-azure", "Prod-eu"].map(environmentOf), ["dev", "dev", "staging", "prod", "prod", "prod"]);
        assert.throws(() => environmentOf("sandbox"), /^Error: stack sandbox: its name must start with one of dev, staging, prod/);
        assert.throws(() => environmentOf("production"), /stack production/);
    });

    it("lists every shipped cloud stack in deploy order, leaving local stacks to the offline plan", () => {
        const fixture = fs.mkdtempSync(path.join(os.tmpdir(), "matrix-"));
        fs.copyFileSync(path.join(ROOT, "Pulumi.yaml"), path.join(fixture, "Pulumi.yaml"));
        const stacks: Record<string, string> = { dev: "local", "prod-gcp": "gcp", "staging-aws": "aws", "dev-azure": "azure", "prod-aws": "aws" };
        for (const [stack, cloud] of Object.entries(stacks)) {
            fs.writeFileSync(path.join(fixture, `Pulumi.${stack}.yaml`), `config:\n  dataops:cloud: ${cloud}\n`);
        }
        assert.deepStrictEqual(ciMatrix(undefined, fixture), [
            { stack: "dev-azure", cloud: "azure", environment: "dev", profile: "dev" },
            { stack: "staging-aws", cloud: "aws", environment: "staging", profile: "dev" },
            { stack: "prod-aws", cloud: "aws", environment: "prod", profile: "prod" },
            { stack: "prod-gcp", cloud: "gcp", environment: "prod", profile: "prod" },
        ]);
        assert.deepStrictEqual(ciMatrix("prod", fixture).map((e) => e.stack), ["prod-aws", "prod-gcp"]);
        assert.deepStrictEqual(ciMatrix("staging", fixture).map((e) => e.stack), ["staging-aws"]);
        fs.rmSync(fixture, { recursive: true });
    });

    it("accepts every shipped stack name and previews every shipped cloud stack", () => {
        const shipped = listStacks();
        assert.doesNotThrow(() => shipped.forEach(environmentOf));
        const cloudStacks = shipped.filter((s) => stackFileConfig(s).config["dataops:cloud"] !== "local");
        assert.ok(cloudStacks.length >= 3);
        assert.deepStrictEqual(ciMatrix().map((e) => e.stack).sort(), cloudStacks.sort());
    });
});
