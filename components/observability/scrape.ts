// What Prometheus scrapes, as plain data: one ServiceMonitor or PodMonitor per workload, in the workload's own
// namespace, selecting the labels its chart or operator puts on the pods/services. All are created by the program
// rather than the charts so that every one of them waits for the monitoring CRDs in one place (the Observability
// component depends on the kube-prometheus-stack release).
import { CHARTS, NAMESPACES, SERVICES, sparkJobNamespaces } from "../../stacks/catalog";
import type { PlatformConfig } from "../../stacks/config";
import type { ScrapeTarget } from "./metrics";

export interface LabelSelector {
    matchLabels: Record<string, string>;
    matchExpressions?: { key: string; operator: "In"; values: string[] }[];
}

export interface MonitorSpec {
    target: ScrapeTarget;
    kind: "PodMonitor" | "ServiceMonitor";
    /** Object name; also the Pulumi child role. */
    name: string;
    namespace: string;
    selector: LabelSelector;
    port: string;
    path: string;
}

/** Strimzi copies its `strimzi.io/*` pod labels onto the series, so pool and role show up in queries. */
const STRIMZI_RELABELINGS = [{ action: "labelmap", regex: "__meta_kubernetes_pod_label_(strimzi_io_.+)", replacement: "$1" }];

export function monitorSpecs(cfg: PlatformConfig): MonitorSpec[] {
    const out: MonitorSpec[] = [];
    const pod = (target: ScrapeTarget, name: string, namespace: string, selector: LabelSelector, port: string, path = "/metrics") =>
        out.push({ target, kind: "PodMonitor", name, namespace, selector, port, path });
    const service = (target: ScrapeTarget, name: string, namespace: string, selector: LabelSelector, port: string) =>
        out.push({ target, kind: "ServiceMonitor", name, namespace, selector, port, path: "/metrics" });
    if (cfg.kafka.enabled) {
        const cluster = cfg.kafka.clusterName;
        // The chart's operator Deployment labels its pods strimzi.io/kind=cluster-operator; metrics on port `http`.
        pod("strimziOperator", "strimzi-cluster-operator", NAMESPACES.kafka, { matchLabels: { "strimzi.io/kind": "cluster-operator" } }, "http");
        // Brokers and controllers of every node pool carry strimzi.io/name=<cluster>-kafka; the JMX exporter port is
        // `tcp-prometheus` (9404).
        pod(
            "kafka",
            "kafka-nodes",
            NAMESPACES.kafka,
            { matchLabels: { "strimzi.io/cluster": cluster, "strimzi.io/name": `${cluster}-kafka` } },
            "tcp-prometheus",
        );
        pod(
            "kafkaExporter",
            "kafka-exporter",
            NAMESPACES.kafka,
            { matchLabels: { "strimzi.io/cluster": cluster, "strimzi.io/name": `${cluster}-kafka-exporter` } },
            "tcp-prometheus",
        );
    }
    if (cfg.spark.enabled) {
        // The chart's controller selector labels; the webhook pods differ only in the component.
        pod(
            "sparkOperator",
            "spark-operator-controller",
            NAMESPACES.sparkOperator,
            {
                matchLabels: {
                    "app.kubernetes.io/name": "spark-operator",
                    "app.kubernetes.io/instance": CHARTS.spark.releaseName,
                    "app.kubernetes.io/component": "controller",
                },
            },
            "metrics",
        );
        // Drivers and executors of SparkApplications with `monitoring.prometheus` set: the operator labels them and
        // names the JMX exporter port `jmx-exporter` (8090 by default).
        for (const ns of sparkJobNamespaces(cfg.spark.jobNamespace, cfg.teams)) {
            pod(
                "sparkJobs",
                "spark-applications",
                ns,
                {
                    matchLabels: { "sparkoperator.k8s.io/launched-by-spark-operator": "true" },
                    matchExpressions: [{ key: "spark-role", operator: "In", values: ["driver", "executor"] }],
                },
                "jmx-exporter",
            );
        }
    }
    if (cfg.airflow.enabled) {
        // The chart's statsd Service (statsd-exporter), port `statsd-scrape` (9102).
        service(
            "airflowStatsd",
            SERVICES.airflowStatsd,
            NAMESPACES.airflow,
            { matchLabels: { tier: "airflow", component: "statsd", release: CHARTS.airflow.releaseName } },
            "statsd-scrape",
        );
    }
    if (cfg.grafana.enabled) {
        service(
            "grafana",
            SERVICES.grafana,
            NAMESPACES.monitoring,
            { matchLabels: { "app.kubernetes.io/name": "grafana", "app.kubernetes.io/instance": CHARTS.grafana.releaseName } },
            "service",
        );
    }
    return out;
}

/** The custom resource spec of a monitor (Pod- and ServiceMonitors differ only in the endpoint list's key). */
export function monitorResourceSpec(m: MonitorSpec): Record<string, unknown> {
    const endpoint = {
        port: m.port,
        path: m.path,
        ...(m.target === "kafka" || m.target === "kafkaExporter" ? { relabelings: STRIMZI_RELABELINGS } : {}),
    };
    return {
        selector: m.selector,
        namespaceSelector: { matchNames: [m.namespace] },
        ...(m.kind === "PodMonitor" ? { podMetricsEndpoints: [endpoint] } : { endpoints: [endpoint] }),
    };
}
