// Observability end to end: scrape objects select what the charts and operators really label, in namespaces
// Prometheus selects, after the monitoring release; every rule and dashboard query parses as PromQL and uses only
// metrics the scrape targets expose; receivers' credentials stay secret.
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { ALERTMANAGER_SECRET, alertmanagerConfig } from "../components/observability/alertmanager";
import { DEFAULT_THRESHOLDS, prometheusRuleSpec, ruleGroups } from "../components/observability/alerts";
import { DASHBOARD_DIR, DASHBOARDS, readDashboard } from "../components/observability/dashboards";
import { EXPOSED_METRICS, KNOWN_METRICS } from "../components/observability/metrics";
import { LabelSelector, monitorResourceSpec, monitorSpecs } from "../components/observability/scrape";
import { loadConfig } from "../stacks/config";
import { chartKeys, unknownPaths } from "./chart-values";
import { RecordedResource, Resources, Run, runIndex, runStack, stackFileConfig } from "./harness";

const POD_MONITOR = "kubernetes:monitoring.coreos.com/v1:PodMonitor";
const SERVICE_MONITOR = "kubernetes:monitoring.coreos.com/v1:ServiceMonitor";
const RULE = "kubernetes:monitoring.coreos.com/v1:PrometheusRule";
const CONFIG_MAP = "kubernetes:core/v1:ConfigMap";
const SECRET = "kubernetes:core/v1:Secret";
const NAMESPACE = "kubernetes:core/v1:Namespace";
const RELEASE = "kubernetes:helm.sh/v3:Release";
const OBSERVABILITY = "dataops:observability:Observability";
const LOCAL = { "dataops:cloud": "local" };
const TEAM = JSON.stringify([{ name: "analytics", role: "edit", groups: ["analytics-devs"], ownNamespaces: ["analytics-jobs"] }]);
const SLACK = "https://hooks.slack.com/services/T0000/B0000/XXXXXXXXXXXXXXXX";
const PAGERDUTY = "0123456789abcdef0123456789abcdef";

// ---------------------------------------------------------------------------------------------------------------
// PromQL: the official parser (ESM, loaded once).

interface SyntaxNode {
    type: { name: string; isError: boolean };
    from: number;
    to: number;
    parent: SyntaxNode | null;
}
interface Parser {
    parse(text: string): { iterate(spec: { enter(node: { type: SyntaxNode["type"]; from: number; to: number; node: SyntaxNode }): void }): void };
}
let parser: Parser;
before(async () => {
    parser = ((await import("@prometheus-io/lezer-promql")) as unknown as { parser: Parser }).parser;
});

/** Syntax errors, metric names, and selectors without a metric name (which no list could vouch for). */
function inspect(expr: string): { errors: number; metrics: string[]; unnamed: number } {
    const out = { errors: 0, metrics: [] as string[], unnamed: 0 };
    const selectors = new Map<number, boolean>();
    parser.parse(expr).iterate({
        enter: (n) => {
            if (n.type.isError) {
                out.errors++;
            } else if (n.type.name === "VectorSelector") {
                selectors.set(n.from, false);
            } else if (n.type.name === "Identifier" && n.node.parent?.type.name === "VectorSelector") {
                out.metrics.push(expr.slice(n.from, n.to));
                selectors.set(n.node.parent.from, true);
            }
        },
    });
    out.unnamed = [...selectors.values()].filter((named) => !named).length;
    return out;
}

/** Problems of one expression: syntax errors, unknown metrics, unnamed selectors. */
function promqlProblems(where: string, expr: string): string[] {
    const r = inspect(expr);
    return [
        ...(r.errors > 0 ? [`${where}: does not parse: ${expr}`] : []),
        ...(r.unnamed > 0 ? [`${where}: selector without a metric name: ${expr}`] : []),
        ...r.metrics.filter((m) => !KNOWN_METRICS.has(m)).map((m) => `${where}: unknown metric ${m}`),
        ...(r.metrics.length === 0 ? [`${where}: queries no metric`] : []),
    ];
}

describe("observability: PromQL checks are real", () => {
    it("flags syntax errors, unknown metrics and unnamed selectors", () => {
        assert.deepStrictEqual(promqlProblems("ok", 'sum by (pod) (rate(kafka_server_brokertopicmetrics_messagesin_total{topic=""}[5m])) > 3'), []);
        assert.deepStrictEqual(promqlProblems("broken", "sum(rate(up[5m])"), ["broken: does not parse: sum(rate(up[5m])"]);
        assert.deepStrictEqual(promqlProblems("typo", "kafka_consumergroup_lagg > 1"), ["typo: unknown metric kafka_consumergroup_lagg"]);
        assert.deepStrictEqual(promqlProblems("unnamed", '{__name__="up"} == 0'), ['unnamed: selector without a metric name: {__name__="up"} == 0', "unnamed: queries no metric"]);
        assert.deepStrictEqual(inspect('absent(up{job="x"} == 1) or vector(0)').metrics, ["up"]);
    });
});

// ---------------------------------------------------------------------------------------------------------------
// Alert rules (pure).

const devConfig = (extra: Record<string, string> = {}) => loadConfig({ ...LOCAL, ...extra }, "dev").config;

