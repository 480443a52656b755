// Every check on the rendered model of every shipped stack: the pods the charts and operators would run pass Pod
// Security at their namespace's level, fit their quotas, every needed flow is open and the forbidden ones closed,
// the permissions journeys need are granted and the dangerous ones refused, and every monitor scrapes something.
// Each stack is rendered once per test process (stackModel) and its checks run once (below).
import * as assert from "assert";
import { stackModel } from "../model";
import { grants } from "../model/access";
import { checkOptions, ModelReport, runChecks } from "../model/findings";
import { LABELS, NAMESPACES } from "../stacks/catalog";
import { loadConfig } from "../stacks/config";
import { listStacks, PROJECT, stackFileConfig } from "./harness";

const reports = new Map<string, Promise<ModelReport>>();

/** The checks of a stack, run once on its cached model. */
function report(stack: string): Promise<ModelReport> {
    if (!reports.has(stack)) {
        reports.set(
            stack,
            stackModel(stack).then((model) => {
                const { config, secretKeys } = stackFileConfig(stack);
                const cfg = loadConfig(config, stack, PROJECT, (k) => secretKeys.includes(k)).config;
                return runChecks(model, checkOptions(cfg));
            }),
        );
    }
    return reports.get(stack)!;
}

const lines = (xs: { object: string; message: string }[]) => xs.map((f) => `${f.object}: ${f.message}`);

/**
 * Namespaces whose charts hold cluster-wide rights by design, with no namespaced mode: monitoring (Prometheus discovers
 * targets and kube-state-metrics reports objects in every namespace) and cert-manager (it writes a Certificate's key to
 * a Secret beside it and runs HTTP-01 solver pods wherever a Certificate lives; the platform creates Certificates only
 * in the gateway namespace and teams get no rights on them).
 */
const CLUSTER_WIDE_BY_DESIGN: string[] = [NAMESPACES.monitoring, NAMESPACES.certManager];

for (const stack of listStacks()) {
    describe(`rendered model checks: ${stack}`, function () {
        // Rendering five charts with helm on a shared 2-core machine; other test files reuse the same model.
        this.timeout(180_000);
        let r: ModelReport;
        before(async () => {
            r = await report(stack);
        });

        it("every pod template, operator pods included, passes Pod Security at its namespace's enforce level", () => {
            assert.deepStrictEqual(lines(r.findings.filter((f) => f.check === "pod-security")), []);
        });

        it("every namespace fits its ResourceQuota at peak (rolling updates, operator pods and Airflow's task capacity included)", () => {
            assert.deepStrictEqual(lines(r.findings.filter((f) => f.check === "quota")), []);
            const quotaNamespaces = new Set(r.quota.filter((q) => q.hard !== undefined).map((q) => q.namespace));
            assert.ok(quotaNamespaces.has(NAMESPACES.kafka) && quotaNamespaces.has(NAMESPACES.monitoring), [...quotaNamespaces].join(", "));
        });

        it("every flow the platform needs is open and every forbidden one closed", () => {
            assert.deepStrictEqual(r.journeys.filter((j) => j.status !== "ok").map((j) => `${j.journey.name} (${j.journey.expect}): ${j.status}: ${j.detail}`), []);
            const names = r.journeys.map((j) => j.journey.name);
            for (const expected of ["grafana -> prometheus", "brokers -> controllers", "strimzi operator -> brokers (replication/admin)", "airflow worker -> api-server", "spark-jobs: executor -> driver RPC"]) {
                assert.ok(names.includes(expected), `journey "${expected}" missing from ${names.length} journeys`);
            }
            assert.ok(r.journeys.some((j) => j.journey.name.startsWith("prometheus -> Kafka/dataops (pool")), "no scrape journey to the Kafka nodes");
        });

        it("the permissions journeys need are granted and the refused ones refused", () => {
            assert.deepStrictEqual(r.access.filter((a) => a.status !== "ok").map((a) => `${a.journey.name} (${a.journey.expect}): ${a.detail}`), []);
        });

        it("no team and no workload outside monitoring and cert-manager can read Secrets, create pods, impersonate or escalate cluster-wide", () => {
            const wide = r.findings.filter((f) => f.check === "access" && f.severity === "warning");
            assert.deepStrictEqual(lines(wide.filter((f) => !CLUSTER_WIDE_BY_DESIGN.includes(f.namespace ?? ""))), []);
        });

        it("every monitor selects a pod exposing its port and some Prometheus picks it up", () => {
            const monitors = r.findings.filter((f) => f.check === "monitor");
            assert.deepStrictEqual(lines(monitors.filter((f) => f.severity === "error")), []);
            // Only the cluster's own endpoints (kubelet, coredns, the API server, control plane) are outside the model.
            assert.deepStrictEqual(monitors.filter((f) => !/outside the model \((kube-system|default)\)/.test(f.message)).map((f) => f.object), []);
        });

        it("a team's namespaces run restricted pods only, and every ServiceAccount there holds rights in that namespace alone", async () => {
            // What a team with edit can do with the pods it creates: no privileged pod, no identity beyond its namespace.
            const objects = (await stackModel(stack)).objects.map((o) => o.object);
            const out: string[] = [];
            for (const ns of objects.filter((o) => o.kind === "Namespace" && o.metadata.labels?.[LABELS.team]).map((o) => o.metadata)) {
                if (ns.labels!["pod-security.kubernetes.io/enforce"] !== "restricted") out.push(`${ns.name}: enforces ${ns.labels!["pod-security.kubernetes.io/enforce"]}`);
                for (const sa of objects.filter((o) => o.kind === "ServiceAccount" && o.metadata.namespace === ns.name)) {
                    for (const g of grants(objects, { kind: "ServiceAccount", namespace: ns.name, name: sa.metadata.name }).filter((x) => x.namespace !== ns.name)) {
                        out.push(`${ns.name}/${sa.metadata.name}: ${g.role} through ${g.binding} in ${g.namespace ?? "every namespace"}`);
                    }
                }
            }
            assert.deepStrictEqual(out, []);
        });

        it("team namespaces are labelled for their team (the access journeys key on it)", async () => {
            const model = await stackModel(stack);
            const { config, secretKeys } = stackFileConfig(stack);
            const cfg = loadConfig(config, stack, PROJECT, (k) => secretKeys.includes(k)).config;
            const owned = cfg.teams.flatMap((t) => (t.ownNamespaces ?? []).map((n) => [n, t.name]));
            const labelled = model.objects
                .map((o) => o.object)
                .filter((o) => o.kind === "Namespace" && o.metadata.labels?.[LABELS.team])
                .map((o) => [o.metadata.name, o.metadata.labels![LABELS.team]]);
            assert.deepStrictEqual(labelled, owned);
        });
    });
}
