// The journeys of issue 13 at program level: team access that is sufficient (CRD verbs in the built-in roles, Airflow
// submits Spark jobs) and safe (edit/admin only where a team owns the namespace or jobs run), refused by validation,
// by the component and by the policy pack.
import * as assert from "assert";
import * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import { localClusterInfo } from "../components/cluster/local";
import { DataPlatform } from "../components/platform";
import { JOBS_LABEL, teamAccessScope, teamScopeProblems, TYPES } from "../policy/policies";
import { runPolicies } from "../scripts/plan-policy";
import { SIZING, SPARK_CONTROLLER_BASE_MI, SPARK_SUBMIT_JVM_MI, SPARK_SUBMIT_WORKERS } from "../components/workloads/sizing";
import { LABELS, OPERATOR_NAMESPACES } from "../stacks/catalog";
import { loadConfig } from "../stacks/config";
import { ConfigError } from "../stacks/problems";
import { RecordedResource, recordedResource, Resources, runIndex, runMocked, runStack, valueOf } from "./harness";

const CLUSTER_ROLE = "kubernetes:rbac.authorization.k8s.io/v1:ClusterRole";
const ROLE = "kubernetes:rbac.authorization.k8s.io/v1:Role";
const ROLE_BINDING = "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding";
const NAMESPACE = "kubernetes:core/v1:Namespace";

const TEAMS = [
    { name: "analytics", role: "edit", groups: ["analytics-devs"], namespaces: ["spark-jobs"], ownNamespaces: ["analytics-jobs"] },
    { name: "ml", role: "view", groups: ["ml-team"], namespaces: ["kafka", "airflow", "analytics-jobs"], ownNamespaces: ["ml-jobs"] },
];
const WITH_TEAMS = { "dataops:cloud": "local", "dataops:teams": JSON.stringify(TEAMS) };

function problems(teams: unknown, extra: Record<string, string> = {}): string[] {
    try {
        loadConfig({ "dataops:cloud": "local", "dataops:teams": JSON.stringify(teams), ...extra }, "dev");
    } catch (e) {
        return (e as ConfigError).problems.map((p) => `${p.key} = ${JSON.stringify(p.value)}: ${p.message} Fix: ${p.fix}`);
    }
    return [];
}