describe("observability: alert rules", () => {
    it("matches the alert table in docs/observability.md: every rule, its severity, duration and default threshold", () => {
        const readme = fs.readFileSync(path.join(__dirname, "..", "docs", "observability.md"), "utf8");
        const table = readme.slice(readme.indexOf("| Alert | Severity |"), readme.indexOf("kube-prometheus-stack's default rules stay on"));
        const rows = table
            .split("\n")
            .slice(2)
            .filter((l) => l.startsWith("| "))
            .map((l) => l.split("|").map((c) => c.trim()));
        const documented = rows.map(([, alert, severity, when, threshold]) => ({
            alert,
            severity,
            for: /\((\d+m)\)$/.exec(when)?.[1],
            threshold: /^`(\w+)` \((\d+)/.exec(threshold)?.slice(1, 3) ?? [],
        }));
        const rules = ruleGroups(devConfig()).flatMap((g) => g.rules);
        assert.deepStrictEqual(
            documented.map((d) => [d.alert, d.severity, d.for]),
            rules.map((r) => [r.alert, r.severity, r.for]),
        );
        const thresholds = Object.fromEntries(documented.filter((d) => d.threshold.length === 2).map((d) => [d.threshold[0], Number(d.threshold[1])]));
        assert.deepStrictEqual(thresholds, DEFAULT_THRESHOLDS);
    });

    it("defines every required alert with its severity, in the watched workload's namespace", () => {
        const groups = ruleGroups(devConfig());
        assert.deepStrictEqual(
            groups.map((g) => [g.namespace, g.name, g.rules.map((r) => `${r.alert}:${r.severity}:${r.for}`)]),
            [
                [
                    "kafka",
                    "kafka",
                    [
                        "KafkaUnderReplicatedPartitions:warning:10m",
                        "KafkaOfflinePartitions:critical:5m",
                        "KafkaNoActiveController:critical:5m",
                        "KafkaConsumerLagHigh:warning:15m",
                        "KafkaBrokerDiskFilling:warning:10m",
                    ],
                ],
                ["airflow", "airflow", ["AirflowSchedulerHeartbeatMissing:critical:1m", "AirflowTaskFailureRateHigh:warning:5m", "AirflowDagImportErrors:warning:10m"]],
                ["spark-operator", "spark", ["SparkOperatorDown:critical:5m", "SparkApplicationsFailing:warning:5m"]],
                [
                    "monitoring",
                    "platform",
                    [
                        "PrometheusConfigReloadFailed:warning:10m",
                        "PrometheusRuleEvaluationFailures:warning:15m",
                        "PrometheusNotificationsFailing:critical:10m",
                        "AlertmanagerDown:critical:5m",
                        "AlertmanagerConfigReloadFailed:warning:10m",
                        "AlertmanagerNotificationsFailing:critical:10m",
                        "NamespaceQuotaNearlyExhausted:warning:15m",
                    ],
                ],
            ],
        );
    });

    it("writes the default thresholds into the expressions", () => {
        const rules = new Map(ruleGroups(devConfig()).flatMap((g) => g.rules.map((r) => [r.alert, r.expr] as const)));
        assert.strictEqual(rules.get("KafkaConsumerLagHigh"), 'max by (consumergroup, topic) (kafka_consumergroup_lag_sum{namespace="kafka"}) > 10000');
        assert.strictEqual(
            rules.get("KafkaBrokerDiskFilling"),
            '100 * kubelet_volume_stats_available_bytes{namespace="kafka", persistentvolumeclaim=~"data-.*"} / kubelet_volume_stats_capacity_bytes{namespace="kafka", persistentvolumeclaim=~"data-.*"} < 15',
        );
        assert.strictEqual(
            rules.get("AirflowSchedulerHeartbeatMissing"),
            'sum(rate(airflow_scheduler_heartbeat{namespace="airflow"}[5m])) == 0 or absent(airflow_scheduler_heartbeat{namespace="airflow"})',
        );
        assert.strictEqual(rules.get("SparkOperatorDown"), 'absent(up{namespace="spark-operator"} == 1)');
        assert.strictEqual(
            rules.get("NamespaceQuotaNearlyExhausted"),
            '100 * kube_resourcequota{type="used"} / ignoring (type) (kube_resourcequota{type="hard"} > 0) > 90',
        );
    });

    it("takes threshold overrides from dataops:alerting.thresholds", () => {
        const cfg = devConfig({ "dataops:alerting": JSON.stringify({ thresholds: { kafkaConsumerLag: 500, airflowHeartbeatMissingMinutes: 10, quotaUsagePercent: 80 } }) });
        const rules = new Map(ruleGroups(cfg).flatMap((g) => g.rules.map((r) => [r.alert, r] as const)));
        assert.strictEqual(rules.get("KafkaConsumerLagHigh")!.expr, 'max by (consumergroup, topic) (kafka_consumergroup_lag_sum{namespace="kafka"}) > 500');
        assert.strictEqual(rules.get("KafkaConsumerLagHigh")!.summary, "Consumer group {{ $labels.consumergroup }} lags more than 500 messages on {{ $labels.topic }}.");
        assert.match(rules.get("AirflowSchedulerHeartbeatMissing")!.expr, /\[10m\]\)\) == 0/);
        assert.match(rules.get("NamespaceQuotaNearlyExhausted")!.expr, / > 80$/);
    });

    it("rejects an unknown threshold name at config load", () => {
        assert.throws(
            () => devConfig({ "dataops:alerting": '{"thresholds":{"kafkaLag":5}}' }),
            /dataops:alerting\.thresholds\.kafkaLag = 5: is not a known field\. Fix: use one of: kafkaConsumerLag, /,
        );
    });

    it("drops the rules of a disabled workload but keeps the platform's", () => {
        const cfg = devConfig({ "dataops:kafka": '{"enabled":false}', "dataops:spark": '{"enabled":false}', "dataops:airflow": '{"enabled":false}' });
        assert.deepStrictEqual(ruleGroups(cfg).map((g) => g.name), ["platform"]);
    });

    it("adds the Kafka tenants' rules once a team has Kafka access: failed logins, under-replication per team prefix", () => {
        const teams = JSON.stringify([
            { name: "analytics", role: "edit", groups: ["a"], kafka: {} },
            { name: "ml", role: "edit", groups: ["m"], kafka: { topics: [{ name: "features" }] } },
            { name: "bi", role: "view", groups: ["b"] },
        ]);
        const groups = ruleGroups(devConfig({ "dataops:teams": teams }));
        const tenants = groups.find((g) => g.name === "kafka-tenants")!;
        assert.strictEqual(tenants.namespace, "kafka");
        assert.deepStrictEqual(
            tenants.rules.map((r) => [r.alert, r.severity, r.for, r.expr]),
            [
                [
                    "KafkaAuthenticationFailures",
                    "warning",
                    "10m",
                    'sum by (listener) (increase(kafka_server_socket_server_metrics_failed_authentication_total{namespace="kafka"}[10m])) > 0',
                ],
                [
                    "KafkaTeamTopicsUnderReplicated",
                    "warning",
                    "10m",
                    'sum by (team) (label_replace(kafka_topic_partition_under_replicated_partition{namespace="kafka", topic=~"(analytics|ml)\\\\..+"}, "team", "$1", "topic", "([^.]+)\\\\..+")) > 0',
                ],
            ],
        );
        assert.deepStrictEqual(tenants.rules.flatMap((r) => promqlProblems(r.alert, r.expr)), []);
        assert.strictEqual(ruleGroups(devConfig({ "dataops:teams": JSON.stringify([{ name: "bi", role: "view", groups: ["b"] }]) })).find((g) => g.name === "kafka-tenants"), undefined);
    });

    it("parses every rule expression as PromQL and uses only metrics the scrape targets expose", () => {
        const problems = ruleGroups(devConfig()).flatMap((g) => g.rules.flatMap((r) => promqlProblems(r.alert, r.expr)));
        assert.deepStrictEqual(problems, []);
    });

    it("renders PrometheusRule specs the operator's schema accepts", async () => {
        const { PrometheusRule } = await import("@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1");
        for (const g of ruleGroups(devConfig())) {
            new PrometheusRule({ metadata: { name: `dataops-${g.name}`, namespace: g.namespace }, spec: prometheusRuleSpec(g) } as never).validate();
        }
        const spec = prometheusRuleSpec(ruleGroups(devConfig())[1]) as { groups: { name: string; rules: Record<string, unknown>[] }[] };
        assert.strictEqual(spec.groups[0].name, "dataops-airflow");
        assert.deepStrictEqual(spec.groups[0].rules[2], {
            alert: "AirflowDagImportErrors",
            expr: 'max(airflow_dag_processing_import_errors{namespace="airflow"}) > 0',
            for: "10m",
            labels: { severity: "warning", namespace: "airflow" },
            annotations: { summary: "Airflow cannot import some DAG files: their DAGs are not scheduled." },
        });
    });

    it("gives every alert the namespace Alertmanager groups and inhibits on", () => {
        const unlabelled: string[] = [];
        for (const g of ruleGroups(devConfig())) {
            const spec = prometheusRuleSpec(g) as { groups: { rules: { alert: string; expr: string; labels: Record<string, string> }[] }[] };
            for (const r of spec.groups[0].rules) {
                // Either the rule names its group's namespace, or its expression keeps each series' namespace.
                const ok = r.labels.namespace === g.namespace || (r.labels.namespace === undefined && !/\b(sum|max|min|avg|count)\b/.test(r.expr));
                if (!ok) {
                    unlabelled.push(r.alert);
                }
            }
        }
        assert.deepStrictEqual(unlabelled, []);
    });

    it("still fires the Airflow failure rate and Spark failures when the counters are new", () => {
        const rules = ruleGroups(devConfig()).flatMap((g) => g.rules);
        const expr = (name: string) => rules.find((r) => r.alert === name)!.expr;
        // A counter the exporter has not created yet counts as zero instead of emptying the expression.
        assert.match(expr("AirflowTaskFailureRateHigh"), /\(sum\(increase\(airflow_ti_successes\{namespace="airflow"\}\[1h\]\)\) or vector\(0\)\)/);
        // A series that appeared within the hour (its first failure) counts with its value.
        assert.match(expr("SparkApplicationsFailing"), /spark_application_failure_count\{namespace="spark-operator"\} unless spark_application_failure_count\{namespace="spark-operator"\} offset 1h/);
    });
});

