// The Kubeflow Spark operator: CRDs applied by Pulumi, the controller and its admission webhook in their own namespace,
// SparkApplications only in the listed job namespaces (the chart creates the Spark service account and Role there).
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { CHARTS, commonLabels, DATA_SERVICE_ACCOUNTS, PORTS } from "../../stacks/catalog";
import type { PlatformConfig } from "../../stacks/config";
import type { ClusterInfo } from "../cluster/types";
import { operatorCrds } from "./crds";
import { releaseArgs } from "./release";
import { operatorReplicas, SIZING, SPARK_SUBMIT_HEAP_MI, SPARK_SUBMIT_WORKERS } from "./sizing";
import { SPARK_SUBMITTER_ROLE, sparkAggregatedRoles, sparkSubmitterRules } from "./spark-rbac";

export const SPARK_SERVICE_ACCOUNT = DATA_SERVICE_ACCOUNTS.sparkJobs[0];

export interface SparkValuesInput {
    config: PlatformConfig;
    jobNamespaces: string[];
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
            workers: SPARK_SUBMIT_WORKERS[cfg.profile],
            env: [{ name: "SPARK_SUBMIT_OPTS", value: `-Xmx${SPARK_SUBMIT_HEAP_MI}m` }],
        },
        // The webhook injects volumes, tolerations and pod templates; with failurePolicy Fail it must stay available.
        webhook: { enable: true, replicas, port: PORTS.sparkWebhook, podDisruptionBudget: pdb, resources: sizing.sparkWebhook },
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
        this.release = new k8s.helm.v3.Release(
            `${name}-release`,
            releaseArgs({
                chart: CHARTS.spark,
                version: cfg.spark.chartVersion,
                namespace: args.namespace,
                values: sparkValues({ config: cfg, jobNamespaces: args.jobNamespaces }),
                timeoutSeconds: cfg.releaseTimeoutSeconds,
                skipCrds: true,
            }),
            { ...child, dependsOn: [...args.dependsOn, this.crds] },
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
