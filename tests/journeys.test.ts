// The journeys of issue 13 at program level: team access that is sufficient (CRD verbs in the built-in roles, Airflow
// submits Spark jobs) and safe (edit/admin only where a team owns the namespace or jobs run), refused by validation,
// by the component and by the policy pack.
import * as assert from "assert";
import * as k8s from "@pulumi/kubernetes";
import { localClusterInfo } from "../components/cluster/local";
import { DataPlatform } from "../components/platform";
import { JOBS_LABEL, teamAccessScope, teamScopeProblems, TYPES } from "../policy/policies";
import { runPolicies } from "../scripts/plan-policy";
import { LABELS, OPERATOR_NAMESPACES } from "../stacks/catalog";
import { loadConfig } from "../stacks/config";
import { ConfigError } from "../stacks/problems";
import { RecordedResource, Resources, runIndex, runMocked } from "./harness";

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
    const PROVIDER = "urn:pulumi:dev::dataops::pulumi:providers:kubernetes::k8s";
    const rec = (type: string, name: string, inputs: Record<string, any>): RecordedResource => ({
        type,
        name,
        urn: `urn:pulumi:dev::dataops::${type}::${name}`,
        custom: true,
        parent: "",
        dependencies: [],
        provider: `${PROVIDER}::id`,
        protect: false,
        ignoreChanges: [],
        deleteBeforeReplace: false,
        retainOnDelete: false,
        replaceOnChanges: [],
        additionalSecretOutputs: [],
        inputs,
        secretPaths: [],
    });
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