// ---------------------------------------------------------------------------------------------------------------
// Dashboards (pure).

interface Panel {
    type: string;
    targets?: { expr: string; datasource: { uid: string } }[];
}

describe("observability: dashboards", () => {
    const files = fs.readdirSync(DASHBOARD_DIR).filter((f) => f.endsWith(".json")).sort();

    it("ships exactly the four dashboards, each with a unique uid", () => {
        assert.deepStrictEqual(files, ["airflow.json", "kafka.json", "platform.json", "spark.json"]);
        assert.deepStrictEqual(DASHBOARDS.map((d) => d.file).sort(), files);
        const uids = files.map((f) => JSON.parse(readDashboard(f)).uid);
        assert.deepStrictEqual(uids, ["dataops-airflow", "dataops-kafka", "dataops-platform", "dataops-spark"]);
        assert.strictEqual(new Set(uids).size, uids.length);
    });

    it("queries only the provisioned Prometheus data source, with valid PromQL on known metrics", () => {
        const problems: string[] = [];
        for (const f of files) {
            const d = JSON.parse(readDashboard(f)) as { panels: Panel[]; templating: { list: unknown[] } };
            assert.deepStrictEqual(d.templating.list, [], `${f} has no template variables (their queries would escape the check)`);
            const queries = d.panels.filter((p) => p.type !== "row");
            assert.ok(queries.length >= 8, `${f} has ${queries.length} panels`);
            for (const p of queries) {
                assert.ok(p.targets && p.targets.length > 0, `${f}: a panel without queries`);
                for (const t of p.targets) {
                    assert.strictEqual(t.datasource.uid, "prometheus");
                    problems.push(...promqlProblems(f, t.expr));
                }
            }
        }
        assert.deepStrictEqual(problems, []);
    });

    it("covers Kafka cluster, topics and lag; Airflow scheduler, DAG/task outcomes and pools; Spark operator and apps", () => {
        const titles = (f: string) => (JSON.parse(readDashboard(f)).panels as { type: string; title: string }[]).filter((p) => p.type === "row").map((p) => p.title);
        assert.deepStrictEqual(titles("kafka.json"), ["Cluster", "Topics", "Consumer lag"]);
        assert.deepStrictEqual(titles("airflow.json"), ["Scheduler", "DAGs and tasks", "Pools and executor"]);
        assert.deepStrictEqual(titles("spark.json"), ["Operator", "Applications"]);
        assert.deepStrictEqual(titles("platform.json"), ["Alerts", "Namespaces", "Monitoring"]);
    });

    it("keeps the exposed-metric list free of duplicates", () => {
        const all = Object.values(EXPOSED_METRICS).flat();
        assert.strictEqual(all.length, KNOWN_METRICS.size);
    });
});

