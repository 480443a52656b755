// The offline plan's reviewer views: argument parsing, the diff of two plan JSONs, the Mermaid diagram and isolation
// matrix (on a hand-built isolation report), and the markdown, isolation and diff views of the dev stack end to end.
import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import type { IsolationReport } from "../scripts/isolation";
import { main, parseArgs, pathSegments, planJson, planRows, PlanRow, redact, render } from "../scripts/plan";
import { changedPaths, diffPlans, formatDiffMarkdown, formatDiffText } from "../scripts/plan-diff";
import { formatIsolationText, isolationMatrix, mermaidDiagram, releasesOf } from "../scripts/plan-markdown";
import { ciMatrix } from "../scripts/plan-matrix";
import { ROOT, Run, runStack, stackFileConfig } from "./harness";

function row(type: string, name: string, inputs: Record<string, unknown>, extra: Partial<PlanRow> = {}): PlanRow {
    return { type, name, parent: "", namespace: "", provider: "", dependsOn: [], protect: false, ignoreChanges: [], secretInputs: [], inputs, ...extra };
}

const RELEASE = "kubernetes:helm.sh/v3:Release";

describe("plan: arguments", () => {
    it("parses stack, format, diff, isolation and matrix flags", () => {
        assert.deepStrictEqual(parseArgs([]), { stack: "dev", format: "table", isolation: false, matrix: false });
        assert.deepStrictEqual(parseArgs(["--stack", "prod-aws", "--format", "markdown"]), { stack: "prod-aws", format: "markdown", isolation: false, matrix: false });
        assert.deepStrictEqual(parseArgs(["-s", "dev", "--json", "--diff=base.json"]), { stack: "dev", format: "json", diff: "base.json", isolation: false, matrix: false });
        assert.deepStrictEqual(parseArgs(["--isolation"]), { stack: "dev", format: "table", isolation: true, matrix: false });
        assert.deepStrictEqual(parseArgs(["--matrix", "--environment", "prod"]), { stack: "dev", format: "table", isolation: false, matrix: true, environment: "prod" });
    });

    it("rejects unknown flags, unknown formats and missing values", () => {
        assert.throws(() => parseArgs(["--formt", "json"]), /^Error: unknown argument --formt; usage: npm run plan/);
        assert.throws(() => parseArgs(["--format", "html"]), /^Error: --format must be one of table, markdown, json;/);
        assert.throws(() => parseArgs(["--diff"]), /^Error: --diff needs a value;/);
        assert.throws(() => parseArgs(["--stack", "--json"]), /^Error: --stack needs a value;/);
    });
});

