// The Kubeflow Spark operator: CRDs applied by Pulumi, the controller and its admission webhook in their own namespace,
// SparkApplications only in the listed job namespaces (the chart creates the Spark service account and Role there).
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { CHARTS, commonLabels, DATA_SERVICE_ACCOUNTS, PORTS } from "../../stacks/catalog";
import type { PlatformConfig } from "../../stacks/config";
import type { Profile } from "../../stacks/schema";
import { placementValues } from "../cluster/placement";
import type { ClusterInfo, Placement } from "../cluster/types";
import { operatorCrds } from "./crds";
import { releaseArgs } from "./release";
import { operatorReplicas, SIZING, SPARK_SUBMIT_HEAP_MI, SPARK_SUBMIT_WORKERS } from "./sizing";
import { SPARK_SUBMITTER_ROLE, sparkAggregatedRoles, sparkSubmitterRules } from "./spark-rbac";

export const SPARK_SERVICE_ACCOUNT = DATA_SERVICE_ACCOUNTS.sparkJobs[0];

/** ConfigMap holding spark-defaults.conf and the pod templates every submission from the operator starts from. */
export const SPARK_DEFAULTS = { configMap: "spark-defaults", mountPath: "/etc/spark-defaults" } as const;
/** Executors one application may scale to: one core each, within the job namespace quota (4 cores dev, 32 prod) beside its driver. */
export const MAX_EXECUTORS: Record<Profile, number> = { dev: 3, prod: 31 };
/** Seconds an executor gets to hand its blocks over when its node goes (AWS Spot warns 2 minutes ahead, GCP and Azure 30 s). */
export const EXECUTOR_GRACE_SECONDS = 90;

/**
 * Defaults for every SparkApplication, read by spark-submit in the operator (its SPARK_CONF_DIR): dynamic allocation
 * with shuffle tracking (no external shuffle service), from zero executors; graceful decommissioning moves shuffle and
 * cached blocks off an executor whose Spot node is reclaimed; drivers and executors start from pod templates that
 * place them on their pools. An application's own sparkConf or driver/executor settings win.
 */
export function sparkDefaults(profile: Profile, driver?: Placement, executor?: Placement): Record<string, string> {
    const conf: Record<string, string> = {
        "spark.dynamicAllocation.enabled": "true",
        "spark.dynamicAllocation.shuffleTracking.enabled": "true",
        "spark.dynamicAllocation.minExecutors": "0",
        "spark.dynamicAllocation.maxExecutors": String(MAX_EXECUTORS[profile]),
        "spark.dynamicAllocation.executorIdleTimeout": "60s",
        "spark.decommission.enabled": "true",
        "spark.storage.decommission.enabled": "true",
        "spark.storage.decommission.shuffleBlocks.enabled": "true",
        "spark.storage.decommission.rddBlocks.enabled": "true",
    };
    if (driver) {
        conf["spark.kubernetes.driver.podTemplateFile"] = `${SPARK_DEFAULTS.mountPath}/driver-pod-template.yaml`;
    }
    if (executor) {
        conf["spark.kubernetes.executor.podTemplateFile"] = `${SPARK_DEFAULTS.mountPath}/executor-pod-template.yaml`;
    }
    const templates: Record<string, string> = {};
    const pod = (p: Placement, extra: Record<string, unknown> = {}) => JSON.stringify({ apiVersion: "v1", kind: "Pod", spec: { ...placementValues(p), ...extra } }, null, 2);
    if (driver) {
        templates["driver-pod-template.yaml"] = pod(driver);
    }
    if (executor) {
        templates["executor-pod-template.yaml"] = pod(executor, { terminationGracePeriodSeconds: EXECUTOR_GRACE_SECONDS });
    }
    return {
        "spark-defaults.conf": Object.entries(conf)
            .map(([k, v]) => `${k} ${v}`)
            .join("\n") + "\n",
        ...templates,
    };
}

export interface SparkValuesInput {
    config: PlatformConfig;
    jobNamespaces: string[];
    /** The operator's own pods (controller and webhook). */
    placement?: Placement;
}