// ---------------------------------------------------------------------------------------------------------------
// Scrape selectors against what the charts and operators label (pure).

interface Target {
    namespace: string;
    labels: Record<string, string>;
    ports: string[];
}

/**
 * What each monitor must (and must not) select, as the charts/operators create it:
 * - Strimzi 1.2 chart Deployment `strimzi-cluster-operator` (pod labels name, strimzi.io/kind; port `http` 8080);
 *   Strimzi operands carry strimzi.io/cluster, strimzi.io/kind=Kafka and strimzi.io/name=<cluster>-<component>;
 *   brokers/controllers and the Kafka Exporter name their metrics port `tcp-prometheus` (9404).
 * - spark-operator 2.5.2 chart: selector labels app.kubernetes.io/{name,instance} plus component controller|webhook;
 *   controller port `metrics` (prometheus.metrics.portName). Drivers/executors: spark-role (set by Spark) and
 *   sparkoperator.k8s.io/launched-by-spark-operator (operator), JMX exporter port `jmx-exporter` (CRD default portName).
 * - airflow chart templates/statsd/statsd-service.yaml: labels tier, component, release; ports statsd-ingest/-scrape.
 * - grafana chart Service: app.kubernetes.io/{name,instance}; port name `service` (values service.portName).
 */
const SELECTED: Record<string, Target[]> = {
    "kafka/strimzi-cluster-operator": [{ namespace: "kafka", labels: { name: "strimzi-cluster-operator", "strimzi.io/kind": "cluster-operator" }, ports: ["http"] }],
    "kafka/kafka-nodes": [
        {
            namespace: "kafka",
            labels: {
                "strimzi.io/cluster": "dataops",
                "strimzi.io/kind": "Kafka",
                "strimzi.io/name": "dataops-kafka",
                "strimzi.io/component-type": "kafka",
                "strimzi.io/pool-name": "brokers",
                "strimzi.io/broker-role": "true",
            },
            ports: ["tcp-replication", "tcp-clients", "tcp-clientstls", "tcp-prometheus"],
        },
        {
            namespace: "kafka",
            labels: { "strimzi.io/cluster": "dataops", "strimzi.io/kind": "Kafka", "strimzi.io/name": "dataops-kafka", "strimzi.io/pool-name": "controllers", "strimzi.io/controller-role": "true" },
            ports: ["tcp-ctrlplane", "tcp-prometheus"],
        },
    ],
    "kafka/kafka-exporter": [{ namespace: "kafka", labels: { "strimzi.io/cluster": "dataops", "strimzi.io/kind": "Kafka", "strimzi.io/name": "dataops-kafka-exporter" }, ports: ["tcp-prometheus"] }],
    "spark-operator/spark-operator-controller": [
        {
            namespace: "spark-operator",
            labels: { "app.kubernetes.io/name": "spark-operator", "app.kubernetes.io/instance": "spark-operator", "app.kubernetes.io/component": "controller" },
            ports: ["metrics"],
        },
    ],
    "spark-jobs/spark-applications": [
        { namespace: "spark-jobs", labels: { "spark-role": "driver", "sparkoperator.k8s.io/launched-by-spark-operator": "true", "sparkoperator.k8s.io/app-name": "pi" }, ports: ["driver-rpc-port", "spark-ui", "jmx-exporter"] },
        { namespace: "spark-jobs", labels: { "spark-role": "executor", "sparkoperator.k8s.io/launched-by-spark-operator": "true", "sparkoperator.k8s.io/app-name": "pi" }, ports: ["jmx-exporter"] },
    ],
    "airflow/airflow-statsd": [
        { namespace: "airflow", labels: { tier: "airflow", component: "statsd", release: "airflow", chart: "airflow-1.22.0", heritage: "Helm" }, ports: ["statsd-ingest", "statsd-scrape"] },
    ],
    "monitoring/grafana": [
        { namespace: "monitoring", labels: { "app.kubernetes.io/name": "grafana", "app.kubernetes.io/instance": "grafana", "helm.sh/chart": "grafana-12.11.1" }, ports: ["service"] },
    ],
};