describe("journeys: team access is refused outside owned and job namespaces", () => {
    it("accepts edit in the job namespace, admin in owned namespaces and view anywhere the platform manages", () => {
        assert.deepStrictEqual(problems(TEAMS), []);
    });

    it("refuses edit/admin in operator and platform namespaces and in another team's namespace, naming team, namespace and why", () => {
        assert.deepStrictEqual(
            problems([
                { name: "analytics", role: "edit", groups: ["g"], namespaces: ["kafka", "spark-jobs", "airflow"], ownNamespaces: ["analytics-jobs"] },
                { name: "ops", role: "admin", groups: ["o"], namespaces: ["monitoring", "node-exporter", "analytics-jobs"] },
            ]),
            [
                'dataops:teams[0].namespaces[0] = "kafka": team "analytics" would get edit in "kafka", an operator namespace: edit can run pods under any service account there (reaching the operator\'s cluster-wide rights) and read its Secrets; teams get view at most in operator namespaces. Fix: remove "kafka" from dataops:teams[0].namespaces, or give that team role view; edit and admin are for spark-jobs and the team\'s ownNamespaces.',
                'dataops:teams[0].namespaces[2] = "airflow": team "analytics" would get edit in "airflow": edit can read the metadata database credentials and exec into the scheduler; teams get view at most in platform namespaces. Fix: remove "airflow" from dataops:teams[0].namespaces, or give that team role view; edit and admin are for spark-jobs and the team\'s ownNamespaces.',
                'dataops:teams[1].namespaces[0] = "monitoring": team "ops" would get admin in "monitoring", an operator namespace: admin can run pods under any service account there (reaching the operator\'s cluster-wide rights) and read its Secrets; teams get view at most in operator namespaces. Fix: remove "monitoring" from dataops:teams[1].namespaces, or give that team role view; edit and admin are for spark-jobs and the team\'s ownNamespaces.',
                'dataops:teams[1].namespaces[1] = "node-exporter": team "ops" would get admin in "node-exporter", an operator namespace: admin can run pods under any service account there (reaching the operator\'s cluster-wide rights) and read its Secrets; teams get view at most in operator namespaces. Fix: remove "node-exporter" from dataops:teams[1].namespaces, or give that team role view; edit and admin are for spark-jobs and the team\'s ownNamespaces.',
                'dataops:teams[1].namespaces[2] = "analytics-jobs": team "ops" would get admin in "analytics-jobs", which team "analytics" owns; another team gets view at most there. Fix: remove "analytics-jobs" from dataops:teams[1].namespaces, or give that team role view; edit and admin are for spark-jobs and the team\'s ownNamespaces.',
            ],
        );
    });

    it("names the renamed job namespace as the place for edit", () => {
        assert.deepStrictEqual(problems([{ name: "a", role: "edit", groups: ["g"], namespaces: ["spark-operator"] }], { "dataops:spark": JSON.stringify({ jobNamespace: "batch" }) }), [
            'dataops:teams[0].namespaces[0] = "spark-operator": team "a" would get edit in "spark-operator", an operator namespace: edit can run pods under any service account there (reaching the operator\'s cluster-wide rights) and read its Secrets; teams get view at most in operator namespaces. Fix: remove "spark-operator" from dataops:teams[0].namespaces, or give that team role view; edit and admin are for batch and the team\'s ownNamespaces.',
        ]);
    });

    it("covers every operator namespace of the catalog", () => {
        assert.deepStrictEqual([...OPERATOR_NAMESPACES], ["kafka", "spark-operator", "monitoring", "node-exporter"]);
    });

    it("DataPlatform refuses edit in an operator namespace before any child exists", async () => {
        const { config } = loadConfig({ "dataops:cloud": "local" }, "dev");
        const run = await runMocked({
            stack: "dev",
            config: {},
            program: () =>
                new DataPlatform("platform", {
                    config: { ...config, teams: [{ name: "ml", role: "edit", groups: ["g"], namespaces: ["kafka"] }] },
                    cluster: localClusterInfo({ apiServerCidrs: [], controlPlaneMetrics: true }),
                    provider: new k8s.Provider("p", {}),
                    clusterReady: [],
                }),
        });
        assert.strictEqual(
            run.error?.message,
            'team access refused: team "ml" would get edit in "kafka", an operator namespace: edit can run pods under any service account there (reaching the operator\'s cluster-wide rights) and read its Secrets; teams get view at most in operator namespaces.',
        );
        assert.deepStrictEqual(run.resources.filter((r) => r.type !== "pulumi:providers:kubernetes" && r.type !== "dataops:platform:DataPlatform"), []);
    });
});

