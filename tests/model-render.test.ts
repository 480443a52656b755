// Rendering with real helm: finding helm, the chart cache and its digests, the exact `helm template` call, and the
// rendered model of every shipped stack (all five releases, their namespaces, and every object against its schema).
import * as assert from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { buildModel, crdApiVersions, modelFromRun, OPTIONAL_CHARTS, stackModel } from "../model";
import { readTgz } from "../model/archive";
import { chartCacheDir, ChartNotFound, CHART_DIGESTS, contentDigest, pinnedCharts, resolveChart, verifyChart } from "../model/charts";
import { directObjects, typeToKind } from "../model/direct";
import { findHelm, HelmNotFound } from "../model/helm";
import { maskSecrets, parseManifests, SECRET_PLACEHOLDER, templateArgs } from "../model/render";
import { validateObject } from "../model/schema";
import { main } from "../scripts/plan";
import { diffRendered, formatRenderedDiff, RenderedSummary, renderedSummary } from "../scripts/plan-render";
import { CHARTS, NAMESPACES } from "../stacks/catalog";
import { KARPENTER_NAMESPACE } from "../components/cluster/eks/karpenter";
import { listStacks, ROOT, runIndexFresh, stackFileConfig } from "./harness";

const made: string[] = [];

/** A scratch folder, removed when the file's tests are done. */
function tmp(): string {
    made.push(fs.mkdtempSync(path.join(os.tmpdir(), "dataops-render-test-")));
    return made[made.length - 1];
}