/** Neighbours in the same namespaces that no monitor may pick up by accident. */
const NOT_SELECTED: Target[] = [
    { namespace: "kafka", labels: { "strimzi.io/cluster": "dataops", "strimzi.io/kind": "Kafka", "strimzi.io/name": "dataops-entity-operator" }, ports: ["healthcheck"] },
    { namespace: "spark-operator", labels: { "app.kubernetes.io/name": "spark-operator", "app.kubernetes.io/instance": "spark-operator", "app.kubernetes.io/component": "webhook" }, ports: ["webhook"] },
    { namespace: "spark-jobs", labels: { "sparkoperator.k8s.io/submission-id": "x" }, ports: [] },
    { namespace: "airflow", labels: { tier: "airflow", component: "scheduler", release: "airflow" }, ports: [] },
    { namespace: "monitoring", labels: { "app.kubernetes.io/name": "alertmanager", "app.kubernetes.io/instance": "kps-alertmanager" }, ports: ["http-web"] },
];

function selects(s: LabelSelector, labels: Record<string, string>): boolean {
    return (
        Object.entries(s.matchLabels).every(([k, v]) => labels[k] === v) &&
        (s.matchExpressions ?? []).every((e) => e.values.includes(labels[e.key]))
    );
}

describe("observability: scrape selectors", () => {
    const specs = monitorSpecs(devConfig());

    it("has one monitor per workload, in the workload's namespace", () => {
        assert.deepStrictEqual(
            specs.map((m) => `${m.kind} ${m.namespace}/${m.name} ${m.target}:${m.port}`),
            [
                "PodMonitor kafka/strimzi-cluster-operator strimziOperator:http",
                "PodMonitor kafka/kafka-nodes kafka:tcp-prometheus",
                "PodMonitor kafka/kafka-exporter kafkaExporter:tcp-prometheus",
                "PodMonitor spark-operator/spark-operator-controller sparkOperator:metrics",
                "PodMonitor spark-jobs/spark-applications sparkJobs:jmx-exporter",
                "ServiceMonitor airflow/airflow-statsd airflowStatsd:statsd-scrape",
                "ServiceMonitor monitoring/grafana grafana:service",
            ],
        );
    });

    it("selects exactly the labelled pods/services, on a port they have", () => {
        for (const m of specs) {
            const key = `${m.namespace}/${m.name}`;
            for (const t of SELECTED[key]) {
                assert.ok(selects(m.selector, t.labels), `${key} must select ${JSON.stringify(t.labels)}`);
                assert.ok(t.ports.includes(m.port), `${key}: port ${m.port} not on the target`);
            }
            const others = [...NOT_SELECTED, ...Object.entries(SELECTED).filter(([k]) => k !== key).flatMap(([, ts]) => ts)].filter((t) => t.namespace === m.namespace);
            for (const t of others) {
                assert.ok(!selects(m.selector, t.labels), `${key} must not select ${JSON.stringify(t.labels)}`);
            }
        }
    });

    it("adds a Spark job monitor in every team's own namespace", () => {
        const cfg = devConfig({ "dataops:teams": TEAM });
        assert.deepStrictEqual(
            monitorSpecs(cfg).filter((m) => m.target === "sparkJobs").map((m) => m.namespace),
            ["spark-jobs", "analytics-jobs"],
        );
    });

    it("renders Pod- and ServiceMonitors the operator's schema accepts", async () => {
        const models = await import("@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1");
        for (const m of specs) {
            new models[m.kind]({ metadata: { name: m.name, namespace: m.namespace }, spec: monitorResourceSpec(m) } as never).validate();
        }
        assert.deepStrictEqual(monitorResourceSpec(specs[1]), {
            selector: { matchLabels: { "strimzi.io/cluster": "dataops", "strimzi.io/name": "dataops-kafka" } },
            namespaceSelector: { matchNames: ["kafka"] },
            podMetricsEndpoints: [
                {
                    port: "tcp-prometheus",
                    path: "/metrics",
                    relabelings: [{ action: "labelmap", regex: "__meta_kubernetes_pod_label_(strimzi_io_.+)", replacement: "$1" }],
                },
            ],
        });
        assert.deepStrictEqual(monitorResourceSpec(specs[5]), {
            selector: { matchLabels: { tier: "airflow", component: "statsd", release: "airflow" } },
            namespaceSelector: { matchNames: ["airflow"] },
            endpoints: [{ port: "statsd-scrape", path: "/metrics" }],
        });
    });
});

