// Namespace isolation and team RBAC under mocks: the flow matrix derived from the recorded NetworkPolicies, the
// guarantees every namespace must carry, Kubernetes schema validity, and team access.
import * as assert from "assert";
import { isolationReport, IsolationReport } from "../scripts/isolation";
import { formatIsolationText } from "../scripts/plan-markdown";
import { loadConfig } from "../stacks/config";
import { ConfigError } from "../stacks/problems";
import * as k8s from "@pulumi/kubernetes";
import { localClusterInfo } from "../components/cluster/local";
import { DataPlatform } from "../components/platform";
import { RecordedResource, Resources, Run, runIndex, runMocked, runStack } from "./harness";

const TEAMS = JSON.stringify([
    {
        name: "analytics",
        role: "edit",
        groups: ["analytics-devs"],
        namespaces: ["spark-jobs"],
        ownNamespaces: ["analytics-jobs"],
        kafka: { topics: [{ name: "orders" }], clientNamespaces: ["spark-jobs"] },
    },
    { name: "ml", role: "view", groups: ["ml-team", "ml-leads"], namespaces: ["kafka"], ownNamespaces: ["ml-jobs"] },
]);
const WITH_TEAMS = { "dataops:cloud": "local", "dataops:teams": TEAMS };

const NAMESPACE = "kubernetes:core/v1:Namespace";
const POLICY = "kubernetes:networking.k8s.io/v1:NetworkPolicy";

/**
 * The cross-namespace flows the platform intends: Kafka clients where a team's credentials are (analytics' own
 * namespace and the job namespace it designated; ml has no Kafka access), Prometheus to metrics ports. Nothing else.
 */
const INTENDED = [
    "analytics-jobs -> kafka 9093/TCP",
    // The front door: only the gateway reaches the UIs' pod ports (Airflow's API server, Grafana).
    "gateway -> airflow 8080/TCP",
    "gateway -> monitoring 3000/TCP",
    "monitoring -> airflow 9102/TCP",
    "monitoring -> analytics-jobs 8090/TCP",
    // cert-manager's webhook port is open to the API server from any address (as every webhook's is), and it shares
    // the kubelet's port, which Prometheus reaches on the nodes; on kind the node range is any address.
    "monitoring -> cert-manager 10250/TCP",
    "monitoring -> kafka 8080/TCP",
    "monitoring -> kafka 9404/TCP",
    "monitoring -> ml-jobs 8090/TCP",
    "monitoring -> spark-jobs 8090/TCP",
    "monitoring -> spark-operator 8080/TCP",
    "spark-jobs -> kafka 9093/TCP",
];