after(() => made.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

/** A tiny chart packaged by real helm, so the archive code is tested on what helm writes. */
function packageChart(dir: string, name: string, version: string, files: Record<string, string>): string {
    const src = path.join(dir, "src", name);
    fs.mkdirSync(path.join(src, "templates"), { recursive: true });
    fs.writeFileSync(path.join(src, "Chart.yaml"), `apiVersion: v2\nname: ${name}\nversion: ${version}\n`);
    for (const [f, text] of Object.entries(files)) {
        fs.writeFileSync(path.join(src, f), text);
    }
    execFileSync(findHelm(ROOT).path, ["package", src, "--destination", dir], { stdio: "ignore" });
    return path.join(dir, `${name}-${version}.tgz`);
}

describe("rendering: helm and the chart cache", () => {
    it("refuses a helm that does not run, or is not helm 3, and says how to get one", () => {
        const dir = tmp();
        const fake = path.join(dir, "helm");
        fs.writeFileSync(fake, "#!/bin/sh\necho v4.0.0+g1234567\n", { mode: 0o755 });
        assert.throws(
            () => findHelm(dir, { HELM: fake, PATH: "" }),
            (e: Error) =>
                e instanceof HelmNotFound &&
                e.message.startsWith(`helm from HELM (${fake}) is v4.0.0+g1234567; the renderer needs helm 3 (Pulumi embeds helm 3): install helm 3`),
        );
        assert.throws(() => findHelm(dir, { HELM: path.join(dir, "missing"), PATH: "" }), /^Error: helm from HELM \(.*missing\) does not run; install helm 3/);
        assert.throws(
            () => findHelm(dir, { PATH: "" }),
            (e: Error) =>
                e.message ===
                "no helm found ($HELM unset, none on PATH, none in .tools/); install helm 3 (https://helm.sh/docs/intro/install/) and put it on PATH or set " +
                    "HELM=/path/to/helm; on linux x86-64, `npm run charts` installs the pinned helm v3.17.2 into .tools/",
        );
    });

    it("reads helm's archives and digests their contents, not their bytes", () => {
        const dir = tmp();
        const first = packageChart(path.join(dir, "a"), "demo", "0.1.0", { "values.yaml": "x: 1\n", "templates/cm.yaml": "kind: ConfigMap\n" });
        const bytes = fs.readFileSync(first);
        fs.utimesSync(path.join(dir, "a", "src", "demo", "values.yaml"), new Date(0), new Date(0));
        const second = packageChart(path.join(dir, "b"), "demo", "0.1.0", { "values.yaml": "x: 1\n", "templates/cm.yaml": "kind: ConfigMap\n" });
        assert.deepStrictEqual(readTgz(bytes).map((e) => e.path).sort(), ["demo/Chart.yaml", "demo/templates/cm.yaml", "demo/values.yaml"]);
        assert.strictEqual(readTgz(bytes).find((e) => e.path === "demo/values.yaml")!.data.toString(), "x: 1\n");
        assert.strictEqual(contentDigest(fs.readFileSync(second)), contentDigest(bytes));
        const changed = packageChart(path.join(dir, "c"), "demo", "0.1.0", { "values.yaml": "x: 2\n", "templates/cm.yaml": "kind: ConfigMap\n" });
        assert.notStrictEqual(contentDigest(fs.readFileSync(changed)), contentDigest(bytes));
    });

    it("resolves pinned charts, names a stand-in, and says how to fill the cache when a chart is missing", () => {
        const dir = tmp();
        fs.writeFileSync(path.join(dir, "airflow-1.18.0.tgz"), "");
        fs.writeFileSync(path.join(dir, "grafana-12.11.1.tgz"), "");
        assert.deepStrictEqual(resolveChart(CHARTS.grafana, "12.11.1", dir), { file: path.join(dir, "grafana-12.11.1.tgz"), version: "12.11.1" });
        assert.deepStrictEqual(resolveChart(CHARTS.airflow, "1.22.0", dir), {
            file: path.join(dir, "airflow-1.18.0.tgz"),
            version: "1.18.0",
            standIn: "airflow 1.22.0 is not in the chart cache; 1.18.0 stands in (its templates ignore keys added in 1.19-1.22)",
        });
        assert.throws(
            () => resolveChart(CHARTS.kafka, "1.3.0", dir),
            (e: Error) =>
                e instanceof ChartNotFound &&
                e.message ===
                    `chart strimzi-kafka-operator 1.3.0 is not in the chart cache ${dir} (looked for strimzi-kafka-operator-1.3.0.tgz): run \`npm run charts\` ` +
                        "(helm pull from oci://quay.io/strimzi-helm/strimzi-kafka-operator, needs network), or point DATAOPS_CHARTS at a folder holding it",
        );
        assert.throws(() => resolveChart(CHARTS.airflow, "1.23.0", dir), /^Error: chart airflow 1.23.0 is not in the chart cache .*helm pull from https:\/\/airflow.apache.org/);
    });

    it("refuses an archive whose contents differ from the recorded digest, and flags one with no recorded digest", () => {
        const dir = tmp();
        const file = packageChart(dir, "grafana", "12.11.1", { "values.yaml": "tampered: true\n" });
        assert.throws(() => verifyChart(file, "grafana", "12.11.1"), /^Error: .*grafana-12.11.1.tgz has content digest [0-9a-f]{64}, but the project records bf1ba4d8.* for grafana@12.11.1: delete it/);
        const other = packageChart(dir, "demo", "0.2.0", {});
        assert.match(verifyChart(other, "demo", "0.2.0")!, /^no content digest recorded for demo@0.2.0; .*demo-0.2.0.tgz is unverified \(its digest is [0-9a-f]{64}: review the chart/);
        assert.deepStrictEqual(Object.keys(CHART_DIGESTS).sort(), [
            "airflow@1.18.0",
            "grafana@12.11.1",
            "kube-prometheus-stack@88.5.3",
            "spark-operator@2.5.2",
            "strimzi-kafka-operator@1.2.0",
        ]);
    });

    it("lists every pinned chart once, plus the versions stacks override", () => {
        const pins = pinnedCharts([{ grafana: "12.12.0" }, { grafana: "12.11.1" }]).map((p) => `${p.ref.chart}@${p.version}`);
        assert.deepStrictEqual(pins, [
            "airflow@1.22.0",
            "oci://quay.io/strimzi-helm/strimzi-kafka-operator@1.2.0",
            "spark-operator@2.5.2",
            "kube-prometheus-stack@88.5.3",
            "grafana@12.11.1",
            "grafana@12.12.0",
        ]);
    });

    it("calls helm template with the release, namespace, Kubernetes version, CRD API versions and values on stdin", () => {
        const args = templateArgs({ name: "strimzi", chart: "x", version: "1.2.0", namespace: "kafka", skipCrds: true }, "/c/x.tgz", {
            kubeVersion: "1.34",
            apiVersions: ["kafka.strimzi.io/v1", "kafka.strimzi.io/v1/Kafka"],
        });
        assert.deepStrictEqual(args, [
            "template",
            "strimzi",
            "/c/x.tgz",
            "--namespace",
            "kafka",
            "--kube-version",
            "v1.34.0",
            "--api-versions",
            "kafka.strimzi.io/v1",
            "--api-versions",
            "kafka.strimzi.io/v1/Kafka",
            "--skip-crds",
            "--values",
            "-",
        ]);
        assert.ok(templateArgs({ name: "a", chart: "a", version: "1", namespace: "a" }, "/a.tgz", { kubeVersion: "1.34", apiVersions: [] }, true).includes("--skip-schema-validation"));
        assert.deepStrictEqual(crdApiVersions(["strimzi"]).slice(0, 3), ["core.strimzi.io/v1", "core.strimzi.io/v1/StrimziPodSet", "kafka.strimzi.io/v1"]);
        assert.deepStrictEqual(crdApiVersions(["grafana"]), []);
        assert.ok(crdApiVersions(["kube-prometheus-stack"]).includes("monitoring.coreos.com/v1/ServiceMonitor"));
    });

    it("masks secret values and places namespaced objects in the release namespace", () => {
        const masked = maskSecrets({ a: { password: "hunter2", keep: 1 }, list: ["x", "s3cr3t"] }, ["values.a.password", "values.list[1]", "name"]);
        assert.deepStrictEqual(masked, { a: { password: SECRET_PLACEHOLDER, keep: 1 }, list: ["x", SECRET_PLACEHOLDER] });
        const objects = parseManifests(
            "---\n# Source: x\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: r\n---\n",
            "airflow",
        );
        assert.deepStrictEqual(objects.map((o) => [o.kind, o.metadata.namespace]), [["ConfigMap", "airflow"], ["ClusterRole", undefined]]);
    });

    it("turns the program's Kubernetes resources into objects, patches as their base kind", () => {
        assert.deepStrictEqual(typeToKind("kubernetes:core/v1:ServiceAccountPatch"), { apiVersion: "v1", kind: "ServiceAccount", patch: true });
        assert.deepStrictEqual(typeToKind("kubernetes:kafka.strimzi.io/v1:Kafka"), { apiVersion: "kafka.strimzi.io/v1", kind: "Kafka", patch: false });
        assert.strictEqual(typeToKind("kubernetes:helm.sh/v3:Release"), undefined);
        assert.strictEqual(typeToKind("kubernetes:yaml/v2:ConfigGroup"), undefined);
        assert.strictEqual(typeToKind("aws:eks/cluster:Cluster"), undefined);
    });
});

describe("rendered model of every shipped stack", function () {
    this.timeout(120_000);
    const stacks = listStacks();

    for (const stack of stacks) {
        it(`${stack}: renders all five releases at their pinned versions, airflow through its named stand-in`, async () => {
            const model = await stackModel(stack);
            const run = model.run;
            // EKS installs Karpenter, and the front door (on in dev and the prod examples) its charts: rendered when
            // the cache holds them (npm run charts -- --optional), named in a warning when it does not (CI's cache).
            const frontDoor = run.resources.some((r) => r.type === "dataops:access:FrontDoor");
            const optional = [
                ...(stack.endsWith("-aws") ? [["karpenter", KARPENTER_NAMESPACE, "karpenter", "1.13.0"]] : []),
                ...(frontDoor
                    ? [
                          ["cert-manager", NAMESPACES.certManager, "cert-manager", "v1.21.1"],
                          ["envoy-gateway", NAMESPACES.gateway, "gateway-helm", "v1.9.0"],
                      ]
                    : []),
            ];
            const cached = (chart: string, version: string) => fs.existsSync(path.join(chartCacheDir(ROOT), `${chart}-${version}.tgz`));
            assert.deepStrictEqual(
                model.releases.map((r) => [r.release, r.namespace, r.chart, r.version, r.renderedVersion]).sort(),
                [
                    ...optional.filter(([, , chart, version]) => cached(chart, version)).map((o) => [...o, o[3]]),
                    ["airflow", NAMESPACES.airflow, "airflow", "1.22.0", "1.18.0"],
                    ["grafana", NAMESPACES.monitoring, "grafana", "12.11.1", "12.11.1"],
                    ["kube-prometheus-stack", NAMESPACES.monitoring, "kube-prometheus-stack", "88.5.3", "88.5.3"],
                    ["spark-operator", NAMESPACES.sparkOperator, "spark-operator", "2.5.2", "2.5.2"],
                    ["strimzi", NAMESPACES.kafka, "strimzi-kafka-operator", "1.2.0", "1.2.0"],
                ].sort(),
            );
            // An optional chart in the cache has no recorded digest (none was taken from its published archive).
            const unverified = (w: string) => [...OPTIONAL_CHARTS].some((c) => w.startsWith(`no content digest recorded for ${c}@`));
            assert.deepStrictEqual(model.warnings.filter((w) => !unverified(w)), [
                "airflow: rendered with a stand-in chart, without its values schema: airflow 1.22.0 is not in the chart cache; 1.18.0 stands in (its templates ignore keys added in 1.19-1.22)",
                ...optional
                    .filter(([, , chart, version]) => !cached(chart, version))
                    .map(([release, , chart, version]) => `${release}: not rendered: chart ${chart} ${version} is not in the chart cache (npm run charts -- --optional)`)
                    .sort(),
            ]);
            for (const rel of model.releases) {
                assert.ok(rel.objects.some((o) => o.kind === "Deployment" || o.kind === "StatefulSet"), `${rel.release} renders no workload`);
            }
            assert.strictEqual(model.objects.filter((o) => "program" in o.origin).length, directObjects(run.resources).length);
            assert.ok(model.objects.filter((o) => "program" in o.origin).some((o) => o.object.kind === "NetworkPolicy"));
        });

        it(`${stack}: every rendered and program object validates against its upstream schema`, async () => {
            const model = await stackModel(stack);
            const failures: string[] = [];
            const unchecked = new Set<string>();
            for (const { object: o } of model.objects) {
                const problem = await validateObject(o);
                if (problem === "unchecked") {
                    unchecked.add(`${o.apiVersion}/${o.kind}`);
                } else if (problem) {
                    failures.push(`${o.kind} ${o.metadata.namespace ?? ""}/${o.metadata.name}: ${problem}`);
                }
            }
            assert.deepStrictEqual(failures, []);
            assert.deepStrictEqual([...unchecked], []);
        });
    }

    it("renders the chart a stack overrides, and fails with the fix when the cache lacks it", async () => {
        await assert.rejects(buildModel("dev", { "dataops:grafana": '{"chartVersion":"12.99.0"}' }), /^Error: chart grafana 12.99.0 is not in the chart cache .*run `npm run charts`/);
    });
});

describe("plan --render: the rendered view and its diff", function () {
    this.timeout(120_000);
    const deployment = (image: string) => ({
        apiVersion: "apps/v1",
        kind: "Deployment",
        metadata: { name: "grafana", namespace: "monitoring" },
        spec: { template: { spec: { containers: [{ name: "grafana", image }] } } },
    });
    const role = (verbs: string[]) => ({ apiVersion: "rbac.authorization.k8s.io/v1", kind: "Role", metadata: { name: "grafana", namespace: "monitoring" }, rules: [{ apiGroups: [""], resources: ["secrets"], verbs }] });
    const summary = (objects: any[]): RenderedSummary => ({
        releases: [{ release: "grafana", chart: "grafana", version: "12.11.1", renderedVersion: "12.11.1" }],
        objects: objects.map((object) => ({ release: "grafana", kind: object.kind, namespace: object.metadata.namespace, name: object.metadata.name, object })),
    });

    it("reports new pods, changed images and RBAC rules a chart bump brings", () => {
        const job = { apiVersion: "batch/v1", kind: "Job", metadata: { name: "migrate", namespace: "monitoring" }, spec: { template: { spec: { containers: [{ name: "m", image: "busybox:1" }] } } } };
        const d = diffRendered(summary([deployment("grafana:13.2.0"), role(["get"])]), summary([deployment("grafana:13.3.0"), role(["get", "list", "watch"]), job]));
        assert.deepStrictEqual(d, {
            added: ["grafana: Job monitoring/migrate"],
            removed: [],
            changed: [
                { object: "grafana: Deployment monitoring/grafana", paths: ["spec.template.spec.containers[0].image"] },
                { object: "grafana: Role monitoring/grafana", paths: ["rules[0].verbs[1]", "rules[0].verbs[2]"] },
            ],
            images: [
                { object: "grafana: Deployment monitoring/grafana", before: ["grafana=grafana:13.2.0"], after: ["grafana=grafana:13.3.0"] },
                { object: "grafana: Job monitoring/migrate", before: [], after: ["m=busybox:1"] },
            ],
            rbac: [{ object: "grafana: Role monitoring/grafana", added: ["get,list,watch core/secrets"], removed: ["get core/secrets"] }],
        });
        assert.strictEqual(
            formatRenderedDiff(d, false).split("\n").pop(),
            "1 objects added, 0 removed, 2 changed; 2 image changes; 1 RBAC changes.",
        );
    });

    it("renders the same model twice for an unchanged stack (generated Secret data does not count)", async () => {
        // The program evaluated afresh, not the run the process has cached.
        const { config, secretKeys } = stackFileConfig("dev");
        const a = await modelFromRun("dev", await runIndexFresh("dev", config, secretKeys), config, secretKeys);
        const b = await stackModel("dev");
        assert.notStrictEqual(a.run.resources[0], b.run.resources[0]);
        const d = diffRendered(renderedSummary(a), renderedSummary(b));
        assert.deepStrictEqual(d, { added: [], removed: [], changed: [], images: [], rbac: [] });
        assert.ok(renderedSummary(a).objects.length > 150);
    });

    it("prints per release what was rendered, naming the stand-in", async () => {
        const lines: string[] = [];
        const log = console.log;
        console.log = (s: string) => lines.push(s);
        try {
            assert.strictEqual(await main(["--stack", "dev", "--render"]), 0);
        } finally {
            console.log = log;
        }
        const out = lines.join("\n").split("\n");
        assert.match(out[0], /^Rendered model for stack "dev": helm v3\.\d+\.\d+\S* \((HELM|PATH|pinned)\), Kubernetes 1\.34\.$/);
        assert.ok(
            out.includes(
                "note: airflow: rendered with a stand-in chart, without its values schema: airflow 1.22.0 is not in the chart cache; 1.18.0 stands in (its templates ignore keys added in 1.19-1.22)",
            ),
            out.join("\n"),
        );
        assert.ok(out.includes("airflow (airflow 1.22.0 (rendered 1.18.0), namespace airflow): 28 objects"), out.join("\n"));
        assert.ok(out.some((l) => /^strimzi \(strimzi-kafka-operator 1\.2\.0, namespace kafka\): \d+ objects$/.test(l)));
        assert.ok(out.includes("  Deployment strimzi-cluster-operator: strimzi-cluster-operator=quay.io/strimzi/operator:1.2.0"));
    });
});
