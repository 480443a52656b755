// The data platform on any cluster target: isolated namespaces first, then the workloads in them, then team access.
// Everything goes through the cluster target's Kubernetes provider and waits for the cluster to be ready.
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { DATA_SERVICE_ACCOUNTS, NAMESPACES, PORTS, sparkJobNamespaces } from "../stacks/catalog";
import { firstHost } from "../stacks/cidr";
import type { PlatformConfig } from "../stacks/config";
import { FrontDoor } from "./access";
import type { ClusterInfo } from "./cluster/types";
import { IsolatedNamespace } from "./isolation/namespace";
import { Observability } from "./observability";
import { intendedFlows, namespacePlans } from "./isolation/plan";
import { elevatedBindingRefusals, roleBindingSpec, teamBindings } from "./isolation/teams";
import { Airflow } from "./workloads/airflow";
import { Grafana } from "./workloads/grafana";
import { Kafka } from "./workloads/kafka";
import { kafkaClientNamespaces } from "./workloads/kafka/tenancy";
import { Monitoring } from "./workloads/monitoring";
import { SparkOperator } from "./workloads/spark";

export interface DataPlatformArgs {
    config: PlatformConfig;
    cluster: ClusterInfo;
    provider: k8s.Provider;
    /** Cluster resources every release waits for (node pools, CNI/CSI add-ons, StorageClass). */
    clusterReady: pulumi.Resource[];
}

export interface PlatformOutputs {
    namespaces: pulumi.Output<string[]>;
    kafkaBootstrapServers?: pulumi.Output<string>;
    airflowUrl?: pulumi.Output<string>;
    grafanaUrl?: pulumi.Output<string>;
    grafanaAdminSecret?: pulumi.Output<string>;
    /** `<namespace>/<name>` of the Secret holding Airflow's generated admin login. */
    airflowAdminSecret?: pulumi.Output<string>;
    prometheusUrl?: pulumi.Output<string>;
    /** The UIs behind the front door (dataops:access), e.g. { airflow: "https://airflow.data.example.com" }. */
    uiUrls?: pulumi.Output<Record<string, string>>;
}

/**
 * Where pods reach the API server: the endpoints the cluster target reports, plus the kubernetes Service's ClusterIP,
 * since some CNIs (the EKS VPC CNI's policy agent among them) judge traffic before the Service is translated.
 */
export function apiServerEgress(cfg: PlatformConfig, cluster: ClusterInfo): { cidrs: pulumi.Input<string>[]; ports: number[] } {
    if (cfg.cloud === "local") {
        return cluster.apiServer;
    }
    const ports = cluster.apiServer.ports.includes(PORTS.apiServer) ? cluster.apiServer.ports : [PORTS.apiServer, ...cluster.apiServer.ports];
    return { cidrs: [...cluster.apiServer.cidrs, `${firstHost(cfg.cluster.serviceCidr)}/32`], ports };
}

export class DataPlatform extends pulumi.ComponentResource {
    readonly outputs: PlatformOutputs;
    readonly namespaces: Record<string, IsolatedNamespace> = {};