describe("journeys: what teams and Airflow may do with SparkApplications", () => {
    let res: Resources;
    before(async () => {
        const run = await runIndex("dev", WITH_TEAMS);
        assert.strictEqual(run.error, undefined, run.error?.message);
        res = new Resources(run.resources);
    });

    it("labels the job namespaces (shared and team-owned) and no other", () => {
        const jobs = res
            .ofType(NAMESPACE)
            .filter((n) => n.inputs.metadata.labels[LABELS.jobs] === "true")
            .map((n) => n.inputs.metadata.name);
        assert.deepStrictEqual(jobs, ["spark-jobs", "analytics-jobs", "ml-jobs"]);
        assert.strictEqual(LABELS.jobs, JOBS_LABEL);
    });

    it("aggregates SparkApplication verbs into view (read) and edit/admin (write)", () => {
        const roles = res
            .ofType(CLUSTER_ROLE)
            .map((r) => ({ name: r.inputs.metadata.name, labels: r.inputs.metadata.labels, rules: r.inputs.rules }))
            .sort((a, b) => b.name.localeCompare(a.name));
        const base = { "app.kubernetes.io/part-of": "dataops", "app.kubernetes.io/managed-by": "pulumi" };
        assert.deepStrictEqual(roles, [
            {
                name: "dataops-spark-view",
                labels: {
                    ...base,
                    "rbac.authorization.k8s.io/aggregate-to-view": "true",
                    "rbac.authorization.k8s.io/aggregate-to-edit": "true",
                    "rbac.authorization.k8s.io/aggregate-to-admin": "true",
                },
                rules: [
                    {
                        apiGroups: ["sparkoperator.k8s.io"],
                        resources: ["sparkapplications", "scheduledsparkapplications", "sparkapplications/status", "scheduledsparkapplications/status"],
                        verbs: ["get", "list", "watch"],
                    },
                ],
            },
            {
                name: "dataops-spark-edit",
                labels: { ...base, "rbac.authorization.k8s.io/aggregate-to-edit": "true", "rbac.authorization.k8s.io/aggregate-to-admin": "true" },
                rules: [
                    {
                        apiGroups: ["sparkoperator.k8s.io"],
                        resources: ["sparkapplications", "scheduledsparkapplications"],
                        verbs: ["create", "update", "patch", "delete", "deletecollection"],
                    },
                ],
            },
        ]);
    });

    it("lets Airflow's task pods submit and follow SparkApplications in the shared job namespace only", () => {
        const roles = res.ofType(ROLE).filter((r) => r.inputs.metadata.name === "airflow-spark-submitter");
        assert.deepStrictEqual(
            roles.map((r) => [r.inputs.metadata.namespace, r.inputs.rules]),
            [
                [
                    "spark-jobs",
                    [
                        { apiGroups: ["sparkoperator.k8s.io"], resources: ["sparkapplications"], verbs: ["create", "get", "list", "watch", "patch", "delete"] },
                        { apiGroups: ["sparkoperator.k8s.io"], resources: ["sparkapplications/status"], verbs: ["get"] },
                        { apiGroups: [""], resources: ["pods"], verbs: ["get", "list", "watch"] },
                        { apiGroups: [""], resources: ["pods/log"], verbs: ["get"] },
                        { apiGroups: [""], resources: ["events"], verbs: ["get", "list", "watch"] },
                    ],
                ],
            ],
        );
        const bindings = res.ofType(ROLE_BINDING).filter((r) => r.inputs.metadata.name === "airflow-spark-submitter");
        assert.deepStrictEqual(
            bindings.map((b) => [b.inputs.metadata.namespace, b.inputs.roleRef, b.inputs.subjects]),
            [
                [
                    "spark-jobs",
                    { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: "airflow-spark-submitter" },
                    [{ kind: "ServiceAccount", name: "airflow-worker", namespace: "airflow" }],
                ],
            ],
        );
    });

    it("binds no Airflow submitter when Airflow is off", async () => {
        const run = await runIndex("dev", { ...WITH_TEAMS, "dataops:airflow": JSON.stringify({ enabled: false }) });
        assert.deepStrictEqual(new Resources(run.resources).ofType(ROLE).filter((r) => r.inputs.metadata.name === "airflow-spark-submitter"), []);
    });

    it("passes the team-access-scope policy", async () => {
        const items = res.all.map((r) => ({ type: r.type, urn: r.urn, props: r.inputs, provider: r.provider ? { urn: r.provider } : undefined }));
        assert.deepStrictEqual(teamScopeProblems(items), []);
    });
});

describe("policy: team-access-scope", () => {
    const rec = (type: string, name: string, inputs: Record<string, any>) => recordedResource(type, name, inputs, "dev");
    const ns = (name: string, labels: Record<string, string>) => rec(NAMESPACE, `ns-${name}`, { metadata: { name, labels } });
    const bind = (team: string, namespace: string, role: string) =>
        rec(TYPES.roleBinding, `${team}-${namespace}-${role}`, {
            metadata: { name: `team-${team}-${role}`, namespace, labels: { "dataops.io/team": team } },
            roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: role },
            subjects: [{ kind: "Group", name: team, apiGroup: "rbac.authorization.k8s.io" }],
        });
    const provider = { ...rec("pulumi:providers:kubernetes", "k8s", {}), provider: "" };
    const namespaces = [ns("kafka", {}), ns("spark-jobs", { "dataops.io/jobs": "true" }), ns("a-jobs", { "dataops.io/jobs": "true", "dataops.io/team": "a" })];

    it("passes edit in a job namespace, admin in the team's own and view anywhere", async () => {
        const records = [provider, ...namespaces, bind("a", "spark-jobs", "edit"), bind("a", "a-jobs", "admin"), bind("a", "kafka", "view")];
        assert.deepStrictEqual((await runPolicies(records, [teamAccessScope])).violations, []);
    });

    it("fires on edit in an operator namespace and admin in a namespace the stack does not label", async () => {
        const records = [provider, ...namespaces, bind("a", "kafka", "edit"), bind("b", "elsewhere", "admin")];
        assert.deepStrictEqual(
            (await runPolicies(records, [teamAccessScope])).violations.map((v) => v.message),
            [
                "team a: ClusterRole edit in namespace kafka, which is neither the team's own (dataops.io/team=a) nor a job namespace (dataops.io/jobs=true); teams get view at most in platform and operator namespaces",
                "team b: ClusterRole admin in namespace elsewhere, which is neither the team's own (dataops.io/team=b) nor a job namespace (dataops.io/jobs=true); teams get view at most in platform and operator namespaces",
            ],
        );
    });
});

