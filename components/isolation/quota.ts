// ResourceQuotas computed from what each namespace really runs: the sized containers of its charts and custom
// resources, times their replicas, plus room for rolling updates and unsized helpers. Raising a replica count or a
// volume size in config raises the quota with it, so a valid config is never refused by its own quota.
import { NAMESPACES } from "../../stacks/catalog";
import type { PlatformConfig } from "../../stacks/config";
import type { LimitRangeInput, Profile, QuotaInput } from "../../stacks/schema";
import { uiRoutes } from "../access/plan";
import { AIRFLOW_TASK_SLOTS, airflowVolumes, apiServerReplicas, usesBundledPostgres } from "../workloads/airflow";
import { CONTROLLER_STORAGE_GI, cruiseControlEnabled, PROD_CONTROLLERS } from "../workloads/kafka";
import { ALERTMANAGER_STORAGE_GI } from "../workloads/monitoring";
import { Component, operatorReplicas, Resources, SIZING } from "../workloads/sizing";

export type Quota = Required<QuotaInput>;
export type Limits = Required<LimitRangeInput>;

/** Spare capacity for a rolling update's extra pod and for containers the charts do not let us size. */
export const HEADROOM = 1.25;
/** Nodes assumed for a local cluster's node-exporter DaemonSet. */
export const LOCAL_NODES = 10;

/** Containers without sizing get the LimitRange defaults; one spare per namespace covers init and sidecar containers. */
const LIMITS: Record<Profile, Limits> = {
    dev: { defaultRequestCpu: "100m", defaultRequestMemory: "128Mi", defaultLimitCpu: "500m", defaultLimitMemory: "512Mi" },
    prod: { defaultRequestCpu: "250m", defaultRequestMemory: "256Mi", defaultLimitCpu: "1", defaultLimitMemory: "1Gi" },
};

/** Spark requests whole cores per driver and executor; the default limit must not fall below such a request. */
const JOB_LIMITS: Record<Profile, Limits> = {
    dev: { defaultRequestCpu: "500m", defaultRequestMemory: "512Mi", defaultLimitCpu: "2", defaultLimitMemory: "2Gi" },
    prod: { defaultRequestCpu: "1", defaultRequestMemory: "1Gi", defaultLimitCpu: "4", defaultLimitMemory: "8Gi" },
};

/** Capacity of a namespace where Spark jobs run: what jobs may use at once, not what a chart needs. */
const JOB_QUOTA: Record<Profile, Quota> = {
    dev: { requestsCpu: "4", requestsMemory: "8Gi", limitsCpu: "8", limitsMemory: "16Gi", pods: 50, persistentVolumeClaims: 5, requestsStorage: "50Gi" },
    prod: { requestsCpu: "32", requestsMemory: "128Gi", limitsCpu: "64", limitsMemory: "256Gi", pods: 500, persistentVolumeClaims: 20, requestsStorage: "500Gi" },
};

export function limitsFor(profile: Profile, jobs: boolean): Limits {
    return (jobs ? JOB_LIMITS : LIMITS)[profile];
}

export function jobQuota(profile: Profile): Quota {
    return JOB_QUOTA[profile];
}

/** Millicores of a CPU quantity ("250m", "2"). */
export function cpuMillis(q: string): number {
    return q.endsWith("m") ? Number(q.slice(0, -1)) : Math.round(Number(q) * 1000);
}

/** MiB of a memory quantity ("512Mi", "2Gi"). */
export function memoryMi(q: string): number {
    if (q.endsWith("Gi")) return Number(q.slice(0, -2)) * 1024;
    if (q.endsWith("Mi")) return Number(q.slice(0, -2));
    throw new Error(`unsupported memory quantity ${q}`);
}

/** What a namespace runs: sized containers with their counts, unsized containers, pods and volumes. */
export interface Demand {
    containers: [Resources, number][];
    unsized: number;
    pods: number;
    pvcs: number;
    storageGi: number;
}

