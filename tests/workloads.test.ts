// The five workloads under mocks: exact chart coordinates, ordering, HA in prod, secrets, stability, enable switches,
// and values checked against the charts' real value paths.
import * as assert from "assert";
import { remoteLoggingValues } from "../components/workloads/airflow";
import { SIZING } from "../components/workloads/sizing";
import { Resources, Run, runIndex, runStack, stringInputs, valueOf } from "./harness";
import { chartKeys, unknownPaths } from "./chart-values";

const RELEASE = "kubernetes:helm.sh/v3:Release";
const NAMESPACE = "kubernetes:core/v1:Namespace";
const CR_KAFKA = "kubernetes:kafka.strimzi.io/v1:Kafka";
const CR_POOL = "kubernetes:kafka.strimzi.io/v1:KafkaNodePool";
const CONFIG_GROUP = "kubernetes:yaml/v2:ConfigGroup";

const EXPECTED_RELEASES = [
    {
        name: "platform-airflow-release",
        release: "airflow",
        chart: "airflow",
        repo: "https://airflow.apache.org",
        version: "1.22.0",
        namespace: "airflow",
        skipCrds: false,
    },
    {
        name: "platform-kafka-operator",
        release: "strimzi",
        chart: "oci://quay.io/strimzi-helm/strimzi-kafka-operator",
        repo: undefined,
        version: "1.2.0",
        namespace: "kafka",
        skipCrds: true,
    },
    {
        name: "platform-spark-release",
        release: "spark-operator",
        chart: "spark-operator",
        repo: "https://kubeflow.github.io/spark-operator",
        version: "2.5.2",
        namespace: "spark-operator",
        skipCrds: true,
    },
    {
        name: "platform-monitoring-release",
        release: "kube-prometheus-stack",
        chart: "kube-prometheus-stack",
        repo: "https://prometheus-community.github.io/helm-charts",
        version: "88.5.3",
        namespace: "monitoring",
        skipCrds: true,
    },
    {
        name: "platform-grafana-release",
        release: "grafana",
        chart: "grafana",
        repo: "https://grafana-community.github.io/helm-charts",
        version: "12.11.1",
        namespace: "monitoring",
        skipCrds: false,
    },
];

/** Every container the values size in the dev stack (Celery-only Redis and git-sync are not enabled there). */
const EXPECTED_SIZED = [
    "platform-airflow-release.migrateDatabaseJob.resources",
    "platform-airflow-release.postgresql.primary.resources",
    "platform-airflow-release.createUserJob.resources",
    "platform-airflow-release.statsd.resources",
    "platform-airflow-release.scheduler.resources",
    "platform-airflow-release.apiServer.resources",
    "platform-airflow-release.workers.resources",
    "platform-airflow-release.triggerer.resources",
    "platform-airflow-release.dagProcessor.resources",
    "platform-kafka-operator.resources",
    "platform-spark-release.controller.resources",
    "platform-spark-release.webhook.resources",
    "platform-monitoring-release.prometheus.prometheusSpec.resources",
    "platform-monitoring-release.alertmanager.alertmanagerSpec.resources",
    "platform-monitoring-release.prometheusOperator.resources",
    "platform-monitoring-release.prometheusOperator.admissionWebhooks.patch.resources",
    "platform-monitoring-release.kube-state-metrics.resources",
    "platform-monitoring-release.prometheus-node-exporter.resources",
    "platform-grafana-release.resources",
    "platform-grafana-release.sidecar.resources",
    // The front door's charts (tests/access.test.ts); Envoy's proxies are sized in the EnvoyProxy resource.
    "platform-access-envoy-gateway.deployment.envoyGateway.resources",
    "platform-access-cert-manager.resources",
    "platform-access-cert-manager.webhook.resources",
    "platform-access-cert-manager.cainjector.resources",
    "platform-access-cert-manager.startupapicheck.resources",
];

const PROD_LOCAL = { "dataops:cloud": "local", "dataops:profile": "prod" };