describe("plan: diff of two plans", () => {
    const base = planJson("prod-aws", [
        row(RELEASE, "airflow", { chart: "airflow", version: "1.22.0", values: { executor: "KubernetesExecutor", workers: { replicas: 2 } } }),
        row(RELEASE, "grafana", { chart: "grafana", version: "12.11.1" }),
        row("kubernetes:core/v1:Namespace", "old", { metadata: { name: "old" } }),
        row("kubernetes:core/v1:Namespace", "kafka", { metadata: { name: "kafka" } }, { dependsOn: ["a", "b"] }),
    ]);
    const current = planJson("prod-aws", [
        row(RELEASE, "airflow", { chart: "airflow", version: "1.23.0", values: { executor: "CeleryExecutor", workers: { replicas: 2 } } }),
        row(RELEASE, "grafana", { chart: "grafana", version: "12.11.1" }, { protect: true }),
        row("kubernetes:core/v1:Namespace", "kafka", { metadata: { name: "kafka" } }, { dependsOn: ["b", "a"] }),
        row("kubernetes:core/v1:Namespace", "new", { metadata: { name: "new", labels: { a: "b" } } }),
    ]);

    it("finds changed leaf paths in objects and arrays", () => {
        assert.deepStrictEqual(changedPaths({ a: { b: 1, c: [1, 2] }, d: 1 }, { a: { b: 2, c: [1, 3, 4] }, e: 1 }), ["a.b", "a.c[1]", "a.c[2]", "d", "e"]);
        assert.deepStrictEqual(changedPaths({ a: [{ x: 1 }] }, { a: [{ x: 1 }] }), []);
    });

    it("lists added, removed and changed resources; a chart bump is `version` of that Release", () => {
        assert.deepStrictEqual(diffPlans(base, current), {
            added: [{ type: "kubernetes:core/v1:Namespace", name: "new" }],
            removed: [{ type: "kubernetes:core/v1:Namespace", name: "old" }],
            changed: [
                { type: RELEASE, name: "airflow", paths: ["values.executor", "version"] },
                { type: RELEASE, name: "grafana", paths: ["opts.protect"] },
            ],
            unchanged: 1,
        });
    });

    it("prints the diff as text and as markdown", () => {
        const d = diffPlans(base, current);
        assert.strictEqual(
            formatDiffText(d, "Plan diff"),
            [
                "Plan diff",
                "+ kubernetes:core/v1:Namespace::new",
                "- kubernetes:core/v1:Namespace::old",
                "~ kubernetes:helm.sh/v3:Release::airflow: values.executor, version",
                "~ kubernetes:helm.sh/v3:Release::grafana: opts.protect",
                "1 added, 1 removed, 2 changed, 1 unchanged.",
            ].join("\n"),
        );
        assert.strictEqual(
            formatDiffMarkdown(d, "Plan diff"),
            [
                "### Plan diff",
                "",
                "- ➕ added `kubernetes:core/v1:Namespace::new`",
                "- ➖ removed `kubernetes:core/v1:Namespace::old`",
                "- ✏️ changed `kubernetes:helm.sh/v3:Release::airflow`: `values.executor`, `version`",
                "- ✏️ changed `kubernetes:helm.sh/v3:Release::grafana`: `opts.protect`",
                "",
                "1 added, 1 removed, 2 changed, 1 unchanged.",
            ].join("\n"),
        );
    });
});

const REPORT: IsolationReport = {
    namespaces: ["airflow", "kafka", "monitoring"],
    flows: [
        { from: "airflow", to: "kafka", port: 9092, protocol: "TCP" },
        { from: "airflow", to: "kafka", port: 9093, protocol: "TCP" },
        { from: "monitoring", to: "kafka", port: 9404, protocol: "TCP" },
        { from: "kafka", to: "kafka", port: "any", protocol: "TCP" },
        { from: "airflow", to: "kube-dns", port: 53, protocol: "UDP" },
    ],
    teams: [{ team: "analytics", group: "analytics-devs", namespace: "airflow", role: "edit" }],
    kafka: [{ team: "analytics", user: "team-analytics", topics: ["analytics.orders (6x3)"], acls: ["allow Read,Write on topic analytics.*"] }],
};

