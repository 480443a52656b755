// Standalone Grafana: admin credentials from a Pulumi-generated Secret (never the chart's own random password, which
// would change on every render), Prometheus provisioned as the default data source, dashboards from labelled ConfigMaps.
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { CHARTS, commonLabels, NAMESPACES, PORTS, SERVICES } from "../../stacks/catalog";
import type { PlatformConfig } from "../../stacks/config";
import { GRAFANA_SSO_SECRET, grafanaAccessValues, mergeValues } from "../access/sso";
import { placementValues } from "../cluster/placement";
import type { ClusterInfo, Placement } from "../cluster/types";
import { releaseArgs } from "./release";
import { SIZING } from "./sizing";

export const GRAFANA_ADMIN_SECRET = { name: "grafana-admin", userKey: "admin-user", passwordKey: "admin-password" } as const;
/** ConfigMaps with this label (any value) are loaded as dashboards by Grafana's sidecar. */
export const DASHBOARD_LABEL = "grafana_dashboard";

export interface GrafanaValuesInput {
    config: PlatformConfig;
    /** Namespaces Grafana's sidecar may read dashboards from (namespaced RBAC: a Role in each). */
    dashboardNamespaces: string[];
    storageClass?: pulumi.Input<string>;
    placement?: Placement;
}

export function grafanaValues(input: GrafanaValuesInput): Record<string, unknown> {
    const { config: cfg } = input;
    const g = cfg.grafana;
    const sizing = SIZING[cfg.profile];
    const values: Record<string, unknown> = {
        admin: { existingSecret: GRAFANA_ADMIN_SECRET.name, userKey: GRAFANA_ADMIN_SECRET.userKey, passwordKey: GRAFANA_ADMIN_SECRET.passwordKey },
        // The chart always adds its own namespace to rbac.namespaces; listing it again renders the Role twice.
        rbac: { create: true, namespaced: true, namespaces: input.dashboardNamespaces.filter((n) => n !== NAMESPACES.monitoring) },
        replicas: 1,
        resources: sizing.grafana,
        ...placementValues(input.placement),
        persistence: g.persistence
            ? { enabled: true, size: `${g.storageGi}Gi`, ...(input.storageClass ? { storageClassName: input.storageClass } : {}) }
            : { enabled: false },
        // A ReadWriteOnce volume cannot attach to the new pod while the old one holds it.
        ...(g.persistence ? { deploymentStrategy: { type: "Recreate" } } : {}),
        // The chown init container runs as root; fsGroup already gives Grafana its volume. The chart's pod, container
        // and sidecar security contexts are restricted-PSS compliant as they are.
        initChownData: { enabled: false },
        testFramework: { enabled: false },
        networkPolicy: { enabled: false },
        sidecar: {
            resources: sizing.grafanaSidecar,
            dashboards: { enabled: true, label: DASHBOARD_LABEL, searchNamespace: input.dashboardNamespaces },
        },
        datasources: {
            "datasources.yaml": {
                apiVersion: 1,
                datasources: [
                    {
                        name: "Prometheus",
                        uid: "prometheus",
                        type: "prometheus",
                        access: "proxy",
                        isDefault: true,
                        url: `http://${SERVICES.prometheus}.${NAMESPACES.monitoring}.svc:${PORTS.prometheus}`,
                    },
                ],
            },
        },
    };
    // Behind the front door: its public URL, and sign-in through the identity provider when dataops:access.sso is set.
    return mergeValues(values, grafanaAccessValues(cfg));
}

export interface GrafanaArgs {
    config: PlatformConfig;
    cluster: ClusterInfo;
    namespace: pulumi.Input<string>;
    dashboardNamespaces: string[];
    provider: k8s.Provider;
    dependsOn: pulumi.Input<pulumi.Resource>[];
}

export class Grafana extends pulumi.ComponentResource {
    readonly release: k8s.helm.v3.Release;
    readonly url: pulumi.Output<string>;
    readonly adminSecretName: pulumi.Output<string>;

    constructor(name: string, args: GrafanaArgs, opts?: pulumi.ComponentResourceOptions) {
        super("dataops:workloads:Grafana", name, {}, opts);
        const { config: cfg, provider } = args;
        const child = { parent: this, provider };
        const password = new random.RandomPassword(`${name}-admin-password`, { length: 32, special: false }, { parent: this });
        const admin = new k8s.core.v1.Secret(
            `${name}-admin`,
            {
                metadata: { name: GRAFANA_ADMIN_SECRET.name, namespace: args.namespace, labels: commonLabels() },
                type: "Opaque",
                stringData: {
                    [GRAFANA_ADMIN_SECRET.userKey]: "admin",
                    [GRAFANA_ADMIN_SECRET.passwordKey]: pulumi.secret(password.result),
                },
            },
            child,
        );
        const sso = cfg.access.enabled ? cfg.access.sso : undefined;
        const ssoSecret = sso
            ? [
                  new k8s.core.v1.Secret(
                      `${name}-sso`,
                      {
                          metadata: { name: GRAFANA_SSO_SECRET.name, namespace: args.namespace, labels: commonLabels() },
                          type: "Opaque",
                          stringData: { [GRAFANA_SSO_SECRET.key]: pulumi.secret(sso.clientSecret) },
                      },
                      child,
                  ),
              ]
            : [];
        this.release = new k8s.helm.v3.Release(
            `${name}-release`,
            releaseArgs({
                chart: CHARTS.grafana,
                version: cfg.grafana.chartVersion,
                namespace: args.namespace,
                values: grafanaValues({
                    config: cfg,
                    dashboardNamespaces: args.dashboardNamespaces,
                    storageClass: args.cluster.storageClass,
                    placement: args.cluster.placement?.platform,
                }),
                timeoutSeconds: cfg.releaseTimeoutSeconds,
            }),
            { ...child, dependsOn: [...args.dependsOn, admin, ...ssoSecret] },
        );
        this.url = pulumi.output(`http://${SERVICES.grafana}.${NAMESPACES.monitoring}.svc:${PORTS.grafanaService}`);
        this.adminSecretName = admin.metadata.name;
        this.registerOutputs({ url: this.url, adminSecretName: this.adminSecretName });
    }
}