function namespaceUrn(res: Resources, ns: string): string {
    const n = res.ofType(NAMESPACE).find((r) => r.inputs.metadata.name === ns);
    assert.ok(n, `no Namespace ${ns}`);
    return n.urn;
}

describe("workloads under mocks: dev stack", () => {
    let run: Run;
    let res: Resources;
    before(async () => {
        run = await runStack("dev");
        res = new Resources(run.resources);
    });

    it("registers exactly the five releases with pinned chart, repository, version and namespace", () => {
        // The front door's releases are checked in tests/access.test.ts.
        const releases = res.ofType(RELEASE).filter((r) => !r.name.startsWith("platform-access-"));
        assert.deepStrictEqual(
            releases.map((r) => r.name).sort(),
            EXPECTED_RELEASES.map((e) => e.name).sort(),
        );
        for (const e of EXPECTED_RELEASES) {
            const r = res.get(RELEASE, e.name);
            assert.strictEqual(r.inputs.name, e.release);
            assert.strictEqual(r.inputs.chart, e.chart);
            assert.strictEqual(r.inputs.repositoryOpts?.repo, e.repo);
            assert.strictEqual(r.inputs.version, e.version);
            assert.strictEqual(r.inputs.namespace, e.namespace);
            assert.strictEqual(r.inputs.atomic, true);
            assert.strictEqual(r.inputs.cleanupOnFail, true);
            assert.strictEqual(r.inputs.timeout, 900);
            assert.strictEqual(r.inputs.maxHistory, 5);
            assert.strictEqual(r.inputs.createNamespace, false);
            assert.strictEqual(r.inputs.skipCrds, e.skipCrds);
        }
    });

    it("makes each release depend on its namespace and use the cluster's provider", () => {
        const provider = res.get("pulumi:providers:kubernetes", "cluster-k8s");
        for (const e of EXPECTED_RELEASES) {
            const r = res.get(RELEASE, e.name);
            assert.ok(r.dependencies.includes(namespaceUrn(res, e.namespace)), `${e.name} must depend on namespace ${e.namespace}`);
            assert.strictEqual(res.providerOf(r), provider);
        }
    });

    it("applies the operators' CRDs from the pinned upstream release before the operators", () => {
        const crds = (n: string) => res.get(CONFIG_GROUP, n);
        assert.deepStrictEqual(crds("platform-kafka-crds").inputs.files, [
            "https://github.com/strimzi/strimzi-kafka-operator/releases/download/1.2.0/strimzi-crds-1.2.0.yaml",
        ]);
        assert.strictEqual(crds("platform-spark-crds").inputs.files.length, 3);
        assert.strictEqual(
            crds("platform-spark-crds").inputs.files[0],
            "https://raw.githubusercontent.com/kubeflow/spark-operator/v2.5.2/charts/spark-operator-chart/crds/sparkoperator.k8s.io_sparkapplications.yaml",
        );
        assert.strictEqual(crds("platform-monitoring-crds").inputs.files.length, 10);
        assert.strictEqual(
            crds("platform-monitoring-crds").inputs.files[8],
            "https://raw.githubusercontent.com/prometheus-community/helm-charts/kube-prometheus-stack-88.5.3/charts/kube-prometheus-stack/charts/crds/crds/crd-servicemonitors.yaml",
        );
        for (const [release, group] of [
            ["platform-kafka-operator", "platform-kafka-crds"],
            ["platform-spark-release", "platform-spark-crds"],
            ["platform-monitoring-release", "platform-monitoring-crds"],
        ]) {
            assert.ok(res.get(RELEASE, release).dependencies.includes(crds(group).urn), `${release} waits for ${group}`);
        }
    });

    it("creates the Kafka cluster (KRaft, one dual-role node) after the Strimzi release", () => {
        const operator = res.get(RELEASE, "platform-kafka-operator");
        const pool = res.get(CR_POOL, "platform-kafka-pool-dual");
        const kafka = res.get(CR_KAFKA, "platform-kafka-cluster");
        assert.ok(pool.dependencies.includes(operator.urn));
        assert.ok(kafka.dependencies.includes(operator.urn));
        assert.ok(kafka.dependencies.includes(pool.urn));
        assert.deepStrictEqual(pool.inputs.spec.roles, ["controller", "broker"]);
        assert.strictEqual(pool.inputs.spec.replicas, 1);
        assert.strictEqual(pool.inputs.metadata.labels["strimzi.io/cluster"], "dataops");
        assert.deepStrictEqual(kafka.inputs.spec.kafka.config, {
            "default.replication.factor": 1,
            "min.insync.replicas": 1,
            "offsets.topic.replication.factor": 1,
            "transaction.state.log.replication.factor": 1,
            "transaction.state.log.min.isr": 1,
            "auto.create.topics.enable": false,
        });
        assert.deepStrictEqual(kafka.inputs.spec.kafka.listeners, [
            { name: "tls", port: 9093, type: "internal", tls: true, authentication: { type: "scram-sha-512" } },
        ]);
        assert.strictEqual(kafka.inputs.spec.kafka.rack, undefined);
        assert.strictEqual(kafka.protect, false);
        assert.strictEqual(pool.protect, false);
    });

    it("configures Airflow without Helm hooks, with Pulumi-made secrets referenced by name", () => {
        const v = res.get(RELEASE, "platform-airflow-release").inputs.values;
        assert.strictEqual(v.executor, "KubernetesExecutor");
        assert.deepStrictEqual(v.migrateDatabaseJob.useHelmHooks, false);
        assert.deepStrictEqual(v.createUserJob.useHelmHooks, false);
        assert.strictEqual(v.createUserJob.defaultUser.enabled, true);
        assert.strictEqual(v.fernetKeySecretName, "airflow-fernet-key");
        assert.strictEqual(v.jwtSecretName, "airflow-jwt-secret");
        assert.strictEqual(v.apiSecretKeySecretName, "airflow-api-secret-key");
        assert.deepStrictEqual(v.data, { metadataSecretName: "airflow-metadata" });
        assert.deepStrictEqual(v.postgresql, {
            enabled: true,
            auth: { existingSecret: "airflow-postgresql-auth" },
            primary: { resources: SIZING.dev.airflowPostgres, persistence: { size: "8Gi" } },
        });
        assert.strictEqual(v.statsd.enabled, true);
        // statsd does not inherit the global security contexts; restricted PSA needs its own.
        assert.deepStrictEqual(v.statsd.securityContexts, {
            pod: { runAsNonRoot: true, runAsUser: 65534, fsGroup: 65534, seccompProfile: { type: "RuntimeDefault" } },
            container: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] }, runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } },
        });
        // The chart's 100Gi log volumes would not fit a dev quota.
        assert.deepStrictEqual(v.triggerer.persistence, { enabled: true, size: "5Gi" });
        assert.deepStrictEqual(v.workers.persistence, { enabled: false, size: "5Gi" });
        assert.strictEqual(v.scheduler.replicas, 1);
        assert.strictEqual(v.scheduler.podDisruptionBudget.enabled, false);
        const secrets = res.ofType("kubernetes:core/v1:Secret").filter((s) => s.parent === res.get("dataops:workloads:Airflow", "platform-airflow").urn);
        assert.deepStrictEqual(
            secrets.map((s) => [s.inputs.metadata.name, Object.keys(s.inputs.stringData), s.secretPaths]),
            [
                ["airflow-fernet-key", ["fernet-key"], ["stringData"]],
                ["airflow-jwt-secret", ["jwt-secret"], ["stringData"]],
                ["airflow-api-secret-key", ["api-secret-key"], ["stringData"]],
                ["airflow-postgresql-auth", ["postgres-password"], ["stringData"]],
                ["airflow-metadata", ["connection"], ["stringData"]],
                ["airflow-admin", ["password", "username"], ["stringData"]],
            ],
        );
        const release = res.get(RELEASE, "platform-airflow-release");
        for (const s of secrets) {
            assert.ok(release.dependencies.includes(s.urn), `release waits for ${s.inputs.metadata.name}`);
        }
    });

    it("points Grafana at a Pulumi-generated admin Secret and Prometheus as default data source", () => {
        const v = res.get(RELEASE, "platform-grafana-release").inputs.values;
        assert.deepStrictEqual(v.admin, { existingSecret: "grafana-admin", userKey: "admin-user", passwordKey: "admin-password" });
        assert.deepStrictEqual(v.datasources["datasources.yaml"].datasources[0], {
            name: "Prometheus",
            uid: "prometheus",
            type: "prometheus",
            access: "proxy",
            isDefault: true,
            url: "http://kps-prometheus.monitoring.svc:9090",
        });
        assert.deepStrictEqual(v.persistence, { enabled: false });
        // The chart adds its own namespace to the Role's namespaces; repeating it would render the Role twice.
        assert.deepStrictEqual(v.rbac, { create: true, namespaced: true, namespaces: [] });
        const admin = res.get("kubernetes:core/v1:Secret", "platform-grafana-admin");
        assert.deepStrictEqual(admin.secretPaths, ["stringData"]);
    });

    it("configures kube-prometheus-stack for a local (unmanaged) control plane", () => {
        const v = res.get(RELEASE, "platform-monitoring-release").inputs.values;
        assert.deepStrictEqual(v.grafana, { enabled: false, forceDeployDashboards: true });
        assert.deepStrictEqual(v.crds, { enabled: false });
        assert.strictEqual(v.kubeControllerManager.enabled, true);
        assert.strictEqual(v.kubeScheduler.enabled, true);
        assert.strictEqual(v.kubeEtcd.enabled, true);
        const spec = v.prometheus.prometheusSpec;
        assert.strictEqual(spec.serviceMonitorSelectorNilUsesHelmValues, false);
        assert.strictEqual(spec.podMonitorSelectorNilUsesHelmValues, false);
        assert.strictEqual(spec.ruleSelectorNilUsesHelmValues, false);
        assert.deepStrictEqual(spec.serviceMonitorNamespaceSelector, { matchLabels: { "dataops.io/monitoring": "enabled" } });
        assert.strictEqual(spec.replicas, 1);
        assert.strictEqual(spec.retention, "2d");
        assert.deepStrictEqual(spec.storageSpec.volumeClaimTemplate.spec.resources, { requests: { storage: "10Gi" } });
        assert.deepStrictEqual(v.prometheusOperator.namespaces, {
            releaseNamespace: true,
            additional: ["kube-system", "airflow", "kafka", "spark-operator", "spark-jobs", "node-exporter", "gateway", "cert-manager"],
        });
        assert.strictEqual(v["prometheus-node-exporter"].namespaceOverride, "node-exporter");
    });

    it("stops scraping a local control plane that keeps its metrics on localhost (k3d, minikube)", async () => {
        const run = await runIndex("dev", { "dataops:cloud": "local", "dataops:local": '{"controlPlaneMetrics":false}' });
        const v = new Resources(run.resources).get(RELEASE, "platform-monitoring-release").inputs.values;
        assert.deepStrictEqual([v.kubeControllerManager.enabled, v.kubeScheduler.enabled, v.kubeEtcd.enabled, v.kubeProxy.enabled], [false, false, false, true]);
    });

    it("limits the Spark operator to its job namespace, with the webhook on", () => {
        const v = res.get(RELEASE, "platform-spark-release").inputs.values;
        assert.deepStrictEqual(v.spark.jobNamespaces, ["spark-jobs"]);
        assert.strictEqual(v.spark.serviceAccount.name, "spark");
        assert.strictEqual(v.webhook.enable, true);
        assert.strictEqual(v.controller.replicas, 1);
        assert.strictEqual(v.prometheus.metrics.enable, true);
        const release = res.get(RELEASE, "platform-spark-release");
        assert.ok(release.dependencies.includes(namespaceUrn(res, "spark-jobs")), "job namespace exists before the chart's RBAC in it");
    });

    it("keeps the Strimzi operator namespace-scoped", () => {
        const v = res.get(RELEASE, "platform-kafka-operator").inputs.values;
        assert.deepStrictEqual(v.watchNamespaces, []);
        assert.strictEqual(v.watchAnyNamespace, false);
        assert.strictEqual(v.generateNetworkPolicy, false);
    });

    it("sets requests and limits on every container the values size", () => {
        const releases = res.ofType(RELEASE);
        const resourcesBlocks: string[] = [];
        const walk = (o: unknown, at: string) => {
            if (o && typeof o === "object" && !Array.isArray(o)) {
                for (const [k, v] of Object.entries(o)) {
                    if (k === "resources" && v && typeof v === "object" && "requests" in v && "cpu" in (v as { requests: object }).requests) {
                        const r = v as { requests: Record<string, string>; limits: Record<string, string> };
                        assert.ok(r.requests.cpu && r.requests.memory && r.limits.cpu && r.limits.memory, `${at}.${k} incomplete`);
                        resourcesBlocks.push(`${at}.${k}`);
                    } else {
                        walk(v, `${at}.${k}`);
                    }
                }
            }
        };
        for (const r of releases) {
            walk(r.inputs.values, r.name);
        }
        assert.deepStrictEqual(resourcesBlocks.sort(), EXPECTED_SIZED.sort());
    });

    it("sets only value paths the charts really have", () => {
        const lists: Record<string, string[]> = {
            "platform-airflow-release": ["airflow-1.18-dev.txt", "airflow-1.22-additions.txt"],
            "platform-kafka-operator": ["strimzi-kafka-operator-1.2.0.txt"],
            "platform-spark-release": ["spark-operator-2.5.2.txt"],
            "platform-monitoring-release": ["kube-prometheus-stack-88.5.3.txt", "kube-prometheus-stack-88.5.3-additions.txt"],
            "platform-grafana-release": ["grafana-12.11.1.txt", "grafana-12.11.1-ini.txt"],
        };
        for (const [release, files] of Object.entries(lists)) {
            assert.deepStrictEqual(unknownPaths(res.get(RELEASE, release).inputs.values, chartKeys(...files)), [], release);
        }
    });

    it("exports the bootstrap servers, UIs, Prometheus URL and namespaces", async () => {
        const out = run.outputs as Record<string, any>;
        const value = (o: any) => new Promise((r) => o.apply(r));
        assert.strictEqual(await value(out.kafkaBootstrapServers), "dataops-kafka-bootstrap.kafka.svc:9093");
        assert.strictEqual(await value(out.airflowUrl), "http://airflow-api-server.airflow.svc:8080");
        assert.strictEqual(await value(out.grafanaUrl), "http://grafana.monitoring.svc:80");
        assert.strictEqual(await value(out.prometheusUrl), "http://kps-prometheus.monitoring.svc:9090");
        assert.deepStrictEqual(await value(out.namespaces), ["airflow", "kafka", "spark-operator", "spark-jobs", "monitoring", "node-exporter", "gateway", "cert-manager"]);
    });
});