describe("isolation under mocks: flow matrix", () => {
    let run: Run;
    let report: IsolationReport;
    before(async () => {
        run = await runIndex("dev", WITH_TEAMS);
        assert.strictEqual(run.error, undefined, run.error?.message);
        report = isolationReport(run.resources);
    });

    it("lists every managed namespace", () => {
        assert.deepStrictEqual(report.namespaces, [
            "airflow",
            "kafka",
            "spark-operator",
            "spark-jobs",
            "monitoring",
            "node-exporter",
            "gateway",
            "cert-manager",
            "analytics-jobs",
            "ml-jobs",
        ]);
    });

    it("allows exactly the intended cross-namespace flows, each on its ports only", () => {
        const cross = report.flows.filter((f) => f.from !== f.to).map((f) => `${f.from} -> ${f.to} ${f.port}/${f.protocol}`);
        assert.deepStrictEqual(cross.sort(), INTENDED);
    });

    it("allows all traffic inside each namespace and nothing else on unlisted ports", () => {
        // airflow's own pods do not all trust each other: pod-level policies instead (tests/journeys.test.ts).
        for (const ns of report.namespaces.filter((n) => n !== "airflow")) {
            assert.ok(report.flows.some((f) => f.from === ns && f.to === ns && f.port === "any"), `${ns} to itself`);
        }
        assert.deepStrictEqual(report.flows.filter((f) => f.port === "any" && f.from !== f.to), []);
    });

    it("denies team namespace to team namespace in both directions", () => {
        const between = report.flows.filter(
            (f) => ["analytics-jobs", "ml-jobs"].includes(f.from) && ["analytics-jobs", "ml-jobs"].includes(f.to) && f.from !== f.to,
        );
        assert.deepStrictEqual(between, []);
    });

    it("reports team access from the RoleBindings", () => {
        assert.deepStrictEqual(report.teams, [
            { team: "analytics", group: "analytics-devs", namespace: "spark-jobs", role: "ClusterRole/edit" },
            { team: "analytics", group: "analytics-devs", namespace: "analytics-jobs", role: "ClusterRole/admin" },
            { team: "ml", group: "ml-team", namespace: "kafka", role: "ClusterRole/view" },
            { team: "ml", group: "ml-leads", namespace: "kafka", role: "ClusterRole/view" },
            { team: "ml", group: "ml-team", namespace: "ml-jobs", role: "ClusterRole/admin" },
            { team: "ml", group: "ml-leads", namespace: "ml-jobs", role: "ClusterRole/admin" },
        ]);
        assert.match(formatIsolationText(report), /^ml\s+ml-leads\s+kafka\s+ClusterRole\/view$/m);
    });

    it("opens internet egress only where config asks for it, never to private ranges", async () => {
        const policies = (r: Run) => new Resources(r.resources).ofType(POLICY).filter((p) => p.inputs.metadata.name === "allow-internet-egress");
        assert.deepStrictEqual(policies(run), []);
        const withEgress = await runIndex("dev", { "dataops:cloud": "local", "dataops:namespaces": '{"spark-jobs":{"internetEgress":true}}' });
        const [p] = policies(withEgress);
        assert.strictEqual(policies(withEgress).length, 1);
        assert.strictEqual(p.inputs.metadata.namespace, "spark-jobs");
        assert.deepStrictEqual(p.inputs.spec.egress, [
            { to: [{ ipBlock: { cidr: "0.0.0.0/0", except: ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10"] } }] },
        ]);
    });
});

describe("isolation under mocks: egress outside the cluster", function () {
    // Each test runs several whole stacks under mocks: near 30 s alone, more when the machine is shared.
    this.timeout(120_000);
    const policy = async (stack: string, config: Record<string, string>, ns: string, name: string) => {
        const run = await runIndex(stack, config);
        assert.strictEqual(run.error, undefined, run.error?.message);
        return new Resources(run.resources).ofType(POLICY).find((p) => p.inputs.metadata.namespace === ns && p.inputs.metadata.name === name);
    };

    it("lets Airflow reach an external metadata database in the cluster's network, or where config says", async () => {
        const aws = { "dataops:cloud": "aws", "aws:region": "eu-west-1", "dataops:aws": '{"adminRoleArns":["arn:aws:iam::123456789012:role/admin"]}' };
        const external = await policy("prod", { ...aws, "dataops:airflow": '{"metadataSecretName":"airflow-db"}' }, "airflow", "allow-metadata-db");
        assert.deepStrictEqual(external?.inputs.spec.egress, [{ to: [{ ipBlock: { cidr: "10.10.0.0/16" } }], ports: [{ port: 5432, protocol: "TCP" }] }]);
        const explicit = await policy(
            "prod",
            { ...aws, "dataops:airflow": '{"metadataSecretName":"airflow-db","databaseCidrs":["10.50.0.0/24"],"databasePort":6432}' },
            "airflow",
            "allow-metadata-db",
        );
        assert.deepStrictEqual(explicit?.inputs.spec.egress, [{ to: [{ ipBlock: { cidr: "10.50.0.0/24" } }], ports: [{ port: 6432, protocol: "TCP" }] }]);
        assert.strictEqual(await policy("dev", { "dataops:cloud": "local" }, "airflow", "allow-metadata-db"), undefined);
    });

    it("lets data namespaces reach the node-local workload-identity endpoint of the cloud", async () => {
        const aws = { "dataops:cloud": "aws", "aws:region": "eu-west-1" };
        for (const ns of ["airflow", "spark-jobs"]) {
            assert.deepStrictEqual((await policy("dev", aws, ns, "allow-workload-identity"))?.inputs.spec.egress, [
                { to: [{ ipBlock: { cidr: "169.254.170.23/32" } }], ports: [{ port: 80, protocol: "TCP" }] },
            ]);
        }
        assert.strictEqual(await policy("dev", aws, "kafka", "allow-workload-identity"), undefined);
        assert.deepStrictEqual((await policy("dev", { "dataops:cloud": "gcp", "gcp:region": "europe-west1", "gcp:project": "acme-data-1" }, "spark-jobs", "allow-workload-identity"))?.inputs.spec.egress, [
            { to: [{ ipBlock: { cidr: "169.254.169.254/32" } }], ports: [{ port: 80, protocol: "TCP" }] },
            { to: [{ ipBlock: { cidr: "169.254.169.252/32" } }], ports: [{ port: 988, protocol: "TCP" }] },
        ]);
        assert.strictEqual(await policy("dev", { "dataops:cloud": "local" }, "airflow", "allow-workload-identity"), undefined);
    });

    it("lets API callers reach the kubernetes Service's ClusterIP as well as the endpoints", async () => {
        const api = await policy("dev", { "dataops:cloud": "aws", "aws:region": "eu-west-1" }, "kafka", "allow-api-server");
        assert.deepStrictEqual(api?.inputs.spec.egress, [
            {
                to: ["10.10.0.0/18", "10.10.64.0/18", "10.10.128.0/18", "10.96.0.1/32"].map((cidr) => ({ ipBlock: { cidr } })),
                ports: [{ port: 443, protocol: "TCP" }],
            },
        ]);
    });

    it("lets Prometheus reach exactly the node ports this kind of cluster exposes", async () => {
        const ports = async (config: Record<string, string>) =>
            (await policy("dev", config, "monitoring", "allow-to-nodes"))?.inputs.spec.egress[0].ports.map((p: { port: number }) => p.port);
        // kubelet, node-exporter, kube-proxy, and the unmanaged control plane's controller-manager, scheduler and etcd.
        assert.deepStrictEqual(await ports({ "dataops:cloud": "local" }), [10250, 9100, 10249, 10257, 10259, 2381]);
        assert.deepStrictEqual(await ports({ "dataops:cloud": "aws", "aws:region": "eu-west-1" }), [10250, 9100, 10249]);
        assert.deepStrictEqual(await ports({ "dataops:cloud": "gcp", "gcp:region": "europe-west1", "gcp:project": "acme-data-1" }), [10250, 9100]);
    });
});

describe("isolation under mocks: every namespace is locked down", function () {
    // Each test runs several whole stacks under mocks: near 30 s alone, more when the machine is shared.
    this.timeout(120_000);
    for (const stack of ["dev", "teams"]) {
        describe(stack, () => {
            let res: Resources;
            before(async () => {
                const run = stack === "dev" ? await runStack("dev") : await runIndex("dev", WITH_TEAMS);
                res = new Resources(run.resources);
            });

            it("gives every Namespace pinned PSA labels, a quota, a limit range, a default deny and a token-less default SA", () => {
                const namespaces = res.ofType(NAMESPACE);
                assert.ok(namespaces.length >= 6);
                for (const ns of namespaces) {
                    const name = ns.inputs.metadata.name;
                    const labels = ns.inputs.metadata.labels;
                    assert.match(labels["pod-security.kubernetes.io/enforce"], /^(restricted|baseline|privileged)$/, name);
                    assert.strictEqual(labels["pod-security.kubernetes.io/enforce-version"], "v1.34", name);
                    assert.strictEqual(labels["pod-security.kubernetes.io/warn"], "restricted", name);
                    assert.strictEqual(labels["pod-security.kubernetes.io/audit"], "restricted", name);
                    const inNs = (type: string) => res.ofType(type).filter((r) => r.inputs.metadata.namespace === name);
                    assert.strictEqual(inNs("kubernetes:core/v1:ResourceQuota").length, 1, `${name} quota`);
                    assert.strictEqual(inNs("kubernetes:core/v1:LimitRange").length, 1, `${name} limit range`);
                    const deny = inNs(POLICY).find((p) => p.inputs.metadata.name === "default-deny");
                    assert.ok(deny, `${name} default deny`);
                    assert.deepStrictEqual(deny.inputs.spec, { podSelector: {}, policyTypes: ["Ingress", "Egress"] });
                    const sa = inNs("kubernetes:core/v1:ServiceAccountPatch");
                    assert.deepStrictEqual(sa.map((s) => [s.inputs.metadata.name, s.inputs.automountServiceAccountToken]), [["default", false]], name);
                }
            });
        });
    }

    it("sets each namespace's PSA level deliberately", async () => {
        const level = async (config: Record<string, string>) => {
            const run = await runIndex("dev", config);
            return Object.fromEntries(
                new Resources(run.resources).ofType(NAMESPACE).map((n) => [n.inputs.metadata.name, n.inputs.metadata.labels["pod-security.kubernetes.io/enforce"]]),
            );
        };
        assert.deepStrictEqual(await level(WITH_TEAMS), {
            airflow: "baseline",
            kafka: "restricted",
            "spark-operator": "restricted",
            "spark-jobs": "restricted",
            monitoring: "restricted",
            "node-exporter": "privileged",
            gateway: "restricted",
            "cert-manager": "restricted",
            "analytics-jobs": "restricted",
            "ml-jobs": "restricted",
        });
        const external = await level({ "dataops:cloud": "local", "dataops:airflow": '{"metadataSecretName":"airflow-db"}' });
        assert.strictEqual(external.airflow, "restricted");
        const celery = await level({ "dataops:cloud": "local", "dataops:airflow": '{"metadataSecretName":"airflow-db","executor":"CeleryExecutor"}' });
        assert.strictEqual(celery.airflow, "baseline");
        const overridden = await level({ "dataops:cloud": "local", "dataops:namespaces": '{"spark-jobs":{"podSecurity":"baseline"}}' });
        assert.strictEqual(overridden["spark-jobs"], "baseline");
    });

    const hard = async (stack: string, config: Record<string, string>, ns: string) => {
        const run = await runIndex(stack, config);
        assert.strictEqual(run.error, undefined, run.error?.message);
        return new Resources(run.resources).ofType("kubernetes:core/v1:ResourceQuota").find((q) => q.inputs.metadata.namespace === ns)!.inputs.spec.hard;
    };

    it("sizes each quota from what the namespace runs, with 25% headroom", async () => {
        // dev Kafka: one dual-role node (1 CPU limit), operator plus a rolling-update spare (2 x 1), entity operator
        // (2 x 0.5), exporter 0.2 and one unsized container (0.5): 4.7 cores, x1.25 = 6.
        assert.deepStrictEqual(await hard("dev", { "dataops:cloud": "local" }, "kafka"), {
            "requests.cpu": "2",
            "requests.memory": "4Gi",
            "limits.cpu": "6",
            "limits.memory": "6Gi",
            pods: "10",
            persistentvolumeclaims: "1",
            "requests.storage": "13Gi",
        });
        // prod Kafka: 3 brokers x 2 + 3 controllers x 1 + operator 3 x 1 + 1 + 0.5 + Cruise Control 1 + 1 unsized
        // = 15.5 cores -> 20.
        assert.deepStrictEqual(await hard("prod", { "dataops:cloud": "local" }, "kafka"), {
            "requests.cpu": "7",
            "requests.memory": "24Gi",
            "limits.cpu": "20",
            "limits.memory": "46Gi",
            pods: "24",
            persistentvolumeclaims: "6",
            "requests.storage": "450Gi",
        });
    });

    it("grows quotas with the config that sizes the workloads, so a valid config fits its own quota", async () => {
        assert.strictEqual((await hard("prod", { "dataops:cloud": "local" }, "monitoring"))["requests.storage"], "288Gi");
        // 2 Prometheus x 300Gi + 2 Alertmanager x 10Gi + Grafana 10Gi = 630Gi, x1.25.
        assert.strictEqual((await hard("prod", { "dataops:cloud": "local", "dataops:prometheus": '{"storageGi":300}' }, "monitoring"))["requests.storage"], "788Gi");
        assert.strictEqual((await hard("prod", { "dataops:cloud": "local", "dataops:kafka": '{"brokers":6}' }, "kafka"))["limits.cpu"], "27");
        // Triggerer logs 5Gi + bundled PostgreSQL 8Gi; Celery adds worker logs and Redis.
        assert.strictEqual((await hard("dev", { "dataops:cloud": "local" }, "airflow"))["requests.storage"], "17Gi");
        assert.strictEqual((await hard("dev", { "dataops:cloud": "local", "dataops:airflow": '{"executor":"CeleryExecutor"}' }, "airflow"))["requests.storage"], "24Gi");
    });

    it("sizes node-exporter's quota for every node the pools can grow to", async () => {
        // Pulumi.prod-azure.yaml's pools reach 38 nodes.
        const run = await runStack("prod-azure");
        const q = new Resources(run.resources).ofType("kubernetes:core/v1:ResourceQuota").find((r) => r.inputs.metadata.namespace === "node-exporter")!;
        assert.strictEqual(q.inputs.spec.hard.pods, "76");
        assert.strictEqual(q.inputs.spec.hard["limits.cpu"], "12");
    });

    it("lets config override a quota per namespace", async () => {
        const custom = await hard("dev", { "dataops:cloud": "local", "dataops:namespaces": '{"spark-jobs":{"quota":{"limitsCpu":"32","pods":200}}}' }, "spark-jobs");
        assert.strictEqual(custom["limits.cpu"], "32");
        assert.strictEqual(custom.pods, "200");
        assert.strictEqual(custom["requests.cpu"], "4");
    });

    it("gives job namespaces default limits above a whole-core Spark request", async () => {
        const run = await runIndex("dev", WITH_TEAMS);
        const limits = Object.fromEntries(
            new Resources(run.resources).ofType("kubernetes:core/v1:LimitRange").map((l) => [l.inputs.metadata.namespace, l.inputs.spec.limits[0].default]),
        );
        assert.deepStrictEqual(limits["spark-jobs"], { cpu: "2", memory: "2Gi" });
        assert.deepStrictEqual(limits["analytics-jobs"], { cpu: "2", memory: "2Gi" });
        assert.deepStrictEqual(limits.kafka, { cpu: "500m", memory: "512Mi" });
    });
});

/** kubernetes-models module for a recorded type, or undefined for types that are not Kubernetes objects. */
function modelModule(type: string): { module: string; apiVersion: string; kind: string } | undefined {
    const m = /^kubernetes:([^:]+):(\w+?)(Patch)?$/.exec(type);
    if (!m || m[1].startsWith("helm.sh") || m[1].startsWith("yaml")) {
        return undefined;
    }
    // No kubernetes-models package covers the front door's CRDs; tests/access.test.ts checks them against their CRD schemas.
    if (/^(gateway\.networking\.k8s\.io|gateway\.envoyproxy\.io|cert-manager\.io)\//.test(m[1])) {
        return undefined;
    }
    const [group, version] = m[1].includes("/") ? m[1].split("/") : ["", m[1]];
    const apiVersion = group === "core" ? version : `${group}/${version}`;
    const module =
        group === "core"
            ? `kubernetes-models/${version}`
            : group === "kafka.strimzi.io"
              ? `@kubernetes-models/strimzi-kafka-operator/${apiVersion}`
              : group === "monitoring.coreos.com"
                ? `@kubernetes-models/prometheus-operator/${apiVersion}`
                : `kubernetes-models/${apiVersion}`;
    return { module, apiVersion, kind: m[2] };
}

describe("isolation under mocks: Kubernetes schema", () => {
    it("validates every recorded Kubernetes object against its OpenAPI schema (kubernetes-models)", async () => {
        const runs = [await runStack("dev"), await runIndex("prod", { ...WITH_TEAMS, "dataops:airflow": '{"executor":"CeleryExecutor","dags":{"gitRepo":"https://example.com/dags.git"}}' })];
        const checked = new Set<string>();
        const failures: string[] = [];
        for (const run of runs) {
            for (const r of run.resources as RecordedResource[]) {
                const target = modelModule(r.type);
                if (!target) {
                    continue;
                }
                const models = (await import(target.module)) as Record<string, new (o: unknown) => { validate(): void }>;
                const Model = models[target.kind];
                assert.ok(Model, `no model for ${r.type}`);
                const body = r.inputs.apiVersion ? r.inputs : { ...r.inputs, apiVersion: target.apiVersion, kind: target.kind };
                try {
                    new Model(body).validate();
                } catch (e) {
                    failures.push(`${r.type}::${r.name}: ${(e as Error).message}`);
                }
                checked.add(r.type);
            }
        }
        assert.deepStrictEqual(failures, []);
        assert.deepStrictEqual([...checked].sort(), [
            "kubernetes:core/v1:ConfigMap",
            "kubernetes:core/v1:LimitRange",
            "kubernetes:core/v1:Namespace",
            "kubernetes:core/v1:ResourceQuota",
            "kubernetes:core/v1:Secret",
            "kubernetes:core/v1:ServiceAccountPatch",
            "kubernetes:kafka.strimzi.io/v1:Kafka",
            "kubernetes:kafka.strimzi.io/v1:KafkaNodePool",
            "kubernetes:kafka.strimzi.io/v1:KafkaRebalance",
            "kubernetes:kafka.strimzi.io/v1:KafkaTopic",
            "kubernetes:kafka.strimzi.io/v1:KafkaUser",
            "kubernetes:monitoring.coreos.com/v1:PodMonitor",
            "kubernetes:monitoring.coreos.com/v1:PrometheusRule",
            "kubernetes:monitoring.coreos.com/v1:ServiceMonitor",
            "kubernetes:networking.k8s.io/v1:NetworkPolicy",
            "kubernetes:rbac.authorization.k8s.io/v1:ClusterRole",
            "kubernetes:rbac.authorization.k8s.io/v1:Role",
            "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding",
        ]);
    });

    it("rejects a broken object (the check is real)", async () => {
        const { NetworkPolicy } = await import("kubernetes-models/networking.k8s.io/v1");
        assert.throws(() => new NetworkPolicy({ metadata: { name: "x" }, spec: { podSelector: {}, policyTypes: "Ingress" } } as never).validate(), /policyTypes must be array/);
    });
});

describe("team access", () => {
    it("binds only the built-in view/edit/admin ClusterRoles, to groups, in the listed namespaces", async () => {
        const run = await runIndex("dev", WITH_TEAMS);
        const bindings = new Resources(run.resources)
            .ofType("kubernetes:rbac.authorization.k8s.io/v1:RoleBinding")
            .filter((b) => b.inputs.metadata.labels["dataops.io/team"] !== undefined);
        assert.deepStrictEqual(
            bindings.map((b) => [b.inputs.metadata.namespace, b.inputs.metadata.name, b.inputs.roleRef, b.inputs.subjects]),
            [
                ["spark-jobs", "team-analytics-edit", { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "edit" }, [{ apiGroup: "rbac.authorization.k8s.io", kind: "Group", name: "analytics-devs" }]],
                ["analytics-jobs", "team-analytics-admin", { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "admin" }, [{ apiGroup: "rbac.authorization.k8s.io", kind: "Group", name: "analytics-devs" }]],
                [
                    "kafka",
                    "team-ml-view",
                    { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "view" },
                    [
                        { apiGroup: "rbac.authorization.k8s.io", kind: "Group", name: "ml-team" },
                        { apiGroup: "rbac.authorization.k8s.io", kind: "Group", name: "ml-leads" },
                    ],
                ],
                [
                    "ml-jobs",
                    "team-ml-admin",
                    { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "admin" },
                    [
                        { apiGroup: "rbac.authorization.k8s.io", kind: "Group", name: "ml-team" },
                        { apiGroup: "rbac.authorization.k8s.io", kind: "Group", name: "ml-leads" },
                    ],
                ],
            ],
        );
        assert.deepStrictEqual(new Resources(run.resources).ofType("kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding"), []);
    });

    it("makes team namespaces Spark job namespaces", async () => {
        const run = await runIndex("dev", WITH_TEAMS);
        const spark = new Resources(run.resources).get("kubernetes:helm.sh/v3:Release", "platform-spark-release");
        assert.deepStrictEqual(spark.inputs.values.spark.jobNamespaces, ["spark-jobs", "analytics-jobs", "ml-jobs"]);
    });

    const problems = (teams: unknown) => {
        try {
            loadConfig({ "dataops:cloud": "local", "dataops:teams": JSON.stringify(teams) }, "dev");
        } catch (e) {
            return (e as ConfigError).problems.map((p) => `${p.key}: ${p.message}`);
        }
        return [];
    };

    it("rejects bad team configs naming the entry and key", () => {
        assert.deepStrictEqual(
            problems([
                { name: "a", role: "owner", groups: ["g"] },
                { name: "b", role: "view", groups: ["g"], namespaces: ["kube-system", "airflw"] },
                { name: "b", role: "edit", groups: ["g"], ownNamespaces: ["kafka"] },
                { name: "c", role: "admin", groups: ["g"], ownNamespaces: ["shared"], awsPrincipals: ["arn:aws:iam::123456789012:role/x"] },
                { name: "d", role: "admin", groups: ["g"], ownNamespaces: ["shared"] },
            ]),
            [
                "dataops:teams[0].role: must be one of view, edit, admin.",
                "dataops:teams[2].name: duplicates dataops:teams[1].name; team names must be unique.",
                "dataops:teams[2].ownNamespaces[0]: is a platform or Kubernetes namespace; a team can only own namespaces of its own.",
                "dataops:teams[3].awsPrincipals: only applies when dataops:cloud is aws (it is local).",
                'dataops:teams[4].ownNamespaces[0]: is already owned by team "c".',
                "dataops:teams[1].namespaces[0]: is not a namespace the platform manages.",
                'dataops:teams[1].namespaces[1]: is not a namespace the platform manages. Did you mean "airflow"?',
            ],
        );
    });
});

describe("DataPlatform guards its own arguments", () => {
    it("refuses team access to a namespace it does not create, before any child exists", async () => {
        const { config } = loadConfig({ "dataops:cloud": "local" }, "dev");
        const run = await runMocked({
            stack: "dev",
            config: {},
            program: () => {
                const provider = new k8s.Provider("p", {});
                const cluster = localClusterInfo({ apiServerCidrs: [], controlPlaneMetrics: true });
                return new DataPlatform("platform", {
                    config: { ...config, teams: [{ name: "ml", role: "view", groups: ["g"], namespaces: ["scratch"] }] },
                    cluster,
                    provider,
                    clusterReady: [],
                });
            },
        });
        assert.strictEqual(run.error?.message, "team access to namespaces the platform does not create: ml -> scratch");
        assert.deepStrictEqual(run.resources.filter((r) => r.type !== "pulumi:providers:kubernetes" && r.type !== "dataops:platform:DataPlatform"), []);
    });
});