describe("plan: diagram and isolation views", () => {
    const releases = releasesOf([
        row(RELEASE, "airflow", { chart: "airflow", version: "1.22.0", namespace: "airflow" }),
        row(RELEASE, "strimzi", { chart: "oci://quay.io/strimzi-helm/strimzi-kafka-operator", version: "1.2.0", namespace: "kafka" }),
    ]);

    it("draws the cluster, its namespaces with their releases, and the flows between namespaces", () => {
        assert.strictEqual(
            mermaidDiagram({ kind: "Eks", cloud: "aws", name: "dataops-prod" }, REPORT.namespaces, releases, REPORT.flows),
            [
                "flowchart LR",
                '    subgraph cluster["Eks cluster dataops-prod (aws)"]',
                '        subgraph ns_airflow["namespace airflow"]',
                '            rel_airflow["airflow: airflow 1.22.0"]',
                "        end",
                '        subgraph ns_kafka["namespace kafka"]',
                '            rel_strimzi["strimzi: strimzi-kafka-operator 1.2.0"]',
                "        end",
                '        subgraph ns_monitoring["namespace monitoring"]',
                '            empty_monitoring["no release"]',
                "        end",
                "    end",
                '    ext_kube_dns(["kube-dns"])',
                '    ns_airflow -->|"TCP 9092, TCP 9093"| ns_kafka',
                '    ns_monitoring -->|"TCP 9404"| ns_kafka',
                '    ns_airflow -->|"UDP 53"| ext_kube_dns',
            ].join("\n"),
        );
    });

    it("builds the isolation matrix with same-namespace flows and denied pairs", () => {
        assert.deepStrictEqual(isolationMatrix(REPORT), {
            headers: ["from \\ to", "airflow", "kafka", "monitoring", "kube-dns"],
            rows: [
                ["airflow", "-", "TCP 9092, TCP 9093", "-", "UDP 53"],
                ["kafka", "-", "TCP any", "-", "-"],
                ["monitoring", "-", "TCP 9404", "-", "-"],
                ["kube-dns", "-", "-", "-", "-"],
            ],
        });
    });

    it("prints the isolation report as text", () => {
        assert.strictEqual(
            formatIsolationText(REPORT),
            [
                "Namespaces: airflow, kafka, monitoring",
                "",
                "Allowed flows (rows: from, columns: to):",
                "from \\ to   airflow  kafka               monitoring  kube-dns",
                "----------  -------  ------------------  ----------  --------",
                "airflow     -        TCP 9092, TCP 9093  -           UDP 53",
                "kafka       -        TCP any             -           -",
                "monitoring  -        TCP 9404            -           -",
                "kube-dns    -        -                   -           -",
                "",
                "Team access:",
                "TEAM       GROUP           NAMESPACE  ROLE",
                "---------  --------------  ---------  ----",
                "analytics  analytics-devs  airflow    edit",
                "",
                "Kafka access (topics as partitions x replicas):",
                "TEAM       USER            TOPICS                  ACLS",
                "---------  --------------  ----------------------  -------------------------------------",
                "analytics  team-analytics  analytics.orders (6x3)  allow Read,Write on topic analytics.*",
            ].join("\n"),
        );
    });
});