// ---------------------------------------------------------------------------------------------------------------
// Alertmanager configuration (pure).

describe("observability: Alertmanager receivers", () => {
    it("configures nothing without receivers", () => {
        assert.strictEqual(alertmanagerConfig({}, "prod"), undefined);
        assert.strictEqual(alertmanagerConfig({ slackChannel: "#alerts", thresholds: { kafkaConsumerLag: 5 } }, "prod"), undefined);
    });

    it("pages critical alerts and posts warnings to Slack in prod", () => {
        const slack = {
            api_url: SLACK,
            channel: "#data-alerts",
            send_resolved: true,
            title: "[{{ .Status | toUpper }}] {{ .CommonLabels.alertname }} ({{ .CommonLabels.namespace }})",
            text: "{{ range .Alerts }}{{ .Annotations.summary }}\n{{ end }}",
        };
        assert.deepStrictEqual(alertmanagerConfig({ slackWebhookUrl: SLACK, slackChannel: "#data-alerts", pagerDutyRoutingKey: PAGERDUTY }, "prod"), {
            global: { resolve_timeout: "5m" },
            route: {
                receiver: "null",
                group_by: ["alertname", "namespace"],
                group_wait: "30s",
                group_interval: "5m",
                repeat_interval: "4h",
                routes: [
                    { matchers: ['alertname = "Watchdog"'], receiver: "null" },
                    { matchers: ['severity = "critical"'], receiver: "critical" },
                    { matchers: ['severity = "warning"'], receiver: "warning" },
                ],
            },
            inhibit_rules: [{ source_matchers: ['severity = "critical"'], target_matchers: ['severity = "warning"'], equal: ["namespace"] }],
            receivers: [
                { name: "null" },
                { name: "critical", pagerduty_configs: [{ routing_key: PAGERDUTY, send_resolved: true }], slack_configs: [slack] },
                { name: "warning", slack_configs: [slack] },
            ],
        });
    });

    it("keeps dev minimal: only critical alerts notify", () => {
        const cfg = alertmanagerConfig({ pagerDutyRoutingKey: PAGERDUTY }, "dev") as { route: { repeat_interval: string; routes: unknown[] }; receivers: unknown[] };
        assert.strictEqual(cfg.route.repeat_interval, "12h");
        assert.deepStrictEqual(cfg.route.routes, [
            { matchers: ['alertname = "Watchdog"'], receiver: "null" },
            { matchers: ['severity = "critical"'], receiver: "critical" },
        ]);
        assert.deepStrictEqual(cfg.receivers, [{ name: "null" }, { name: "critical", pagerduty_configs: [{ routing_key: PAGERDUTY, send_resolved: true }] }]);
        const slackDev = alertmanagerConfig({ slackWebhookUrl: SLACK }, "dev") as { receivers: { name: string }[] };
        assert.deepStrictEqual(slackDev.receivers.map((r) => r.name), ["null", "critical"]);
    });
});

// ---------------------------------------------------------------------------------------------------------------
// Under mocks.

function namespaceLabels(res: Resources, ns: string): Record<string, string> {
    const n = res.ofType(NAMESPACE).find((r) => r.inputs.metadata.name === ns);
    assert.ok(n, `no Namespace ${ns}`);
    return n.inputs.metadata.labels;
}