    constructor(name: string, args: DataPlatformArgs, opts?: pulumi.ComponentResourceOptions) {
        super("dataops:platform:DataPlatform", name, {}, opts);
        const { config: cfg, cluster, provider } = args;
        const plans = namespacePlans(cfg, cluster);
        // loadConfig rejects these already; the component guards itself for callers that build configs by hand.
        const unmanaged = teamBindings(cfg.teams).filter((b) => !plans.some((p) => p.name === b.namespace));
        if (unmanaged.length > 0) {
            throw new pulumi.RunError(`team access to namespaces the platform does not create: ${unmanaged.map((b) => `${b.team} -> ${b.namespace}`).join(", ")}`);
        }
        const elevated = elevatedBindingRefusals(cfg);
        if (elevated.length > 0) {
            throw new pulumi.RunError(`team access refused: ${elevated.join(" ")}`);
        }
        const apiServer = apiServerEgress(cfg, cluster);
        const flows = intendedFlows(cfg, plans);
        for (const plan of plans) {
            this.namespaces[plan.name] = new IsolatedNamespace(
                `${name}-ns-${plan.name}`,
                { plan, flows, apiServer, provider },
                { parent: this, dependsOn: args.clusterReady },
            );
        }
        const ns = (n: string) => this.namespaces[n];
        const deps = (...names: string[]) => [...args.clusterReady, ...names.map((n) => ns(n))];
        const child = { parent: this };
        const out: PlatformOutputs = { namespaces: pulumi.output(plans.map((p) => p.name)) };

        if (cfg.airflow.enabled) {
            const airflow = new Airflow(
                `${name}-airflow`,
                {
                    config: cfg,
                    cluster,
                    namespace: ns(NAMESPACES.airflow).name,
                    provider,
                    dependsOn: deps(NAMESPACES.airflow),
                },
                child,
            );
            out.airflowUrl = airflow.apiServerUrl;
            out.airflowAdminSecret = airflow.adminSecret;
        }
        if (cfg.kafka.enabled) {
            const clientNamespaces = Object.fromEntries(
                kafkaClientNamespaces(cfg.teams)
                    .filter((n) => this.namespaces[n] !== undefined)
                    .map((n) => [n, ns(n).name]),
            );
            const kafka = new Kafka(
                `${name}-kafka`,
                { config: cfg, cluster, namespace: ns(NAMESPACES.kafka).name, clientNamespaces, provider, dependsOn: deps(NAMESPACES.kafka) },
                child,
            );
            out.kafkaBootstrapServers = kafka.bootstrapServers;
        }
        if (cfg.spark.enabled) {
            const jobNamespaces = sparkJobNamespaces(cfg.spark.jobNamespace, cfg.teams);
            new SparkOperator(
                `${name}-spark`,
                {
                    config: cfg,
                    cluster,
                    namespace: ns(NAMESPACES.sparkOperator).name,
                    jobNamespaces,
                    // Only the shared job namespace: DAG code must not start jobs under a team's cloud identity.
                    submitters: cfg.airflow.enabled
                        ? [{ namespace: NAMESPACES.airflow, serviceAccount: DATA_SERVICE_ACCOUNTS.airflow[0], jobNamespace: ns(cfg.spark.jobNamespace).name }]
                        : [],
                    provider,
                    dependsOn: deps(NAMESPACES.sparkOperator, ...jobNamespaces),
                },
                child,
            );
        }
        if (cfg.prometheus.enabled) {
            const monitoring = new Monitoring(
                `${name}-monitoring`,
                {
                    config: cfg,
                    cluster,
                    namespace: ns(NAMESPACES.monitoring).name,
                    watchedNamespaces: ["kube-system", ...plans.map((p) => p.name).filter((n) => n !== NAMESPACES.monitoring)],
                    provider,
                    dependsOn: deps(NAMESPACES.monitoring, NAMESPACES.nodeExporter),
                },
                child,
            );
            out.prometheusUrl = monitoring.prometheusUrl;
            new Observability(
                `${name}-observability`,
                {
                    config: cfg,
                    provider,
                    monitoringRelease: monitoring.release,
                    namespaces: Object.fromEntries(Object.entries(this.namespaces).map(([n, c]) => [n, c.name])),
                },
                child,
            );
        }
        if (cfg.grafana.enabled) {
            const grafana = new Grafana(
                `${name}-grafana`,
                {
                    config: cfg,
                    cluster,
                    namespace: ns(NAMESPACES.monitoring).name,
                    dashboardNamespaces: [NAMESPACES.monitoring],
                    provider,
                    dependsOn: deps(NAMESPACES.monitoring),
                },
                child,
            );
            out.grafanaUrl = grafana.url;
            out.grafanaAdminSecret = grafana.adminSecretName;
        }
        if (cfg.access.enabled) {
            const frontDoor = new FrontDoor(
                `${name}-access`,
                {
                    config: cfg,
                    cluster,
                    provider,
                    namespaces: { gateway: ns(NAMESPACES.gateway).name, certManager: ns(NAMESPACES.certManager).name },
                    dependsOn: deps(NAMESPACES.gateway, NAMESPACES.certManager),
                    routeDependsOn: {
                        airflow: cfg.airflow.enabled ? [ns(NAMESPACES.airflow)] : [],
                        grafana: cfg.grafana.enabled ? [ns(NAMESPACES.monitoring)] : [],
                    },
                },
                child,
            );
            out.uiUrls = pulumi.output(frontDoor.urls as Record<string, pulumi.Output<string>>);
        }
        for (const b of teamBindings(cfg.teams)) {
            new k8s.rbac.v1.RoleBinding(
                `${name}-team-${b.team}-${b.namespace}-${b.role}`,
                { metadata: { name: b.name, namespace: ns(b.namespace).name, labels: b.labels }, ...roleBindingSpec(b) },
                { parent: this, provider },
            );
        }
        this.outputs = out;
        this.registerOutputs({ ...out });
    }
}