describe("plan: the dev stack end to end", () => {
    let run: Run;
    let tmp: string;
    before(async () => {
        run = await runStack("dev");
        tmp = fs.mkdtempSync(path.join(os.tmpdir(), "plan-"));
    });
    after(() => fs.rmSync(tmp, { recursive: true }));

    const opts = { stack: "dev", format: "markdown" as const, isolation: false, matrix: false };

    it("renders the markdown view: summary, diagram, isolation matrix, teams, policies, then the resource table", async () => {
        assert.strictEqual(run.error, undefined);
        const md = await render(opts, run);
        const headings = md.split("\n").filter((l) => l.startsWith("#"));
        assert.deepStrictEqual(headings, ["## Offline plan: `dev`", "### Platform", "### Isolation matrix", "### Team access", "### Kafka access", "### Policy pack", "### Resources", "### Front door"]);
        const mermaid = md.slice(md.indexOf("```mermaid\n") + 11, md.indexOf("\n```\n"));
        assert.strictEqual(mermaid.split("\n").slice(0, 2).join("\n"), 'flowchart LR\n    subgraph cluster["Local cluster kind-dataops (local)"]');
        for (const r of releasesOf(planRows(run))) {
            assert.ok(mermaid.includes(`["${r.name}: ${r.chart.split("/").pop()} ${r.version}"]`), r.name);
        }
        assert.ok(md.includes("All policies pass. Applied: `helm-release-pinned`"));
        assert.ok(md.includes("### Kafka access\n\nNo team has Kafka access.\n"));
        assert.ok(md.includes(`| dataops:cluster:Local | cluster |  |  |`));
    });

    it("reports a changed chart version against a saved plan as `version` of that Release", async () => {
        const saved = JSON.parse(await render({ ...opts, format: "json" }, run));
        const release = saved.resources.find((r: PlanRow) => r.type === RELEASE);
        assert.ok(release, "the dev stack has Helm releases");
        release.inputs.version = "0.0.1";
        const file = path.join(tmp, "base.json");
        fs.writeFileSync(file, JSON.stringify(saved));
        const text = await render({ ...opts, format: "table", diff: file }, run);
        assert.deepStrictEqual(text.split("\n").slice(1, -1), [`~ ${RELEASE}::${release.name}: version`]);
        assert.strictEqual(text.split("\n").pop(), `0 added, 0 removed, 1 changed, ${saved.resources.length - 1} unchanged.`);
    });

    it("renders the isolation view as markdown when asked for markdown", async () => {
        const md = await render({ ...opts, isolation: true }, run);
        assert.deepStrictEqual(md.split("\n").filter((l) => l.startsWith("#")), ["## Isolation: `dev`", "### Isolation matrix", "### Team access", "### Kafka access"]);
        assert.ok(md.includes("| from \\ to |"), md);
        assert.ok(md.includes("No team has Kafka access."), md);
    });

    it("rejects a diff base that is not a plan", async () => {
        const file = path.join(tmp, "not-a-plan.json");
        fs.writeFileSync(file, "{}");
        await assert.rejects(render({ ...opts, diff: file }, run), /is not a plan JSON \(make one with: npm run -s plan -- --stack <name> --json > /);
    });
});

describe("plan: --matrix", () => {
    it("prints the CI matrix as one line of JSON", async () => {
        const lines: string[] = [];
        const log = console.log;
        console.log = (s: string) => lines.push(s);
        try {
            assert.strictEqual(await main(["--matrix", "--environment", "prod"]), 0);
        } finally {
            console.log = log;
        }
        assert.deepStrictEqual(lines, [JSON.stringify(ciMatrix("prod"))]);
    });
});

describe("plan redaction", () => {
    it("redacts secret inputs at object and list paths", () => {
        const inputs = { stringData: { password: "hunter2" }, spec: { containers: [{ env: [{ name: "A", value: "plain" }, { name: "B", value: "hunter2" }] }] } };
        assert.deepStrictEqual(redact(inputs, ["stringData", "spec.containers[0].env[1].value"]), {
            stringData: "[secret]",
            spec: { containers: [{ env: [{ name: "A", value: "plain" }, { name: "B", value: "[secret]" }] }] },
        });
        assert.deepStrictEqual(pathSegments("a.b[10].c"), ["a", "b", 10, "c"]);
        assert.deepStrictEqual(redact({ x: 1 }, [""]), { value: "[secret]" });
    });
});

describe("plan: output through a pipe", () => {
    it("writes the whole --json plan of the largest stack (prod-aws, over 300 kB) before it exits", function () {
        this.timeout(240_000);
        // The reader starts late, so a process that exits before stdout is flushed loses all but the pipe's 64 KiB.
        const plan = `"${process.execPath}" -r ts-node/register/transpile-only scripts/plan.ts --stack prod-aws --json`;
        const r = spawnSync("bash", ["-c", `set -o pipefail; ${plan} | (sleep 2; cat)`], { cwd: ROOT, encoding: "utf8", maxBuffer: 64 << 20 });
        assert.strictEqual(r.status, 0, r.stderr);
        assert.ok(r.stdout.length > 300_000, `${r.stdout.length} characters`);
        const parsed = JSON.parse(r.stdout);
        assert.strictEqual(parsed.stack, "prod-aws");
        assert.ok(parsed.resources.length > 100);
    });
});

describe("plan: stack file errors", () => {
    it("names the stack file whose YAML does not parse", () => {
        const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "yaml-"));
        fs.copyFileSync(path.join(ROOT, "Pulumi.yaml"), path.join(tmp, "Pulumi.yaml"));
        fs.writeFileSync(path.join(tmp, "Pulumi.broken.yaml"), "config:\n  dataops:cloud: local\n   dataops:profile: dev\n");
        assert.throws(() => stackFileConfig("broken", tmp), (e: Error) => /Pulumi\.broken\.yaml is not valid YAML: .*at line 2, column 18/s.test(e.message));
        fs.rmSync(tmp, { recursive: true });
    });
});