const RELEASE = "kubernetes:helm.sh/v3:Release";
const POLICY = "kubernetes:networking.k8s.io/v1:NetworkPolicy";
const QUOTA = "kubernetes:core/v1:ResourceQuota";
const SECRET = "kubernetes:core/v1:Secret";

/** Millicores and MiB of a Kubernetes quantity, for the capacity sums. */
const cpu = (q: string) => (q.endsWith("m") ? Number(q.slice(0, -1)) : Number(q) * 1000);
const mem = (q: string) => (q.endsWith("Gi") ? Number(q.slice(0, -2)) * 1024 : Number(q.replace(/Mi$/, "")));

describe("journeys: Airflow runs DAGs all day", () => {
    for (const profile of ["dev", "prod"] as const) {
        it(`fits ${profile} task capacity (parallelism times task pod size, plus every component) in the airflow quota`, async () => {
            const run = await runIndex(profile, { "dataops:cloud": "local", "dataops:kafka": JSON.stringify({ brokers: 3 }) });
            assert.strictEqual(run.error, undefined, run.error?.message);
            const res = new Resources(run.resources);
            const v = res.get(RELEASE, "platform-airflow-release").inputs.values;
            const parallelism = Number(v.config.core.parallelism);
            // [core] parallelism counts per scheduler: the slots are shared among them.
            assert.deepStrictEqual([v.config.core.parallelism, v.config.core.max_active_tasks_per_dag, v.scheduler.replicas], profile === "dev" ? ["4", "2", 1] : ["8", "8", 2]);
            assert.strictEqual(v.config.kubernetes_executor.task_publish_max_retries, "-1");
            const hard = res.ofType(QUOTA).find((q) => q.inputs.metadata.namespace === "airflow")!.inputs.spec.hard;
            const parts: [{ requests: Record<string, string>; limits: Record<string, string> }, number][] = [
                [v.scheduler.resources, v.scheduler.replicas],
                [v.apiServer.resources, v.apiServer.replicas],
                [v.triggerer.resources, 1],
                [v.dagProcessor.resources, 1],
                [v.statsd.resources, 1],
                [v.migrateDatabaseJob.resources, 1],
                [v.createUserJob.resources, 1],
                [v.workers.resources, parallelism * v.scheduler.replicas],
            ];
            const sum = (kind: "requests" | "limits", key: "cpu" | "memory", f: (q: string) => number) => parts.reduce((acc, [r, n]) => acc + f(r[kind][key]) * n, 0);
            assert.ok(sum("requests", "cpu", cpu) <= cpu(hard["requests.cpu"]), `requests.cpu ${sum("requests", "cpu", cpu)}m > ${hard["requests.cpu"]}`);
            assert.ok(sum("limits", "cpu", cpu) <= cpu(hard["limits.cpu"]), `limits.cpu ${sum("limits", "cpu", cpu)}m > ${hard["limits.cpu"]}`);
            assert.ok(sum("requests", "memory", mem) <= mem(hard["requests.memory"]), `requests.memory > ${hard["requests.memory"]}`);
            assert.ok(sum("limits", "memory", mem) <= mem(hard["limits.memory"]), `limits.memory > ${hard["limits.memory"]}`);
            assert.ok(parallelism * v.scheduler.replicas + 2 * v.scheduler.replicas + 5 <= Number(hard.pods), "pods");
        });
    }

    it("ships task logs to the store in prod, opens egress to the store only, and gives a way in through a generated admin Secret", async () => {
        const run = await runStack("prod-aws");
        assert.strictEqual(run.error, undefined, run.error?.message);
        const res = new Resources(run.resources);
        const v = res.get(RELEASE, "platform-airflow-release").inputs.values;
        assert.deepStrictEqual(v.config.logging, { remote_logging: "True", remote_base_log_folder: "s3://dataops-prod-aws-data-mock/airflow-logs", remote_log_conn_id: "aws_default" });
        assert.strictEqual(v.config.kubernetes_executor.delete_worker_pods, undefined);
        const admin = res.ofType(SECRET).find((s) => s.inputs.metadata.name === "airflow-admin")!;
        assert.deepStrictEqual([admin.inputs.metadata.namespace, Object.keys(admin.inputs.stringData).sort(), admin.secretPaths], ["airflow", ["password", "username"], ["stringData"]]);
        assert.strictEqual(admin.inputs.stringData.username, "admin");
        assert.strictEqual(await valueOf((run.outputs as Record<string, pulumi.Output<string>>).airflowAdminSecret), "airflow/airflow-admin");
        // The password is read from the Secret when the Job runs: never in the values (state, Helm release).
        assert.deepStrictEqual(v.createUserJob.defaultUser, { enabled: true });
        assert.deepStrictEqual(v.createUserJob.env, [{ name: "ADMIN_PASSWORD", valueFrom: { secretKeyRef: { name: "airflow-admin", key: "password" } } }]);
        assert.deepStrictEqual(v.createUserJob.args.slice(0, 4), ["bash", "-c", 'exec airflow users create "$@" --password "$ADMIN_PASSWORD"', "--"]);
        assert.ok(!JSON.stringify(v).includes(admin.inputs.stringData.password), "the admin password is not in the chart values");
        // Finished Jobs go at once, so an upgrade never patches a Job kept for its TTL; pods wait for migrations instead.
        assert.deepStrictEqual([v.migrateDatabaseJob.ttlSecondsAfterFinished, v.createUserJob.ttlSecondsAfterFinished], [0, 0]);
        assert.strictEqual(res.get(RELEASE, "platform-airflow-release").inputs.waitForJobs, false);
        const egress = res
            .ofType(POLICY)
            .filter((p) => p.inputs.metadata.namespace === "airflow")
            .map((p) => p.inputs.metadata.name);
        assert.ok(egress.includes("allow-data-store"));
        assert.ok(!egress.includes("allow-internet-egress"));
    });

    it("keeps finished task pods where no store exists (local), so their logs stay readable in the UI", async () => {
        const run = await runStack("dev");
        const v = new Resources(run.resources).get(RELEASE, "platform-airflow-release").inputs.values;
        assert.strictEqual(v.config.logging, undefined);
        assert.strictEqual(v.config.kubernetes_executor.delete_worker_pods, "False");
    });
});

