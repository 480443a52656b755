// Scrape targets, dashboards and alerting for the platform's workloads (see docs/observability.md). Everything here
// is a custom resource of the prometheus-operator or a dashboard ConfigMap; each waits for the kube-prometheus-stack
// release (and so its CRDs and operator). Alertmanager's receivers live with the release (components/workloads/monitoring.ts).
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { commonLabels, NAMESPACES } from "../../stacks/catalog";
import type { PlatformConfig } from "../../stacks/config";
import { DASHBOARD_LABEL } from "../workloads/grafana";
import { prometheusRuleSpec, ruleGroups } from "./alerts";
import { DashboardWorkload, DASHBOARDS, readDashboard } from "./dashboards";
import { monitorResourceSpec, monitorSpecs } from "./scrape";

export interface ObservabilityArgs {
    config: PlatformConfig;
    provider: k8s.Provider;
    /** The kube-prometheus-stack release: monitors and rules need its CRDs and operator. */
    monitoringRelease: pulumi.Resource;
    /** Namespaces of the platform, by name (only the enabled workloads' namespaces are present). */
    namespaces: Record<string, pulumi.Input<string>>;
}

export const MONITORING_API = "monitoring.coreos.com/v1";

export class Observability extends pulumi.ComponentResource {
    constructor(name: string, args: ObservabilityArgs, opts?: pulumi.ComponentResourceOptions) {
        super("dataops:observability:Observability", name, {}, opts);
        const { config: cfg, provider } = args;
        const child = { parent: this, provider, dependsOn: [args.monitoringRelease] };
        // The namespace's Output carries the dependency on the Namespace resource itself.
        const ns = (n: string) => args.namespaces[n];

        for (const m of monitorSpecs(cfg)) {
            new k8s.apiextensions.CustomResource(
                `${name}-monitor-${m.namespace}-${m.name}`,
                {
                    apiVersion: MONITORING_API,
                    kind: m.kind,
                    metadata: { name: m.name, namespace: ns(m.namespace), labels: commonLabels() },
                    spec: monitorResourceSpec(m),
                },
                child,
            );
        }
        for (const g of ruleGroups(cfg)) {
            new k8s.apiextensions.CustomResource(
                `${name}-rules-${g.name}`,
                {
                    apiVersion: MONITORING_API,
                    kind: "PrometheusRule",
                    metadata: { name: `dataops-${g.name}`, namespace: ns(g.namespace), labels: commonLabels() },
                    spec: prometheusRuleSpec(g),
                },
                child,
            );
        }
        if (cfg.grafana.enabled) {
            const enabled: Record<DashboardWorkload, boolean> = {
                platform: true,
                kafka: cfg.kafka.enabled,
                airflow: cfg.airflow.enabled,
                spark: cfg.spark.enabled,
            };
            // Grafana's sidecar reads labelled ConfigMaps in the monitoring namespace only (its namespaced RBAC).
            for (const d of DASHBOARDS.filter((x) => enabled[x.workload])) {
                new k8s.core.v1.ConfigMap(
                    `${name}-dashboard-${d.workload}`,
                    {
                        metadata: {
                            name: `dataops-dashboard-${d.workload}`,
                            namespace: ns(NAMESPACES.monitoring),
                            labels: { ...commonLabels(), [DASHBOARD_LABEL]: "1" },
                        },
                        data: { [d.file]: readDashboard(d.file) },
                    },
                    child,
                );
            }
        }
        this.registerOutputs({});
    }
}
