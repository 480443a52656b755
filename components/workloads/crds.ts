// Custom resource definitions are applied by Pulumi (server-side apply, through k8s.yaml.v2.ConfigGroup) from the
// upstream release matching the pinned chart version, and every release sets skipCrds. Helm installs a chart's CRDs
// only on first install and never upgrades them; this way bumping `dataops:<workload>.chartVersion` upgrades the CRDs
// in the same `pulumi up`, before the operator that needs them.
import * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import type { WorkloadKey } from "../../stacks/catalog";

/** Prometheus-operator CRDs shipped in the kube-prometheus-stack chart (charts/crds/crds/crd-<name>.yaml). */
export const KPS_CRDS = [
    "alertmanagerconfigs",
    "alertmanagers",
    "podmonitors",
    "probes",
    "prometheusagents",
    "prometheuses",
    "prometheusrules",
    "scrapeconfigs",
    "servicemonitors",
    "thanosrulers",
] as const;

export const SPARK_CRDS = ["sparkapplications", "scheduledsparkapplications", "sparkconnects"] as const;

/**
 * The API versions and kinds each operator's CRDs serve (from the CRD files at the pinned versions), announced to
 * `helm template --api-versions` when rendering offline, as the cluster would announce them once the CRDs are applied.
 */
export const CRD_KINDS: Record<Extract<WorkloadKey, "kafka" | "spark" | "prometheus">, readonly string[]> = {
    kafka: [
        "core.strimzi.io/v1/StrimziPodSet",
        ...["Kafka", "KafkaBridge", "KafkaConnect", "KafkaConnector", "KafkaMirrorMaker2", "KafkaNodePool", "KafkaRebalance", "KafkaTopic", "KafkaUser"].map(
            (k) => `kafka.strimzi.io/v1/${k}`,
        ),
    ],
    spark: ["sparkoperator.k8s.io/v1beta2/SparkApplication", "sparkoperator.k8s.io/v1beta2/ScheduledSparkApplication", "sparkoperator.k8s.io/v1alpha1/SparkConnect"],
    prometheus: [
        ...["Alertmanager", "PodMonitor", "Probe", "Prometheus", "PrometheusRule", "ServiceMonitor", "ThanosRuler"].map((k) => `monitoring.coreos.com/v1/${k}`),
        ...["AlertmanagerConfig", "PrometheusAgent", "ScrapeConfig"].map((k) => `monitoring.coreos.com/v1alpha1/${k}`),
    ],
};

/** URLs of the CRD manifests for a chart version; they are tagged upstream exactly like the chart. */
export function crdFiles(workload: Extract<WorkloadKey, "kafka" | "spark" | "prometheus">, chartVersion: string): string[] {
    switch (workload) {
        case "kafka":
            return [`https://github.com/strimzi/strimzi-kafka-operator/releases/download/${chartVersion}/strimzi-crds-${chartVersion}.yaml`];
        case "spark":
            return SPARK_CRDS.map(
                (c) =>
                    `https://raw.githubusercontent.com/kubeflow/spark-operator/v${chartVersion}/charts/spark-operator-chart/crds/sparkoperator.k8s.io_${c}.yaml`,
            );
        case "prometheus":
            return KPS_CRDS.map(
                (c) =>
                    `https://raw.githubusercontent.com/prometheus-community/helm-charts/kube-prometheus-stack-${chartVersion}/charts/kube-prometheus-stack/charts/crds/crds/crd-${c}.yaml`,
            );
    }
}

/**
 * The CRDs of an operator chart as one server-side-applied group. It waits for the cluster to be ready (on EKS and AKS
 * that includes the deployer's access), since CRDs are the first objects applied for a workload.
 */
export function operatorCrds(
    name: string,
    workload: Extract<WorkloadKey, "kafka" | "spark" | "prometheus">,
    chartVersion: string,
    opts: { parent: pulumi.Resource; provider: k8s.Provider; dependsOn: pulumi.Input<pulumi.Resource>[] },
): k8s.yaml.v2.ConfigGroup {
    return new k8s.yaml.v2.ConfigGroup(`${name}-crds`, { files: crdFiles(workload, chartVersion) }, opts);
}