describe("observability under mocks: dev stack", () => {
    let run: Run;
    let res: Resources;
    let obs: RecordedResource;
    before(async () => {
        run = await runStack("dev");
        assert.strictEqual(run.error, undefined, run.error?.message);
        res = new Resources(run.resources);
        obs = res.get(OBSERVABILITY, "platform-observability");
    });

    it("creates every scrape object after the monitoring release, through the cluster provider", () => {
        const release = res.get(RELEASE, "platform-monitoring-release");
        const provider = res.get("pulumi:providers:kubernetes", "cluster-k8s");
        const monitors = [...res.ofType(POD_MONITOR), ...res.ofType(SERVICE_MONITOR)];
        // Registration order follows when each namespace's name resolves, so compare as sets.
        assert.deepStrictEqual(monitors.map((m) => `${m.inputs.kind} ${m.inputs.metadata.namespace}/${m.inputs.metadata.name}`).sort(), [
            "PodMonitor kafka/kafka-exporter",
            "PodMonitor kafka/kafka-nodes",
            "PodMonitor kafka/strimzi-cluster-operator",
            "PodMonitor spark-jobs/spark-applications",
            "PodMonitor spark-operator/spark-operator-controller",
            "ServiceMonitor airflow/airflow-statsd",
            "ServiceMonitor monitoring/grafana",
        ]);
        for (const r of [...monitors, ...res.ofType(RULE)]) {
            assert.ok(r.dependencies.includes(release.urn), `${r.name} depends on the monitoring release`);
            assert.strictEqual(res.providerOf(r), provider);
            assert.strictEqual(r.parent, obs.urn);
            assert.strictEqual(r.inputs.apiVersion, "monitoring.coreos.com/v1");
        }
        assert.strictEqual(res.get(POD_MONITOR, "platform-observability-monitor-kafka-kafka-nodes").inputs.spec.podMetricsEndpoints[0].port, "tcp-prometheus");
    });

    it("puts monitors and rules only in namespaces Prometheus selects and its operator watches", () => {
        const values = res.get(RELEASE, "platform-monitoring-release").inputs.values;
        const spec = values.prometheus.prometheusSpec;
        // No object selector of our own, and not the chart's release-label default: every object in those namespaces.
        for (const kind of ["serviceMonitor", "podMonitor", "rule"]) {
            assert.strictEqual(spec[`${kind}SelectorNilUsesHelmValues`], false);
            assert.strictEqual(spec[`${kind}Selector`], undefined);
        }
        const watched = ["monitoring", ...values.prometheusOperator.namespaces.additional];
        for (const r of [...res.ofType(POD_MONITOR), ...res.ofType(SERVICE_MONITOR), ...res.ofType(RULE)]) {
            const ns = r.inputs.metadata.namespace;
            const labels = namespaceLabels(res, ns);
            const selector = r.type === RULE ? spec.ruleNamespaceSelector : r.type === POD_MONITOR ? spec.podMonitorNamespaceSelector : spec.serviceMonitorNamespaceSelector;
            assert.deepStrictEqual(selector, { matchLabels: { "dataops.io/monitoring": "enabled" } });
            assert.strictEqual(labels["dataops.io/monitoring"], "enabled", `namespace ${ns} is selected by Prometheus`);
            assert.ok(watched.includes(ns), `the operator watches ${ns}`);
            if (r.type !== RULE) {
                assert.deepStrictEqual(r.inputs.spec.namespaceSelector, { matchNames: [ns] });
            }
        }
    });

    it("validates every monitor and rule against the prometheus-operator schema", async () => {
        const models = (await import("@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1")) as unknown as Record<string, new (o: unknown) => { validate(): void }>;
        const objects = [...res.ofType(POD_MONITOR), ...res.ofType(SERVICE_MONITOR), ...res.ofType(RULE)];
        assert.strictEqual(objects.length, 11);
        for (const r of objects) {
            new models[r.inputs.kind](r.inputs).validate();
        }
    });

    it("creates the four rule groups in their workloads' namespaces", () => {
        assert.deepStrictEqual(
            res
                .ofType(RULE)
                .map((r) => [r.name, r.inputs.metadata.namespace, r.inputs.metadata.name, r.inputs.spec.groups[0].rules.length])
                .sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
            [
                ["platform-observability-rules-airflow", "airflow", "dataops-airflow", 3],
                ["platform-observability-rules-kafka", "kafka", "dataops-kafka", 5],
                ["platform-observability-rules-platform", "monitoring", "dataops-platform", 7],
                ["platform-observability-rules-spark", "spark-operator", "dataops-spark", 2],
            ],
        );
    });

    it("delivers the dashboards as ConfigMaps Grafana's sidecar reads", () => {
        const grafana = res.get(RELEASE, "platform-grafana-release").inputs.values;
        const dashboards = res.ofType(CONFIG_MAP).filter((c) => c.parent === obs.urn);
        assert.deepStrictEqual(dashboards.map((c) => [c.inputs.metadata.namespace, c.inputs.metadata.name, Object.keys(c.inputs.data)]).sort(), [
            ["monitoring", "dataops-dashboard-airflow", ["airflow.json"]],
            ["monitoring", "dataops-dashboard-kafka", ["kafka.json"]],
            ["monitoring", "dataops-dashboard-platform", ["platform.json"]],
            ["monitoring", "dataops-dashboard-spark", ["spark.json"]],
        ]);
        for (const c of dashboards) {
            const label = grafana.sidecar.dashboards.label;
            assert.strictEqual(label, "grafana_dashboard");
            assert.strictEqual(c.inputs.metadata.labels[label], "1");
            assert.ok(grafana.sidecar.dashboards.searchNamespace.includes(c.inputs.metadata.namespace));
            // Grafana's Role covers its own namespace (the chart adds it) plus rbac.namespaces.
            assert.ok(c.inputs.metadata.namespace === "monitoring" || grafana.rbac.namespaces.includes(c.inputs.metadata.namespace));
            const [file] = Object.keys(c.inputs.data);
            assert.strictEqual(c.inputs.data[file], fs.readFileSync(path.join(DASHBOARD_DIR, file), "utf8"));
        }
    });

    it("creates no receiver Secret and keeps the chart's Alertmanager config without dataops:alerting", () => {
        assert.deepStrictEqual(res.ofType(SECRET).filter((s) => s.inputs.metadata.name === ALERTMANAGER_SECRET.name), []);
        const am = res.get(RELEASE, "platform-monitoring-release").inputs.values.alertmanager;
        assert.strictEqual(am.alertmanagerSpec.useExistingSecret, undefined);
        assert.strictEqual(am.alertmanagerSpec.configSecret, undefined);
        assert.strictEqual(am.config, undefined);
        assert.strictEqual(am.alertmanagerSpec.replicas, 1);
        assert.strictEqual(am.alertmanagerSpec.storage, undefined);
    });
});

