// kube-prometheus-stack without its bundled Grafana: Prometheus selects monitors and rules from every namespace the
// platform labels for monitoring (not only ones carrying the release label), control-plane scraping follows whether the
// control plane is managed, and node-exporter runs alone in its privileged namespace.
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { CHARTS, KPS_FULLNAME, LABELS, NAMESPACES, PORTS, SERVICES } from "../../stacks/catalog";
import type { PlatformConfig } from "../../stacks/config";
import type { ClusterInfo } from "../cluster/types";
import { crdFiles } from "./crds";
import { releaseArgs } from "./release";
import { SIZING } from "./sizing";

/** Selects the namespaces the platform manages (IsolatedNamespace labels them). */
export const MONITORED_NAMESPACES = { matchLabels: { [LABELS.monitoring]: "enabled" } };

export interface MonitoringValuesInput {
    config: PlatformConfig;
    /** Namespaces the operator watches besides its own (namespace-scoped operator RBAC). */
    watchedNamespaces: string[];
    managedControlPlane: boolean;
    kubeProxy: boolean;
    storageClass?: pulumi.Input<string>;
    /** Alertmanager configuration (receivers and routes), when alerting is configured. */
    alertmanagerConfig?: pulumi.Input<Record<string, unknown>>;
}

function claim(sizeGi: number, storageClass: pulumi.Input<string> | undefined) {
    return {
        volumeClaimTemplate: {
            spec: {
                accessModes: ["ReadWriteOnce"],
                resources: { requests: { storage: `${sizeGi}Gi` } },
                ...(storageClass ? { storageClassName: storageClass } : {}),
            },
        },
    };
}

export function monitoringValues(input: MonitoringValuesInput): Record<string, unknown> {
    const { config: cfg } = input;
    const p = cfg.prometheus;
    const sizing = SIZING[cfg.profile];
    const prod = cfg.profile === "prod";
    const selectAll = {
        serviceMonitorSelectorNilUsesHelmValues: false,
        podMonitorSelectorNilUsesHelmValues: false,
        ruleSelectorNilUsesHelmValues: false,
        probeSelectorNilUsesHelmValues: false,
        scrapeConfigSelectorNilUsesHelmValues: false,
        serviceMonitorNamespaceSelector: MONITORED_NAMESPACES,
        podMonitorNamespaceSelector: MONITORED_NAMESPACES,
        ruleNamespaceSelector: MONITORED_NAMESPACES,
        probeNamespaceSelector: MONITORED_NAMESPACES,
        scrapeConfigNamespaceSelector: MONITORED_NAMESPACES,
    };
    return {
        fullnameOverride: KPS_FULLNAME,
        // CRDs are applied by Pulumi from the same chart version (see crds.ts).
        crds: { enabled: false },
        grafana: { enabled: false, forceDeployDashboards: true },
        prometheus: {
            podDisruptionBudget: { enabled: p.replicas > 1 },
            prometheusSpec: {
                ...selectAll,
                replicas: p.replicas,
                retention: p.retention,
                // Leave headroom so Prometheus trims old blocks before the volume fills.
                retentionSize: `${Math.floor(p.storageGi * 0.85)}GB`,
                storageSpec: claim(p.storageGi, input.storageClass),
                resources: sizing.prometheus,
                podAntiAffinity: prod ? "hard" : "",
            },
        },
        alertmanager: {
            enabled: true,
            podDisruptionBudget: { enabled: p.alertmanagerReplicas > 1 },
            alertmanagerSpec: {
                replicas: p.alertmanagerReplicas,
                resources: sizing.alertmanager,
                podAntiAffinity: prod ? "hard" : "",
                ...(prod ? { storage: claim(10, input.storageClass) } : {}),
            },
            ...(input.alertmanagerConfig ? { config: input.alertmanagerConfig } : {}),
        },
        prometheusOperator: {
            namespaces: { releaseNamespace: true, additional: input.watchedNamespaces },
            resources: sizing.prometheusOperator,
            admissionWebhooks: { patch: { resources: sizing.airflowJob } },
        },
        // A managed control plane exposes no controller-manager, scheduler or etcd: scraping them only raises alerts.
        kubeControllerManager: { enabled: !input.managedControlPlane },
        kubeScheduler: { enabled: !input.managedControlPlane },
        kubeEtcd: { enabled: !input.managedControlPlane },
        kubeProxy: { enabled: input.kubeProxy },
        "kube-state-metrics": { resources: sizing.kubeStateMetrics },
        "prometheus-node-exporter": { namespaceOverride: NAMESPACES.nodeExporter, resources: sizing.nodeExporter },
    };
}

export interface MonitoringArgs {
    config: PlatformConfig;
    cluster: ClusterInfo;
    namespace: pulumi.Input<string>;
    watchedNamespaces: string[];
    alertmanagerConfig?: pulumi.Input<Record<string, unknown>>;
    provider: k8s.Provider;
    dependsOn: pulumi.Input<pulumi.Resource>[];
}

export class Monitoring extends pulumi.ComponentResource {
    readonly release: k8s.helm.v3.Release;
    readonly crds: k8s.yaml.v2.ConfigGroup;
    readonly prometheusUrl: pulumi.Output<string>;

    constructor(name: string, args: MonitoringArgs, opts?: pulumi.ComponentResourceOptions) {
        super("dataops:workloads:Monitoring", name, {}, opts);
        const { config: cfg, provider } = args;
        const child = { parent: this, provider };
        this.crds = new k8s.yaml.v2.ConfigGroup(`${name}-crds`, { files: crdFiles("prometheus", cfg.prometheus.chartVersion) }, child);
        this.release = new k8s.helm.v3.Release(
            `${name}-release`,
            releaseArgs({
                chart: CHARTS.prometheus,
                version: cfg.prometheus.chartVersion,
                namespace: args.namespace,
                values: monitoringValues({
                    config: cfg,
                    watchedNamespaces: args.watchedNamespaces,
                    managedControlPlane: args.cluster.managedControlPlane,
                    kubeProxy: args.cluster.kubeProxy,
                    storageClass: args.cluster.storageClass,
                    alertmanagerConfig: args.alertmanagerConfig,
                }),
                timeoutSeconds: cfg.releaseTimeoutSeconds,
                skipCrds: true,
            }),
            { ...child, dependsOn: [...args.dependsOn, this.crds] },
        );
        this.prometheusUrl = pulumi.output(`http://${SERVICES.prometheus}.${NAMESPACES.monitoring}.svc:${PORTS.prometheus}`);
        this.registerOutputs({ prometheusUrl: this.prometheusUrl });
    }
}