describe("workloads under mocks: secrets, stability and switches", () => {
    it("never puts generated secret material in a plain input", async () => {
        const run = await runIndex("prod", { ...PROD_LOCAL, "dataops:airflow": '{"executor":"CeleryExecutor"}' });
        assert.strictEqual(run.error, undefined);
        // The mocks give every RandomPassword/RandomBytes a recognisable result (tests/mocks/index.ts).
        const leaks = run.resources.flatMap((r) =>
            stringInputs(r)
                .filter(([at, s]) => /mock-(password|bytes)-|bW9jay1ieXRlcy/.test(s) && !r.secretPaths.some((p) => at === p || at.startsWith(`${p}.`)))
                .map(([at]) => `${r.type}::${r.name} ${at}`),
        );
        assert.deepStrictEqual(leaks, []);
        const secretInputs = run.resources.filter((r) => r.secretPaths.length > 0).map((r) => r.name);
        assert.deepStrictEqual(secretInputs.sort(), [
            "platform-airflow-admin",
            "platform-airflow-api-secret-key",
            "platform-airflow-broker-url",
            "platform-airflow-fernet-key",
            "platform-airflow-jwt-secret",
            "platform-airflow-metadata",
            "platform-airflow-postgres-auth",
            "platform-airflow-redis-password",
            "platform-grafana-admin",
            // The cluster CA: its key Secret, its certificate Secret, and the certificate built from the key.
            "platform-kafka-cluster-ca",
            "platform-kafka-cluster-ca-cert",
            "platform-kafka-cluster-ca-cert",
        ]);
    });

    it("creates the external database's Secret from the secret config value, never as a plain input", async () => {
        const url = "postgresql://airflow:db-s3cret@db.internal:5432/airflow";
        const run = await runIndex("prod", { ...PROD_LOCAL, "dataops:airflow": JSON.stringify({ metadataConnection: url }) }, ["dataops:airflow"]);
        assert.strictEqual(run.error, undefined, run.error?.message);
        const res = new Resources(run.resources);
        const secret = res.get("kubernetes:core/v1:Secret", "platform-airflow-metadata");
        assert.deepStrictEqual([secret.inputs.metadata.name, secret.inputs.stringData, secret.secretPaths], ["airflow-metadata", { connection: url }, ["stringData"]]);
        assert.ok(res.get(RELEASE, "platform-airflow-release").dependencies.includes(secret.urn), "the release waits for the Secret");
        const values = res.get(RELEASE, "platform-airflow-release").inputs.values;
        assert.deepStrictEqual([values.data.metadataSecretName, values.postgresql], ["airflow-metadata", { enabled: false }]);
        const leaks = run.resources.flatMap((r) =>
            stringInputs(r).filter(([at, s]) => s.includes("db-s3cret") && !r.secretPaths.some((p) => at === p || at.startsWith(`${p}.`))).map(([at]) => `${r.name} ${at}`),
        );
        assert.deepStrictEqual(leaks, []);
    });

    it("records identical inputs on two runs of the same config (an unchanged up changes nothing)", async () => {
        const a = await runStack("dev");
        const b = await runStack("dev");
        const shape = (r: Run) => r.resources.map((x) => ({ type: x.type, name: x.name, inputs: x.inputs, deps: x.dependencies }));
        assert.deepStrictEqual(shape(a), shape(b));
    });

    it("yields the HA settings in the prod profile", async () => {
        const run = await runIndex("prod", { ...PROD_LOCAL });
        assert.strictEqual(run.error, undefined);
        const res = new Resources(run.resources);
        const airflow = res.get(RELEASE, "platform-airflow-release").inputs.values;
        assert.strictEqual(airflow.scheduler.replicas, 2);
        assert.strictEqual(airflow.apiServer.replicas, 2);
        assert.deepStrictEqual(airflow.scheduler.podDisruptionBudget, { enabled: true, config: { maxUnavailable: 1 } });
        assert.deepStrictEqual(airflow.apiServer.podDisruptionBudget, { enabled: true, config: { maxUnavailable: 1 } });
        // Prod has a way in too: the admin user with a generated password (until SSO replaces it).
        assert.strictEqual(airflow.createUserJob.defaultUser.enabled, true);
        const pools = res.ofType(CR_POOL).map((p) => [p.inputs.metadata.name, p.inputs.spec.replicas, p.inputs.spec.roles, p.inputs.spec.storage.volumes[0]]);
        assert.deepStrictEqual(pools, [
            ["controllers", 3, ["controller"], { id: 0, type: "persistent-claim", size: "20Gi", deleteClaim: false, kraftMetadata: "shared" }],
            ["brokers", 3, ["broker"], { id: 0, type: "persistent-claim", size: "100Gi", deleteClaim: false, kraftMetadata: "shared" }],
        ]);
        const kafka = res.get(CR_KAFKA, "platform-kafka-cluster").inputs.spec.kafka;
        assert.deepStrictEqual(kafka.config, {
            "default.replication.factor": 3,
            "min.insync.replicas": 2,
            "offsets.topic.replication.factor": 3,
            "transaction.state.log.replication.factor": 3,
            "transaction.state.log.min.isr": 2,
            "auto.create.topics.enable": false,
        });
        assert.deepStrictEqual(kafka.rack, { type: "topology-label", topologyKey: "topology.kubernetes.io/zone" });
        assert.deepStrictEqual(
            run.resources.filter((r) => r.protect && r.type.startsWith("kubernetes:")).map((r) => r.name),
            ["platform-kafka-pool-controllers", "platform-kafka-pool-brokers", "platform-kafka-cluster"],
        );
        const spark = res.get(RELEASE, "platform-spark-release").inputs.values;
        assert.strictEqual(spark.controller.replicas, 2);
        assert.strictEqual(spark.webhook.replicas, 2);
        assert.deepStrictEqual(spark.controller.podDisruptionBudget, { enable: true, minAvailable: 1 });
        assert.deepStrictEqual(spark.webhook.podDisruptionBudget, { enable: true, minAvailable: 1 });
        const kps = res.get(RELEASE, "platform-monitoring-release").inputs.values;
        assert.strictEqual(kps.prometheus.prometheusSpec.replicas, 2);
        assert.strictEqual(kps.prometheus.prometheusSpec.retention, "15d");
        assert.deepStrictEqual(kps.prometheus.prometheusSpec.storageSpec.volumeClaimTemplate.spec.resources, { requests: { storage: "100Gi" } });
        assert.strictEqual(kps.alertmanager.enabled, true);
        assert.strictEqual(kps.alertmanager.alertmanagerSpec.replicas, 2);
        const grafana = res.get(RELEASE, "platform-grafana-release").inputs.values;
        assert.deepStrictEqual(grafana.persistence, { enabled: true, size: "10Gi" });
        assert.deepStrictEqual(grafana.deploymentStrategy, { type: "Recreate" });
        assert.strictEqual(res.get(RELEASE, "platform-kafka-operator").inputs.values.replicas, 2);
        for (const r of res.ofType(RELEASE)) {
            assert.strictEqual(r.inputs.timeout, 1200);
        }
    });

    it("removes disabled Airflow, Prometheus or Grafana and only what depends on them", async () => {
        const releases = async (config: Record<string, string>) => {
            // Without the front door, whose releases tests/access.test.ts covers.
            const run = await runIndex("dev", { "dataops:cloud": "local", "dataops:access": '{"enabled":false}', ...config });
            assert.strictEqual(run.error, undefined, run.error?.message);
            const res = new Resources(run.resources);
            return {
                releases: res.ofType(RELEASE).map((r) => r.name).sort(),
                namespaces: res.ofType(NAMESPACE).map((n) => n.inputs.metadata.name),
                monitors: res.all.filter((r) => r.type.startsWith("kubernetes:monitoring.coreos.com")).length,
                secrets: res.ofType("kubernetes:core/v1:Secret").map((x) => x.inputs.metadata.name),
            };
        };
        const noAirflow = await releases({ "dataops:airflow": '{"enabled":false}' });
        assert.deepStrictEqual(noAirflow.releases, ["platform-grafana-release", "platform-kafka-operator", "platform-monitoring-release", "platform-spark-release"]);
        assert.deepStrictEqual(noAirflow.namespaces, ["kafka", "spark-operator", "spark-jobs", "monitoring", "node-exporter"]);
        assert.deepStrictEqual([...noAirflow.secrets].sort(), ["dataops-cluster-ca", "dataops-cluster-ca-cert", "grafana-admin"]);
        const noPrometheus = await releases({ "dataops:prometheus": '{"enabled":false}' });
        assert.deepStrictEqual(noPrometheus.releases, ["platform-airflow-release", "platform-grafana-release", "platform-kafka-operator", "platform-spark-release"]);
        assert.deepStrictEqual(noPrometheus.namespaces, ["airflow", "kafka", "spark-operator", "spark-jobs", "monitoring"]);
        assert.strictEqual(noPrometheus.monitors, 0);
        const noGrafana = await releases({ "dataops:grafana": '{"enabled":false}' });
        assert.deepStrictEqual(noGrafana.releases, ["platform-airflow-release", "platform-kafka-operator", "platform-monitoring-release", "platform-spark-release"]);
        assert.ok(!noGrafana.secrets.includes("grafana-admin"));
    });

    it("removes a disabled workload and everything that depends on it", async () => {
        const run = await runIndex("dev", {
            "dataops:cloud": "local",
            "dataops:access": '{"enabled":false}',
            "dataops:kafka": '{"enabled":false}',
            "dataops:spark": '{"enabled":false}',
        });
        assert.strictEqual(run.error, undefined);
        const res = new Resources(run.resources);
        assert.deepStrictEqual(res.ofType(RELEASE).map((r) => r.name).sort(), [
            "platform-airflow-release",
            "platform-grafana-release",
            "platform-monitoring-release",
        ]);
        assert.deepStrictEqual(res.ofType(CR_KAFKA), []);
        assert.deepStrictEqual(res.ofType(CR_POOL), []);
        assert.deepStrictEqual(
            res.ofType(NAMESPACE).map((n) => n.inputs.metadata.name),
            ["airflow", "monitoring", "node-exporter"],
        );
        const policies = res.ofType("kubernetes:networking.k8s.io/v1:NetworkPolicy").map((p) => `${p.inputs.metadata.namespace}/${p.inputs.metadata.name}`);
        assert.deepStrictEqual(policies.filter((p) => /kafka|spark/.test(p)), []);
        assert.strictEqual((run.outputs as Record<string, unknown>).kafkaBootstrapServers, undefined);
    });
});

