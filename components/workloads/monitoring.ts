// kube-prometheus-stack without its bundled Grafana: Prometheus selects monitors and rules from every namespace the
// platform labels for monitoring (not only ones carrying the release label), control-plane scraping follows whether the
// control plane is managed, and node-exporter runs alone in its privileged namespace. Alertmanager's receivers, when
// configured, come from a Secret created here before the release (never from Helm values).
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { CHARTS, commonLabels, KPS_FULLNAME, LABELS, NAMESPACES, PORTS, SERVICES } from "../../stacks/catalog";
import type { PlatformConfig } from "../../stacks/config";
import { placementValues } from "../cluster/placement";
import type { ClusterInfo, Placement } from "../cluster/types";
import { ALERTMANAGER_SECRET, alertmanagerConfig } from "../observability/alertmanager";
import { operatorCrds } from "./crds";
import { releaseArgs } from "./release";
import { SIZING } from "./sizing";

/** Alertmanager's volume per replica in prod (silences and notification state). */
export const ALERTMANAGER_STORAGE_GI = 10;

/** Selects the namespaces the platform manages (IsolatedNamespace labels them). */
export const MONITORED_NAMESPACES = { matchLabels: { [LABELS.monitoring]: "enabled" } };

export interface MonitoringValuesInput {
    config: PlatformConfig;
    /** Namespaces the operator watches besides its own (namespace-scoped operator RBAC). */
    watchedNamespaces: string[];
    managedControlPlane: boolean;
    kubeProxy: boolean;
    storageClass?: pulumi.Input<string>;
    /** Whether Alertmanager reads its configuration from the platform's Secret (set when receivers are configured). */
    alertmanagerSecret: boolean;
    placement?: Placement;
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
    // Everything but node-exporter (a DaemonSet on every node, whose default tolerations accept every NoSchedule taint).
    const place = placementValues(input.placement);
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
                ...place,
                podAntiAffinity: prod ? "hard" : "",
            },
        },
        alertmanager: {
            enabled: true,
            podDisruptionBudget: { enabled: p.alertmanagerReplicas > 1 },
            alertmanagerSpec: {
                replicas: p.alertmanagerReplicas,
                resources: sizing.alertmanager,
                ...place,
                podAntiAffinity: prod ? "hard" : "",
                ...(prod ? { storage: claim(ALERTMANAGER_STORAGE_GI, input.storageClass) } : {}),
                // Receivers' credentials stay in the Secret; the chart's rendered config would sit in plain values.
                ...(input.alertmanagerSecret ? { useExistingSecret: true, configSecret: ALERTMANAGER_SECRET.name } : {}),
            },
        },
        prometheusOperator: {
            namespaces: { releaseNamespace: true, additional: input.watchedNamespaces },
            resources: sizing.prometheusOperator,
            ...place,
            admissionWebhooks: { patch: { resources: sizing.prometheusAdmissionPatch, ...place } },
        },
        // A managed control plane exposes no controller-manager, scheduler or etcd: scraping them only raises alerts.
        kubeControllerManager: { enabled: !input.managedControlPlane },
        kubeScheduler: { enabled: !input.managedControlPlane },
        kubeEtcd: { enabled: !input.managedControlPlane },
        kubeProxy: { enabled: input.kubeProxy },
        "kube-state-metrics": { resources: sizing.kubeStateMetrics, ...place },
        "prometheus-node-exporter": { namespaceOverride: NAMESPACES.nodeExporter, resources: sizing.nodeExporter },
    };
}

export interface MonitoringArgs {
    config: PlatformConfig;
    cluster: ClusterInfo;
    namespace: pulumi.Input<string>;
    watchedNamespaces: string[];
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
        this.crds = operatorCrds(name, "prometheus", cfg.prometheus.chartVersion, { ...child, dependsOn: args.dependsOn });
        // Created before the release: Alertmanager must find its configuration when it starts.
        const amConfig = alertmanagerConfig(cfg.alerting, cfg.profile);
        const amSecret = amConfig
            ? [
                  new k8s.core.v1.Secret(
                      `${name}-alertmanager-config`,
                      {
                          metadata: { name: ALERTMANAGER_SECRET.name, namespace: args.namespace, labels: commonLabels() },
                          type: "Opaque",
                          // JSON is valid YAML.
                          stringData: { [ALERTMANAGER_SECRET.key]: pulumi.secret(JSON.stringify(amConfig, null, 2)) },
                      },
                      child,
                  ),
              ]
            : [];
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
                    alertmanagerSecret: amSecret.length > 0,
                    placement: args.cluster.placement?.platform,
                }),
                timeoutSeconds: cfg.releaseTimeoutSeconds,
                skipCrds: true,
            }),
            { ...child, dependsOn: [...args.dependsOn, this.crds, ...amSecret] },
        );
        this.prometheusUrl = pulumi.output(`http://${SERVICES.prometheus}.${NAMESPACES.monitoring}.svc:${PORTS.prometheus}`);
        this.registerOutputs({ prometheusUrl: this.prometheusUrl });
    }
}
