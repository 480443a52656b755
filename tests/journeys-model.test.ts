// Journey facts over the rendered model (helm's real output plus the program's objects): the pod-level policies of
// the airflow namespace select the pods the chart really renders, the Spark operator chart really ships no roles for
// its CRDs (so the platform's aggregated ones are what lets teams submit jobs), and the driver account's Role is what
// a driver needs. The evaluators' proofs (canReach, can) are added when model/reach.ts and model/access.ts land.
import * as assert from "assert";
import { stackModel } from "../model";
import type { K8sObject } from "../model/types";

type Selector = { matchLabels?: Record<string, string>; matchExpressions?: { key: string; operator: string; values?: string[] }[] };

/** Kubernetes label-selector semantics (In, NotIn, Exists, DoesNotExist). */
function matches(sel: Selector, labels: Record<string, string>): boolean {
    const byLabel = Object.entries(sel.matchLabels ?? {}).every(([k, v]) => labels[k] === v);
    const byExpr = (sel.matchExpressions ?? []).every((e) => {
        switch (e.operator) {
            case "In":
                return (e.values ?? []).includes(labels[e.key]);
            case "NotIn":
                return !(e.values ?? []).includes(labels[e.key]);
            case "Exists":
                return e.key in labels;
            default:
                return !(e.key in labels);
        }
    });
    return byLabel && byExpr;
}

describe("journeys over the rendered model (dev)", function () {
    this.timeout(300_000);
    let objects: K8sObject[];
    /** Pod labels of every pod-creating object of the airflow release, plus the KubernetesExecutor's task pod template. */
    let pods: Record<string, Record<string, string>>;
    before(async () => {
        const model = await stackModel("dev");
        objects = model.objects.map((o) => o.object);
        pods = {};
        for (const o of objects.filter((x) => x.metadata.namespace === "airflow")) {
            const labels = o.spec?.template?.metadata?.labels;
            if (labels && ["Deployment", "StatefulSet", "Job"].includes(o.kind)) {
                pods[`${o.kind}/${o.metadata.name}`] = labels;
            }
            for (const [key, text] of Object.entries((o.kind === "ConfigMap" ? o.data : undefined) ?? {})) {
                if (key === "pod_template_file.yaml") {
                    const m = /labels:\n((?:\s+\S+: .+\n)+)/.exec(String(text));
                    pods["task pod"] = Object.fromEntries(m![1].trim().split("\n").map((l) => l.trim().split(": ")));
                }
            }
        }
    });

    const policy = (name: string) => objects.find((o) => o.kind === "NetworkPolicy" && o.metadata.namespace === "airflow" && o.metadata.name === name)!;
    const selected = (sel: Selector) =>
        Object.entries(pods)
            .filter(([, l]) => matches(sel, l))
            .map(([k]) => k)
            .sort();

    it("lets exactly the scheduler, API server, DAG processor, triggerer and the two Jobs reach the metadata database; task pods not", () => {
        assert.deepStrictEqual(pods["task pod"], { tier: "airflow", component: "worker", release: "airflow" });
        assert.deepStrictEqual(selected(policy("allow-metadata-db-out").spec.podSelector), [
            "Deployment/airflow-api-server",
            "Deployment/airflow-dag-processor",
            "Deployment/airflow-scheduler",
            "Job/airflow-create-user",
            "Job/airflow-run-airflow-migrations",
            "StatefulSet/airflow-triggerer",
        ]);
        assert.deepStrictEqual(selected(policy("allow-metadata-db-in").spec.podSelector), ["StatefulSet/airflow-postgresql"]);
    });

    it("lets every Airflow pod, task pods included, reach the API server, which alone is selected as its target", () => {
        assert.deepStrictEqual(policy("allow-api-server-out").spec.podSelector, {});
        assert.deepStrictEqual(selected(policy("allow-api-server-in").spec.podSelector), ["Deployment/airflow-api-server"]);
    });

    it("needs the platform's aggregated roles: the Spark operator chart ships none for its CRDs", () => {
        const aggregated = objects.filter(
            (o) => o.kind === "ClusterRole" && Object.keys(o.metadata.labels ?? {}).some((k) => k.startsWith("rbac.authorization.k8s.io/aggregate-to-")),
        );
        assert.deepStrictEqual(aggregated.map((o) => o.metadata.name).sort(), ["dataops-spark-edit", "dataops-spark-view"]);
    });

    it("gives the driver account in the job namespace exactly a driver's rights, bound to `spark`", () => {
        const bindings = objects.filter((o) => o.kind === "RoleBinding" && o.metadata.namespace === "spark-jobs" && o.subjects?.some((s: { name: string }) => s.name === "spark"));
        assert.strictEqual(bindings.length, 1);
        const role = objects.find((o) => o.kind === "Role" && o.metadata.namespace === "spark-jobs" && o.metadata.name === bindings[0].roleRef.name)!;
        assert.deepStrictEqual(role.rules, [
            {
                apiGroups: [""],
                resources: ["pods", "configmaps", "persistentvolumeclaims", "services"],
                verbs: ["get", "list", "watch", "create", "update", "patch", "delete", "deletecollection"],
            },
        ]);
    });
});
