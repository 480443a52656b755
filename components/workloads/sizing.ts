// Requests and limits for every container the charts let us size, per profile. Quotas (isolation) require them.
import type { Profile } from "../../stacks/schema";

export interface Resources {
    requests: { cpu: string; memory: string };
    limits: { cpu: string; memory: string };
}

const res = (cpu: string, memory: string, limitCpu: string, limitMemory: string): Resources => ({
    requests: { cpu, memory },
    limits: { cpu: limitCpu, memory: limitMemory },
});

export type Component =
    | "airflowScheduler"
    | "airflowApiServer"
    | "airflowWorker"
    | "airflowTriggerer"
    | "airflowDagProcessor"
    | "airflowStatsd"
    | "airflowJob"
    | "airflowRedis"
    | "airflowPostgres"
    | "airflowGitSync"
    | "strimziOperator"
    | "kafkaBroker"
    | "kafkaController"
    | "kafkaDual"
    | "kafkaEntityOperator"
    | "kafkaExporter"
    | "cruiseControl"
    | "sparkController"
    | "sparkWebhook"
    | "prometheus"
    | "alertmanager"
    | "prometheusOperator"
    | "prometheusAdmissionPatch"
    | "kubeStateMetrics"
    | "nodeExporter"
    | "grafana"
    | "grafanaSidecar"
    | "envoyGateway"
    | "envoyProxy"
    | "certManagerController"
    | "certManagerWebhook"
    | "certManagerCainjector"
    | "oauth2Proxy";

export const SIZING: Record<Profile, Record<Component, Resources>> = {
    dev: {
        airflowScheduler: res("250m", "512Mi", "1", "1Gi"),
        airflowApiServer: res("250m", "768Mi", "1", "1536Mi"),
        airflowWorker: res("250m", "512Mi", "1", "1Gi"),
        airflowTriggerer: res("100m", "384Mi", "500m", "768Mi"),
        airflowDagProcessor: res("100m", "384Mi", "500m", "768Mi"),
        airflowStatsd: res("50m", "64Mi", "200m", "128Mi"),
        airflowJob: res("100m", "256Mi", "1", "1Gi"),
        airflowRedis: res("50m", "64Mi", "250m", "256Mi"),
        airflowPostgres: res("250m", "256Mi", "1", "1Gi"),
        airflowGitSync: res("50m", "64Mi", "200m", "128Mi"),
        strimziOperator: res("200m", "384Mi", "1", "384Mi"),
        kafkaBroker: res("250m", "1Gi", "1", "2Gi"),
        kafkaController: res("100m", "512Mi", "500m", "1Gi"),
        kafkaDual: res("250m", "1Gi", "1", "2Gi"),
        kafkaEntityOperator: res("50m", "256Mi", "500m", "512Mi"),
        kafkaExporter: res("50m", "64Mi", "200m", "128Mi"),
        cruiseControl: res("100m", "512Mi", "500m", "1Gi"),
        // The controller plus SPARK_SUBMIT_WORKERS concurrent spark-submit JVMs (see SPARK_SUBMIT_JVM_MI below).
        sparkController: res("500m", "1Gi", "2", "1792Mi"),
        sparkWebhook: res("50m", "64Mi", "200m", "256Mi"),
        prometheus: res("200m", "1Gi", "1", "2Gi"),
        alertmanager: res("50m", "64Mi", "200m", "128Mi"),
        prometheusOperator: res("50m", "128Mi", "200m", "256Mi"),
        prometheusAdmissionPatch: res("50m", "64Mi", "200m", "128Mi"),
        kubeStateMetrics: res("50m", "64Mi", "200m", "256Mi"),
        nodeExporter: res("50m", "32Mi", "200m", "64Mi"),
        grafana: res("100m", "256Mi", "500m", "512Mi"),
        grafanaSidecar: res("50m", "64Mi", "200m", "128Mi"),
        envoyGateway: res("100m", "256Mi", "500m", "1Gi"),
        envoyProxy: res("100m", "128Mi", "500m", "512Mi"),
        certManagerController: res("50m", "64Mi", "200m", "256Mi"),
        certManagerWebhook: res("20m", "32Mi", "100m", "128Mi"),
        certManagerCainjector: res("20m", "64Mi", "100m", "256Mi"),
        oauth2Proxy: res("20m", "32Mi", "100m", "128Mi"),
    },
    prod: {
        airflowScheduler: res("1", "2Gi", "2", "4Gi"),
        airflowApiServer: res("500m", "1536Mi", "2", "3Gi"),
        airflowWorker: res("500m", "1Gi", "2", "4Gi"),
        airflowTriggerer: res("250m", "512Mi", "1", "1Gi"),
        airflowDagProcessor: res("500m", "1Gi", "1", "2Gi"),
        airflowStatsd: res("100m", "128Mi", "500m", "256Mi"),
        airflowJob: res("250m", "512Mi", "1", "1Gi"),
        airflowRedis: res("100m", "256Mi", "500m", "512Mi"),
        airflowPostgres: res("500m", "1Gi", "2", "2Gi"),
        airflowGitSync: res("100m", "128Mi", "500m", "256Mi"),
        strimziOperator: res("200m", "512Mi", "1", "512Mi"),
        kafkaBroker: res("1", "4Gi", "2", "8Gi"),
        kafkaController: res("250m", "1Gi", "1", "2Gi"),
        kafkaDual: res("1", "4Gi", "2", "8Gi"),
        kafkaEntityOperator: res("100m", "512Mi", "500m", "1Gi"),
        kafkaExporter: res("100m", "128Mi", "500m", "256Mi"),
        cruiseControl: res("250m", "1Gi", "1", "2Gi"),
        sparkController: res("1", "1792Mi", "4", "3328Mi"),
        sparkWebhook: res("100m", "128Mi", "500m", "512Mi"),
        prometheus: res("1", "4Gi", "2", "8Gi"),
        alertmanager: res("100m", "128Mi", "500m", "256Mi"),
        prometheusOperator: res("100m", "256Mi", "500m", "512Mi"),
        prometheusAdmissionPatch: res("50m", "64Mi", "200m", "128Mi"),
        kubeStateMetrics: res("100m", "128Mi", "500m", "512Mi"),
        nodeExporter: res("100m", "64Mi", "250m", "128Mi"),
        grafana: res("250m", "512Mi", "1", "1Gi"),
        grafanaSidecar: res("50m", "128Mi", "250m", "256Mi"),
        envoyGateway: res("100m", "256Mi", "1", "1Gi"),
        envoyProxy: res("250m", "256Mi", "1", "1Gi"),
        certManagerController: res("50m", "128Mi", "500m", "512Mi"),
        certManagerWebhook: res("50m", "64Mi", "200m", "256Mi"),
        certManagerCainjector: res("50m", "128Mi", "500m", "512Mi"),
        oauth2Proxy: res("50m", "64Mi", "200m", "256Mi"),
    },
};