export function sparkValues(input: SparkValuesInput): Record<string, unknown> {
    const { config: cfg } = input;
    const sizing = SIZING[cfg.profile];
    const prod = cfg.profile === "prod";
    const replicas = operatorReplicas(cfg.profile);
    const pdb = { enable: prod, minAvailable: 1 };
    return {
        spark: {
            jobNamespaces: input.jobNamespaces,
            // Identity annotations differ per job namespace (a team's own identity), so SparkOperator patches them
            // onto each namespace's account; the chart's are the same for all.
            serviceAccount: { create: true, name: SPARK_SERVICE_ACCOUNT, annotations: {} },
            rbac: { create: true },
        },
        controller: {
            replicas,
            podDisruptionBudget: pdb,
            resources: sizing.sparkController,
            ...placementValues(input.placement),
            workers: SPARK_SUBMIT_WORKERS[cfg.profile],
            // spark-submit runs in the controller (one JVM per concurrent submission, heap bounded) and reads the
            // platform's defaults from SPARK_CONF_DIR; /tmp is the chart's own volume.
            env: [
                { name: "SPARK_CONF_DIR", value: SPARK_DEFAULTS.mountPath },
                { name: "SPARK_SUBMIT_OPTS", value: `-Xmx${SPARK_SUBMIT_HEAP_MI}m` },
            ],
            volumes: [
                { name: "tmp", emptyDir: { sizeLimit: "1Gi" } },
                { name: "spark-defaults", configMap: { name: SPARK_DEFAULTS.configMap } },
            ],
            volumeMounts: [
                { name: "tmp", mountPath: "/tmp", readOnly: false },
                { name: "spark-defaults", mountPath: SPARK_DEFAULTS.mountPath, readOnly: true },
            ],
        },
        // The webhook injects volumes, tolerations and pod templates; with failurePolicy Fail it must stay available.
        webhook: {
            enable: true,
            replicas,
            port: PORTS.sparkWebhook,
            podDisruptionBudget: pdb,
            resources: sizing.sparkWebhook,
            ...placementValues(input.placement),
        },
        prometheus: { metrics: { enable: true, port: PORTS.sparkOperatorMetrics } },
        hook: { upgradeCrd: false },
    };
}

export interface SparkArgs {
    config: PlatformConfig;
    cluster: ClusterInfo;
    namespace: pulumi.Input<string>;
    jobNamespaces: string[];
    /** Service accounts that submit SparkApplications in the shared job namespace (Airflow's task pods). */
    submitters?: { namespace: string; serviceAccount: string; jobNamespace: pulumi.Input<string> }[];
    provider: k8s.Provider;
    /** The operator and job namespaces (the chart creates RBAC in each job namespace) and cluster readiness. */
    dependsOn: pulumi.Input<pulumi.Resource>[];
}

export class SparkOperator extends pulumi.ComponentResource {
    readonly release: k8s.helm.v3.Release;
    readonly crds: k8s.yaml.v2.ConfigGroup;

    constructor(name: string, args: SparkArgs, opts?: pulumi.ComponentResourceOptions) {
        super("dataops:workloads:SparkOperator", name, {}, opts);
        const { config: cfg, provider } = args;
        const child = { parent: this, provider };
        this.crds = operatorCrds(name, "spark", cfg.spark.chartVersion, { ...child, dependsOn: args.dependsOn });
        const placement = args.cluster.placement;
        const defaults = new k8s.core.v1.ConfigMap(
            `${name}-defaults`,
            {
                metadata: { name: SPARK_DEFAULTS.configMap, namespace: args.namespace, labels: commonLabels() },
                data: sparkDefaults(cfg.profile, placement?.sparkDriver, placement?.sparkExecutor),
            },
            { ...child, dependsOn: args.dependsOn },
        );
        this.release = new k8s.helm.v3.Release(
            `${name}-release`,
            releaseArgs({
                chart: CHARTS.spark,
                version: cfg.spark.chartVersion,
                namespace: args.namespace,
                values: sparkValues({ config: cfg, jobNamespaces: args.jobNamespaces, placement: placement?.platform }),
                timeoutSeconds: cfg.releaseTimeoutSeconds,
                skipCrds: true,
            }),
            { ...child, dependsOn: [...args.dependsOn, this.crds, defaults] },
        );
        for (const ns of args.jobNamespaces) {
            const binding = args.cluster.sparkIdentities?.[ns] ?? args.cluster.workloadIdentity?.spark;
            if (binding && Object.keys(binding.serviceAccountAnnotations).length > 0) {
                new k8s.core.v1.ServiceAccountPatch(
                    `${name}-sa-${ns}`,
                    { metadata: { name: SPARK_SERVICE_ACCOUNT, namespace: ns, annotations: binding.serviceAccountAnnotations } },
                    { ...child, dependsOn: [this.release] },
                );
            }
        }
        for (const role of sparkAggregatedRoles()) {
            new k8s.rbac.v1.ClusterRole(`${name}-${role.name}`, { metadata: { name: role.name, labels: role.labels }, rules: role.rules }, { ...child, dependsOn: [this.crds] });
        }
        for (const s of args.submitters ?? []) {
            const metadata = { name: SPARK_SUBMITTER_ROLE, namespace: s.jobNamespace, labels: commonLabels() };
            const role = new k8s.rbac.v1.Role(`${name}-submitter-${s.namespace}-${s.serviceAccount}`, { metadata, rules: sparkSubmitterRules() }, { ...child, dependsOn: args.dependsOn });
            new k8s.rbac.v1.RoleBinding(
                `${name}-submitter-${s.namespace}-${s.serviceAccount}`,
                {
                    metadata,
                    roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: SPARK_SUBMITTER_ROLE },
                    subjects: [{ kind: "ServiceAccount", name: s.serviceAccount, namespace: s.namespace }],
                },
                { ...child, dependsOn: [role] },
            );
        }
        this.registerOutputs({ jobNamespaces: args.jobNamespaces });
    }
}