describe("observability under mocks: receivers, prod and switches", () => {
    it("keeps receiver credentials in a secret Secret the release waits for", async () => {
        const { config, secretKeys } = stackFileConfig("dev");
        const alerting = { slackWebhookUrl: SLACK, slackChannel: "#data-alerts", pagerDutyRoutingKey: PAGERDUTY, thresholds: { kafkaConsumerLag: 2500 } };
        const run = await runIndex("dev", { ...config, "dataops:alerting": JSON.stringify(alerting) }, [...secretKeys, "dataops:alerting"]);
        assert.strictEqual(run.error, undefined, run.error?.message);
        const res = new Resources(run.resources);
        const secret = res.get(SECRET, "platform-monitoring-alertmanager-config");
        assert.deepStrictEqual(secret.inputs.metadata, {
            name: "alertmanager-dataops",
            namespace: "monitoring",
            labels: { "app.kubernetes.io/part-of": "dataops", "app.kubernetes.io/managed-by": "pulumi" },
        });
        assert.deepStrictEqual(secret.secretPaths, ["stringData"]);
        const amConfig = JSON.parse(secret.inputs.stringData["alertmanager.yaml"]);
        assert.deepStrictEqual(amConfig, alertmanagerConfig(alerting, "dev"));
        const release = res.get(RELEASE, "platform-monitoring-release");
        assert.ok(release.dependencies.includes(secret.urn));
        assert.strictEqual(release.inputs.values.alertmanager.alertmanagerSpec.useExistingSecret, true);
        assert.strictEqual(release.inputs.values.alertmanager.alertmanagerSpec.configSecret, "alertmanager-dataops");
        assert.deepStrictEqual(unknownPaths(release.inputs.values, chartKeys("kube-prometheus-stack-88.5.3.txt", "kube-prometheus-stack-88.5.3-additions.txt")), []);
        const leaks = run.resources.filter((r) => r.name !== secret.name && [SLACK, PAGERDUTY].some((s) => JSON.stringify(r.inputs).includes(s)));
        assert.deepStrictEqual(leaks.map((r) => r.name), []);
        const lag = res.get(RULE, "platform-observability-rules-kafka").inputs.spec.groups[0].rules[3];
        assert.strictEqual(lag.expr, 'max by (consumergroup, topic) (kafka_consumergroup_lag_sum{namespace="kafka"}) > 2500');
    });

    it("keeps Prometheus data on a PVC and Alertmanager state on one in prod", async () => {
        const run = await runIndex("prod", { ...LOCAL, "dataops:profile": "prod", "dataops:teams": TEAM });
        assert.strictEqual(run.error, undefined, run.error?.message);
        const res = new Resources(run.resources);
        const values = res.get(RELEASE, "platform-monitoring-release").inputs.values;
        assert.deepStrictEqual(values.prometheus.prometheusSpec.storageSpec, {
            volumeClaimTemplate: { spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "100Gi" } } } },
        });
        assert.strictEqual(values.prometheus.prometheusSpec.replicas, 2);
        assert.strictEqual(values.prometheus.prometheusSpec.retention, "15d");
        assert.strictEqual(values.prometheus.prometheusSpec.retentionSize, "85GB");
        assert.deepStrictEqual(values.alertmanager.alertmanagerSpec.storage, {
            volumeClaimTemplate: { spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "10Gi" } } } },
        });
        const jobMonitors = res.ofType(POD_MONITOR).filter((m) => m.inputs.metadata.name === "spark-applications");
        assert.deepStrictEqual(jobMonitors.map((m) => m.inputs.metadata.namespace).sort(), ["analytics-jobs", "spark-jobs"]);
        assert.strictEqual(namespaceLabels(res, "analytics-jobs")["dataops.io/monitoring"], "enabled");
    });

    it("drops a disabled workload's monitors, rules and dashboard", async () => {
        const run = await runIndex("dev", { ...LOCAL, "dataops:kafka": '{"enabled":false}', "dataops:grafana": '{"enabled":false}' });
        assert.strictEqual(run.error, undefined, run.error?.message);
        const res = new Resources(run.resources);
        const names = [...res.ofType(POD_MONITOR), ...res.ofType(SERVICE_MONITOR), ...res.ofType(RULE)].map((r) => `${r.inputs.metadata.namespace}/${r.inputs.metadata.name}`);
        assert.deepStrictEqual(names.sort(), [
            "airflow/airflow-statsd",
            "airflow/dataops-airflow",
            "monitoring/dataops-platform",
            "spark-jobs/spark-applications",
            "spark-operator/dataops-spark",
            "spark-operator/spark-operator-controller",
        ]);
        const obs = res.get(OBSERVABILITY, "platform-observability");
        assert.deepStrictEqual(res.ofType(CONFIG_MAP).filter((c) => c.parent === obs.urn), []);
    });

    it("creates nothing of its own when Prometheus is disabled", async () => {
        const run = await runIndex("dev", { ...LOCAL, "dataops:prometheus": '{"enabled":false}' });
        assert.strictEqual(run.error, undefined, run.error?.message);
        const res = new Resources(run.resources);
        assert.deepStrictEqual(res.ofType(OBSERVABILITY), []);
        assert.deepStrictEqual([...res.ofType(POD_MONITOR), ...res.ofType(SERVICE_MONITOR), ...res.ofType(RULE)], []);
    });
});