/** The quota that fits a demand with headroom; CPU in whole cores, memory in whole GiB. */
export function quotaFor(d: Demand, defaults: Limits): Quota {
    const sum = (pick: (r: Resources) => number) =>
        d.containers.reduce((acc, [r, n]) => acc + pick(r) * n, 0) +
        d.unsized * pick({ requests: { cpu: defaults.defaultRequestCpu, memory: defaults.defaultRequestMemory }, limits: { cpu: defaults.defaultLimitCpu, memory: defaults.defaultLimitMemory } });
    const cores = (m: number) => String(Math.ceil((m * HEADROOM) / 1000));
    const gib = (mi: number) => `${Math.ceil((mi * HEADROOM) / 1024)}Gi`;
    return {
        requestsCpu: cores(sum((r) => cpuMillis(r.requests.cpu))),
        requestsMemory: gib(sum((r) => memoryMi(r.requests.memory))),
        limitsCpu: cores(sum((r) => cpuMillis(r.limits.cpu))),
        limitsMemory: gib(sum((r) => memoryMi(r.limits.memory))),
        pods: Math.max(10, Math.ceil(d.pods * 2)),
        persistentVolumeClaims: d.pvcs,
        requestsStorage: `${Math.ceil(d.storageGi * HEADROOM)}Gi`,
    };
}

/** Pods of a Deployment during a rolling update: its replicas plus the default maxSurge of 25%, rounded up. */
export const withSurge = (replicas: number): number => replicas + Math.ceil(replicas / 4);

const sized = (profile: Profile, ...items: [Component, number][]): [Resources, number][] =>
    items.filter(([, n]) => n > 0).map(([c, n]) => [SIZING[profile][c], n]);