describe("journeys: Spark job pods reach the store's endpoints on 443 and not the rest of the internet", () => {
    const cases: [string, unknown[]][] = [
        ["prod-aws", [{ ipBlock: { cidr: "3.5.64.0/21" } }, { ipBlock: { cidr: "52.218.0.0/17" } }]],
        ["prod-gcp", [{ ipBlock: { cidr: "199.36.153.8/30" } }]],
        ["prod-azure", [{ ipBlock: { cidr: "10.20.127.254/32" } }, { ipBlock: { cidr: "10.20.127.253/32" } }]],
    ];
    for (const [stack, to] of cases) {
        it(`${stack}: spark-jobs and the team namespace`, async () => {
            const run = await runStack(stack);
            assert.strictEqual(run.error, undefined, run.error?.message);
            const policies = new Resources(run.resources).ofType(POLICY);
            for (const ns of ["spark-jobs", "analytics-jobs"]) {
                const mine = policies.filter((p) => p.inputs.metadata.namespace === ns);
                const store = mine.find((p) => p.inputs.metadata.name === "allow-data-store")!;
                assert.deepStrictEqual(store.inputs.spec, { podSelector: {}, policyTypes: ["Egress"], egress: [{ to, ports: [{ port: 443, protocol: "TCP" }] }] }, ns);
                assert.deepStrictEqual(mine.filter((p) => p.inputs.metadata.name === "allow-internet-egress"), [], ns);
            }
        });
    }

    it("sizes the controller for concurrent spark-submit JVMs", async () => {
        const run = await runStack("dev");
        const v = new Resources(run.resources).get(RELEASE, "platform-spark-release").inputs.values;
        assert.deepStrictEqual([v.controller.workers, v.controller.env], [
            4,
            [
                { name: "SPARK_CONF_DIR", value: "/etc/spark-defaults" },
                { name: "SPARK_SUBMIT_OPTS", value: "-Xmx256m" },
            ],
        ]);
        // The controller (256Mi) plus four JVMs of 384Mi each.
        assert.deepStrictEqual(v.controller.resources, { requests: { cpu: "500m", memory: "1Gi" }, limits: { cpu: "2", memory: "1792Mi" } });
        for (const profile of ["dev", "prod"] as const) {
            const r = SIZING[profile].sparkController;
            const jvms = (n: number) => SPARK_CONTROLLER_BASE_MI + n * SPARK_SUBMIT_JVM_MI;
            assert.deepStrictEqual([mem(r.limits.memory), mem(r.requests.memory)], [jvms(SPARK_SUBMIT_WORKERS[profile]), jvms(SPARK_SUBMIT_WORKERS[profile] / 2)], profile);
        }
    });

    it("annotates each job namespace's Spark account with its own identity on AKS (a team's, or the shared one)", async () => {
        const run = await runStack("prod-azure");
        const res = new Resources(run.resources);
        assert.deepStrictEqual(res.get(RELEASE, "platform-spark-release").inputs.values.spark.serviceAccount, { create: true, name: "spark", annotations: {} });
        const patches = res
            .ofType("kubernetes:core/v1:ServiceAccountPatch")
            .filter((p) => p.inputs.metadata.name === "spark")
            .map((p) => [p.inputs.metadata.namespace, p.inputs.metadata.annotations]);
        assert.deepStrictEqual(patches, [
            ["spark-jobs", { "azure.workload.identity/client-id": "client-id-dataops-prod-azure-spark" }],
            ["analytics-jobs", { "azure.workload.identity/client-id": "client-id-dataops-prod-azure-team-analytics" }],
        ]);
    });
});