describe("Airflow remote logging", () => {
    it("sends task logs to S3/GCS through the default connection of the cloud", () => {
        assert.deepStrictEqual(remoteLoggingValues({ kind: "s3", bucket: "b", logsUrl: "s3://b/airflow-logs" }), {
            config: { logging: { remote_logging: "True", remote_base_log_folder: "s3://b/airflow-logs", remote_log_conn_id: "aws_default" } },
        });
        assert.deepStrictEqual(remoteLoggingValues({ kind: "gcs", bucket: "b", logsUrl: "gs://b/airflow-logs" }), {
            config: { logging: { remote_logging: "True", remote_base_log_folder: "gs://b/airflow-logs", remote_log_conn_id: "google_cloud_default" } },
        });
    });

    it("names the Azure container and a key-less wasb connection to the account", async () => {
        const v = remoteLoggingValues({ kind: "azureBlob", bucket: "dataops", account: "dataopsdata", logsUrl: "wasb-airflow-logs" }) as any;
        assert.deepStrictEqual(v.config, {
            logging: { remote_logging: "True", remote_base_log_folder: "wasb-airflow-logs", remote_log_conn_id: "wasb_default" },
            azure_remote_logging: { remote_wasb_log_container: "dataops" },
        });
        assert.strictEqual(v.env[0].name, "AIRFLOW_CONN_WASB_DEFAULT");
        assert.strictEqual(await valueOf(v.env[0].value), '{"conn_type": "wasb", "host": "https://dataopsdata.blob.core.windows.net"}');
    });
});