/** The demand of each platform namespace (job namespaces excluded: they get JOB_QUOTA). */
export function demands(cfg: PlatformConfig, nodes: number): Record<string, Demand> {
    const p = cfg.profile;
    const prod = p === "prod";
    const out: Record<string, Demand> = {};
    if (cfg.airflow.enabled) {
        const a = cfg.airflow;
        const celery = a.executor === "CeleryExecutor";
        const slots = AIRFLOW_TASK_SLOTS[p];
        const volumes = airflowVolumes(cfg);
        // The API server's HPA may run its maximum (prod); the quota must admit every replica it can ask for. The
        // Deployments surge during a rolling update; the triggerer and the bundled PostgreSQL are StatefulSets.
        const schedulers = withSurge(a.replicas);
        const apiServers = withSurge(apiServerReplicas(cfg).max);
        const dagProcessors = withSurge(1);
        const postgres = usesBundledPostgres(cfg) ? 1 : 0;
        const gitSynced = a.dags ? schedulers + dagProcessors + 1 + slots : 0;
        out[NAMESPACES.airflow] = {
            containers: sized(
                p,
                ["airflowScheduler", schedulers],
                ["airflowApiServer", apiServers],
                ["airflowTriggerer", 1],
                ["airflowDagProcessor", dagProcessors],
                ["airflowStatsd", withSurge(1)],
                ["airflowJob", 2],
                ["airflowWorker", slots],
                ["airflowRedis", celery ? 1 : 0],
                ["airflowPostgres", postgres],
                ["airflowGitSync", gitSynced],
            ),
            // The chart's log-groomer sidecars (schedulers, DAG processors, the triggerer) take the LimitRange defaults.
            unsized: schedulers + dagProcessors + 1,
            pods: schedulers + apiServers + dagProcessors + withSurge(1) + 3 + slots + postgres + (celery ? 1 : 0),
            pvcs: volumes.length,
            storageGi: volumes.reduce((acc, v) => acc + v.sizeGi, 0),
        };
    }
    if (cfg.kafka.enabled) {
        const k = cfg.kafka;
        const controllers = prod ? PROD_CONTROLLERS : 0;
        // One extra pod for a rolling update.
        const operators = operatorReplicas(p) + 1;
        const cruiseControl = cruiseControlEnabled(k.brokers) ? 1 : 0;
        out[NAMESPACES.kafka] = {
            containers: sized(
                p,
                [prod ? "kafkaBroker" : "kafkaDual", k.brokers],
                ["kafkaController", controllers],
                ["strimziOperator", operators],
                ["kafkaEntityOperator", 2],
                ["kafkaExporter", 1],
                ["cruiseControl", cruiseControl],
            ),
            unsized: 1,
            pods: k.brokers + controllers + operators + 2 + cruiseControl,
            pvcs: k.brokers + controllers,
            storageGi: k.brokers * k.storageGi + controllers * CONTROLLER_STORAGE_GI,
        };
    }
    if (cfg.spark.enabled) {
        const replicas = operatorReplicas(p) + 1;
        out[NAMESPACES.sparkOperator] = {
            containers: sized(p, ["sparkController", replicas], ["sparkWebhook", replicas]),
            unsized: 1,
            pods: 2 * replicas,
            pvcs: 0,
            storageGi: 0,
        };
    }
    if (cfg.prometheus.enabled || cfg.grafana.enabled) {
        const prom = cfg.prometheus;
        const am = prom.enabled ? prom.alertmanagerReplicas : 0;
        const amVolumes = prod ? am : 0;
        const grafanaVolume = cfg.grafana.enabled && cfg.grafana.persistence ? 1 : 0;
        out[NAMESPACES.monitoring] = {
            containers: sized(
                p,
                ["prometheus", prom.enabled ? prom.replicas : 0],
                ["alertmanager", am],
                ["prometheusOperator", prom.enabled ? 2 : 0],
                ["kubeStateMetrics", prom.enabled ? 2 : 0],
                ["prometheusAdmissionPatch", prom.enabled ? 1 : 0],
                ["grafana", cfg.grafana.enabled ? 2 : 0],
                ["grafanaSidecar", cfg.grafana.enabled ? 2 : 0],
            ),
            // Config reloaders beside Prometheus and Alertmanager.
            unsized: (prom.enabled ? prom.replicas : 0) + am + 1,
            pods: (prom.enabled ? prom.replicas + am + 5 : 0) + (cfg.grafana.enabled ? 2 : 0),
            pvcs: (prom.enabled ? prom.replicas : 0) + amVolumes + grafanaVolume,
            storageGi:
                (prom.enabled ? prom.replicas * prom.storageGi : 0) +
                amVolumes * ALERTMANAGER_STORAGE_GI +
                grafanaVolume * cfg.grafana.storageGi,
        };
    }
    if (cfg.access.enabled) {
        const replicas = operatorReplicas(p);
        // The controller, its proxies, one oauth2-proxy per proxied UI, the certgen Job; each with a rolling update's spare.
        const proxies = uiRoutes(cfg).filter((r) => r.proxied).length;
        out[NAMESPACES.gateway] = {
            containers: sized(p, ["envoyGateway", replicas + 1], ["envoyProxy", replicas + 1], ["oauth2Proxy", proxies * (replicas + 1)]),
            // Envoy's shutdown-manager sidecar (Envoy Gateway sizes it itself) and the certgen Job.
            unsized: replicas + 2,
            pods: 2 * (replicas + 1) + proxies * (replicas + 1) + 1,
            pvcs: 0,
            storageGi: 0,
        };
        out[NAMESPACES.certManager] = {
            containers: sized(
                p,
                ["certManagerController", replicas + 1],
                ["certManagerWebhook", replicas + 1],
                ["certManagerCainjector", replicas + 2],
            ),
            // ACME solvers run in-process for DNS-01; the startup check Job is sized like the cainjector.
            unsized: 1,
            pods: 3 * (replicas + 1) + 1,
            pvcs: 0,
            storageGi: 0,
        };
    }
    if (cfg.prometheus.enabled) {
        out[NAMESPACES.nodeExporter] = { containers: sized(p, ["nodeExporter", nodes]), unsized: 0, pods: nodes, pvcs: 0, storageGi: 0 };
    }
    return out;
}

/** Nodes the cluster can grow to: the sum of the pools' maximums (a fixed allowance for local clusters). */
export function maxNodes(cfg: PlatformConfig): number {
    return cfg.cloud === "local" ? LOCAL_NODES : cfg.cluster.nodePools.reduce((acc, p) => acc + p.maxNodes, 0);
}