describe("journeys: inside the airflow namespace, task pods reach the API server and not the metadata database", () => {
    const named = (run: { resources: RecordedResource[] }, name: string) =>
        new Resources(run.resources).ofType(POLICY).find((p) => p.inputs.metadata.namespace === "airflow" && p.inputs.metadata.name === name)?.inputs.spec;
    const clients = { matchExpressions: [{ key: "component", operator: "In", values: ["scheduler", "api-server", "dag-processor", "triggerer", "run-airflow-migrations", "create-user-job"] }] };

    it("bundled PostgreSQL: only the database clients reach it; every pod reaches the API server", async () => {
        const run = await runStack("dev");
        assert.strictEqual(named(run, "allow-same-namespace"), undefined);
        assert.deepStrictEqual(named(run, "allow-metadata-db-in"), {
            podSelector: { matchLabels: { "app.kubernetes.io/name": "postgresql" } },
            policyTypes: ["Ingress"],
            ingress: [{ from: [{ podSelector: clients }], ports: [{ port: 5432, protocol: "TCP" }] }],
        });
        assert.deepStrictEqual(named(run, "allow-metadata-db-out")?.podSelector, clients);
        assert.deepStrictEqual(named(run, "allow-api-server-in"), {
            podSelector: { matchLabels: { component: "api-server" } },
            policyTypes: ["Ingress"],
            ingress: [{ from: [{ podSelector: {} }], ports: [{ port: 8080, protocol: "TCP" }] }],
        });
        assert.deepStrictEqual(named(run, "allow-task-logs-in")?.podSelector, { matchExpressions: [{ key: "component", operator: "In", values: ["worker", "triggerer"] }] });
    });

    it("external database: the egress to it is limited to the database clients", async () => {
        const airflow = JSON.stringify({ metadataConnection: "postgresql://airflow:pw@10.10.5.5:5432/airflow", databaseCidrs: ["10.10.5.0/24"] });
        const run = await runIndex("dev", { "dataops:cloud": "local", "dataops:airflow": airflow }, ["dataops:airflow"]);
        assert.strictEqual(run.error, undefined, run.error?.message);
        assert.deepStrictEqual(named(run, "allow-metadata-db"), {
            podSelector: clients,
            policyTypes: ["Egress"],
            egress: [{ to: [{ ipBlock: { cidr: "10.10.5.0/24" } }], ports: [{ port: 5432, protocol: "TCP" }] }],
        });
        assert.strictEqual(named(run, "allow-metadata-db-in"), undefined);
    });

    it("CeleryExecutor: workers are database clients (Celery's result backend) and reach Redis", async () => {
        const run = await runIndex("dev", { "dataops:cloud": "local", "dataops:airflow": JSON.stringify({ executor: "CeleryExecutor" }) });
        assert.deepStrictEqual(named(run, "allow-metadata-db-in")?.ingress[0].from[0].podSelector.matchExpressions[0].values.slice(-1), ["worker"]);
        assert.deepStrictEqual(named(run, "allow-redis-in")?.ingress[0].from[0].podSelector, { matchExpressions: [{ key: "component", operator: "In", values: ["scheduler", "worker"] }] });
    });
});