/**
 * The Spark operator controller runs one spark-submit (a JVM) per application it starts, up to `workers` at once. Each
 * JVM's heap is capped (SPARK_SUBMIT_OPTS) so the memory limit holds the controller (256Mi) plus every concurrent
 * submission at SPARK_SUBMIT_JVM_MI each; the request covers half of them. Submissions beyond `workers` queue.
 */
export const SPARK_SUBMIT_WORKERS: Record<Profile, number> = { dev: 4, prod: 8 };
export const SPARK_SUBMIT_HEAP_MI = 256;
/** Heap plus metaspace, code cache and thread stacks of one spark-submit JVM. */
export const SPARK_SUBMIT_JVM_MI = 384;
export const SPARK_CONTROLLER_BASE_MI = 256;

/** Replicas of the operators (Strimzi, Spark controller and webhook): two in prod for HA, one in dev. */
export function operatorReplicas(profile: Profile): number {
    return profile === "prod" ? 2 : 1;
}

/** Restricted-PSS container security context (no privilege escalation, no capabilities, RuntimeDefault seccomp). */
export const RESTRICTED_CONTAINER = {
    allowPrivilegeEscalation: false,
    capabilities: { drop: ["ALL"] },
    runAsNonRoot: true,
    seccompProfile: { type: "RuntimeDefault" },
};

/** Restricted-PSS pod security context for an image that runs as `uid`. */
export function restrictedPod(uid: number, fsGroup: number = uid): Record<string, unknown> {
    return { runAsNonRoot: true, runAsUser: uid, fsGroup, seccompProfile: { type: "RuntimeDefault" } };
}
