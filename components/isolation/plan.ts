// What isolates each platform namespace, as plain data: its Pod Security level, quota, limit range, and the network
// flows it may take part in. Pure functions of the config and the cluster facts; the components only register them.
import type * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import { output as pulumiOutput } from "@pulumi/pulumi";
import { LABELS, NAMESPACES, PORTS, commonLabels } from "../../stacks/catalog";
import type { PlatformConfig } from "../../stacks/config";
import type { PodSecurityLevel } from "../../stacks/schema";
import type { ClusterInfo } from "../cluster/types";
import { demands, jobQuota, Limits, limitsFor, maxNodes, Quota, quotaFor } from "./quota";
import { gatewayNeedsInternet, gatewayTargets } from "../access/plan";
import { usesBundledPostgres } from "../workloads/airflow";
import { kafkaClientNamespaces } from "../workloads/kafka/tenancy";
import { receiversConfigured } from "../observability/alertmanager";
import { airflowPodPolicies, databaseEgress, PodPolicy } from "./airflow-pods";

/** Kubernetes minor the PSA labels are pinned to, so a cluster upgrade does not silently tighten or loosen them. */
export const PSA_VERSION = "v1.34";

export interface Port {
    port: number;
    protocol: "TCP" | "UDP";
}

export interface NamespacePlan {
    name: string;
    /** Why the namespace exists, and why its PSA level is what it is (docs/security.md lists these). */
    purpose: string;
    podSecurity: PodSecurityLevel;
    quota: Quota;
    limits: Limits;
    /** Calls the Kubernetes API (operators, executors, Spark drivers): gets an egress rule to the API server. */
    callsApi: boolean;
    /** Ports Prometheus scrapes in this namespace. */
    metricsPorts: number[];
    /** Webhook ports the API server calls (the caller is the control plane, so no namespace selector can name it). */
    webhookPorts: number[];
    /** Ports load balancers and node ports deliver client traffic to (the gateway's listeners), from any address. */
    listenerPorts?: number[];
    internetEgress: boolean;
    /** Egress to addresses outside the cluster the namespace needs (nodes, an external database). */
    egress: EgressRule[];
    /** Runs Spark jobs: a job capacity quota and default limits above a whole-core request. */
    jobs?: boolean;
    /** Flows between the namespace's own pods where they must not all trust each other (replaces allow-same-namespace). */
    podPolicies?: PodPolicy[];
    team?: string;
}

export interface EgressRule {
    /** Becomes the NetworkPolicy name. */
    name: string;
    /** The pods it applies to (default: every pod of the namespace). */
    podSelector?: Record<string, unknown>;
    /** Destinations, each with its ports; a list known only at deploy time (a cloud's published ranges) may be an Output. */
    to: { cidrs: pulumi.Input<pulumi.Input<string>[]>; ports: Port[] }[];
}

export interface FlowRule {
    from: string;
    to: string;
    ports: Port[];
    why: string;
}

const tcp = (...ports: number[]): Port[] => ports.map((port) => ({ port, protocol: "TCP" }));

export const KAFKA_CLIENT_PORTS = tcp(PORTS.kafkaTls);
export const KAFKA_METRICS_PORTS = [PORTS.strimziOperatorMetrics, PORTS.kafkaMetrics];
export const SPARK_JOB_METRICS_PORTS = [PORTS.sparkMetrics];

/** Private address space: internet egress means "anything but these", so it never opens other namespaces or nodes. */
export const PRIVATE_RANGES = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10"];

/**
 * Airflow's way to its metadata database: a managed one's own addresses and port as the target reports them, an external
 * one's configured ranges (default the cluster's network); none for the bundled PostgreSQL inside the namespace.
 */
export function metadataDatabaseEgress(cfg: PlatformConfig, cluster: ClusterInfo): EgressRule[] {
    const db = cluster.metadataDatabase;
    switch (cfg.airflow.database) {
        case "bundled":
            return [];
        case "managed":
            return db ? [databaseEgress(cfg, db.cidrs, db.port)] : [];
        case "external":
            return [databaseEgress(cfg, cfg.airflow.databaseCidrs ?? cluster.networkCidrs, cfg.airflow.databasePort)];
    }
}

/** Every namespace the platform creates, with its isolation settings after config overrides. */
export function namespacePlans(cfg: PlatformConfig, cluster: ClusterInfo): NamespacePlan[] {
    const profile = cfg.profile;
    const need = demands(cfg, maxNodes(cfg));
    const quota = (ns: string) => quotaFor(need[ns], limitsFor(profile, false));
    const plans: Omit<NamespacePlan, "limits" | "internetEgress">[] = [];
    const bundledPostgres = usesBundledPostgres(cfg);
    const bundledRedis = cfg.airflow.executor === "CeleryExecutor";
    if (cfg.airflow.enabled) {
        plans.push({
            name: NAMESPACES.airflow,
            purpose:
                bundledPostgres || bundledRedis
                    ? "Airflow; baseline because the bundled PostgreSQL/Redis subcharts' security contexts cannot be made restricted through Airflow's values"
                    : "Airflow with an external metadata database",
            podSecurity: bundledPostgres || bundledRedis ? "baseline" : "restricted",
            quota: quota(NAMESPACES.airflow),
            callsApi: true,
            metricsPorts: [PORTS.airflowStatsdMetrics],
            webhookPorts: [],
            egress: [
                ...identityEgress(cluster),
                ...metadataDatabaseEgress(cfg, cluster),
                ...storeEgress(cluster),
            ],
            podPolicies: airflowPodPolicies(cfg, bundledPostgres),
        });
    }
    if (cfg.kafka.enabled) {
        plans.push({
            name: NAMESPACES.kafka,
            purpose: "Strimzi operator and the Kafka cluster (operands use Strimzi's restricted pod security provider)",
            podSecurity: "restricted",
            quota: quota(NAMESPACES.kafka),
            callsApi: true,
            metricsPorts: KAFKA_METRICS_PORTS,
            webhookPorts: [],
            egress: [],
        });
    }
    if (cfg.spark.enabled) {
        plans.push({
            name: NAMESPACES.sparkOperator,
            purpose: "Spark operator controller and admission webhook",
            podSecurity: "restricted",
            quota: quota(NAMESPACES.sparkOperator),
            callsApi: true,
            metricsPorts: [PORTS.sparkOperatorMetrics],
            webhookPorts: [PORTS.sparkWebhook],
            egress: [],
        });
        plans.push(jobNamespacePlan(cfg.spark.jobNamespace, "Spark drivers and executors (SparkApplications must set a restricted security context)", cfg, cluster));
    }
    if (cfg.prometheus.enabled || cfg.grafana.enabled) {
        plans.push({
            name: NAMESPACES.monitoring,
            purpose: "Prometheus, Alertmanager, the Prometheus operator, kube-state-metrics and Grafana",
            podSecurity: "restricted",
            quota: quota(NAMESPACES.monitoring),
            callsApi: true,
            metricsPorts: [],
            webhookPorts: cfg.prometheus.enabled ? [PORTS.prometheusOperator] : [],
            egress: cfg.prometheus.enabled ? [{ name: "allow-to-nodes", to: [{ cidrs: cluster.networkCidrs, ports: tcp(...nodeScrapePorts(cluster)) }] }] : [],
        });
    }
    if (cfg.prometheus.enabled) {
        plans.push({
            name: NAMESPACES.nodeExporter,
            purpose: "node-exporter alone: privileged because it reads the host's /proc, /sys and network namespace",
            podSecurity: "privileged",
            quota: quota(NAMESPACES.nodeExporter),
            callsApi: false,
            metricsPorts: [PORTS.nodeExporter],
            webhookPorts: [],
            egress: [],
        });
    }
    if (cfg.access.enabled) {
        plans.push({
            name: NAMESPACES.gateway,
            purpose: "the front door: Envoy Gateway's controller, its Envoy proxies and the OIDC proxies of UIs without a sign-in",
            podSecurity: "restricted",
            quota: quota(NAMESPACES.gateway),
            callsApi: true,
            metricsPorts: [],
            webhookPorts: [PORTS.envoyGatewayWebhook],
            listenerPorts: [PORTS.envoyHttp, PORTS.envoyHttps],
            egress: [],
        });
        plans.push({
            name: NAMESPACES.certManager,
            purpose: "cert-manager: the gateway's certificate (ACME DNS-01 through workload identity, or the local CA)",
            podSecurity: "restricted",
            quota: quota(NAMESPACES.certManager),
            callsApi: true,
            metricsPorts: [],
            webhookPorts: [PORTS.certManagerWebhook],
            egress: cluster.frontDoor?.dns01 ? identityEgress(cluster) : [],
        });
    }
    for (const team of cfg.teams) {
        for (const ns of team.ownNamespaces ?? []) {
            plans.push({ ...jobNamespacePlan(ns, `team ${team.name}: Spark jobs and Kafka clients`, cfg, cluster), team: team.name });
        }
    }
    return plans.map((p) => {
        const o = cfg.namespaces[p.name] ?? {};
        return {
            ...p,
            podSecurity: o.podSecurity ?? p.podSecurity,
            quota: { ...p.quota, ...o.quota },
            limits: { ...limitsFor(profile, p.jobs === true), ...o.limits },
            internetEgress: o.internetEgress ?? defaultInternetEgress(cfg, p.name),
        };
    });
}

/** Egress to the node-local workload-identity endpoint, for namespaces whose pods use the cloud's object storage. */
function identityEgress(cluster: ClusterInfo): EgressRule[] {
    const endpoints = cluster.identityEndpoints ?? [];
    return endpoints.length === 0
        ? []
        : [{ name: "allow-workload-identity", to: endpoints.map((e) => ({ cidrs: [e.cidr], ports: tcp(e.port) })) }];
}

/** Egress to the data store's endpoints on HTTPS: task logs (Airflow) and job data (Spark), and nothing else outside. */
function storeEgress(cluster: ClusterInfo): EgressRule[] {
    const endpoints = cluster.dataStore?.endpoints;
    return endpoints ? [{ name: "allow-data-store", to: [{ cidrs: endpoints.cidrs, ports: tcp(endpoints.port) }] }] : [];
}

/** A namespace where Spark jobs (and Kafka clients) run: the platform's job namespace or a team's own. */
function jobNamespacePlan(name: string, purpose: string, cfg: PlatformConfig, cluster: ClusterInfo): Omit<NamespacePlan, "limits" | "internetEgress"> {
    return {
        name,
        purpose,
        podSecurity: "restricted",
        quota: jobQuota(cfg.profile),
        callsApi: true,
        metricsPorts: SPARK_JOB_METRICS_PORTS,
        webhookPorts: [],
        egress: [...identityEgress(cluster), ...storeEgress(cluster)],
        jobs: true,
    };
}

/**
 * Node ports Prometheus scrapes: kubelet and node-exporter always, kube-proxy where it runs, and the control plane's
 * controller-manager, scheduler and etcd metrics where the control plane is not managed (local clusters).
 */
export function nodeScrapePorts(cluster: ClusterInfo): number[] {
    return [
        PORTS.kubelet,
        PORTS.nodeExporter,
        ...(cluster.kubeProxy ? [PORTS.kubeProxyMetrics] : []),
        ...(cluster.managedControlPlane ? [] : [PORTS.controllerManagerMetrics, PORTS.schedulerMetrics, PORTS.etcdMetrics]),
    ];
}

/**
 * Internet egress is off unless the config itself needs it: git-synced DAGs, Alertmanager receivers, the identity
 * provider (Grafana, Airflow and the OIDC proxies exchange sign-in codes with it), or ACME (the CA and the DNS API).
 */
function defaultInternetEgress(cfg: PlatformConfig, ns: string): boolean {
    const sso = cfg.access.enabled && cfg.access.sso !== undefined;
    if (ns === NAMESPACES.airflow) {
        return cfg.airflow.dags !== undefined || sso;
    }
    if (ns === NAMESPACES.monitoring) {
        return receiversConfigured(cfg.alerting) || (sso && cfg.grafana.enabled);
    }
    if (ns === NAMESPACES.gateway) {
        return gatewayNeedsInternet(cfg);
    }
    if (ns === NAMESPACES.certManager) {
        return cfg.access.tls.mode === "acme";
    }
    return false;
}

/** The cross-namespace flows the platform needs; everything else between namespaces is denied. */
export function intendedFlows(cfg: PlatformConfig, plans: NamespacePlan[]): FlowRule[] {
    const names = new Set(plans.map((p) => p.name));
    const flows: FlowRule[] = [];
    if (names.has(NAMESPACES.kafka)) {
        // Only where some team's Kafka credentials are delivered: a namespace without them has no use for the listener.
        for (const from of kafkaClientNamespaces(cfg.teams)) {
            if (names.has(from)) {
                flows.push({ from, to: NAMESPACES.kafka, ports: KAFKA_CLIENT_PORTS, why: "Kafka clients to the TLS listener" });
            }
        }
    }
    if (names.has(NAMESPACES.gateway)) {
        for (const t of gatewayTargets(cfg)) {
            if (names.has(t.namespace)) {
                flows.push({ from: NAMESPACES.gateway, to: t.namespace, ports: tcp(...t.ports), why: "the gateway to the UIs it serves" });
            }
        }
    }
    if (names.has(NAMESPACES.monitoring) && cfg.prometheus.enabled) {
        for (const p of plans) {
            if (p.metricsPorts.length > 0 && p.name !== NAMESPACES.nodeExporter) {
                flows.push({ from: NAMESPACES.monitoring, to: p.name, ports: tcp(...p.metricsPorts), why: "Prometheus scrapes metrics ports" });
            }
        }
    }
    return flows;
}

export interface PolicyObject {
    name: string;
    spec: k8s.types.input.networking.v1.NetworkPolicySpec;
}

/** Peers of a list of CIDRs; a list that is itself an Output stays one, resolved at deploy time. */
function ipBlocks(cidrs: pulumi.Input<pulumi.Input<string>[]>): pulumi.Input<k8s.types.input.networking.v1.NetworkPolicyPeer[]> {
    return Array.isArray(cidrs) ? cidrs.map((cidr) => ({ ipBlock: { cidr } })) : pulumiOutput(cidrs).apply((list) => list.map((cidr) => ({ ipBlock: { cidr } })));
}

const byName = (ns: string) => ({ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": ns } } });
const portList = (ports: Port[]) => ports.map((p) => ({ port: p.port, protocol: p.protocol }));

/**
 * NetworkPolicies of one namespace: default deny, then one allow policy per reason. Kubernetes unions allow
 * policies, so each stays small and its name says why it exists.
 */
export function networkPolicies(
    plan: NamespacePlan,
    flows: FlowRule[],
    api: { cidrs: pulumi.Input<string>[]; ports: number[] },
): PolicyObject[] {
    const all = { podSelector: {} };
    const out: PolicyObject[] = [
        { name: "default-deny", spec: { ...all, policyTypes: ["Ingress", "Egress"] } },
        {
            name: "allow-dns",
            spec: {
                ...all,
                policyTypes: ["Egress"],
                egress: [
                    {
                        to: [{ ...byName("kube-system"), podSelector: { matchLabels: { "k8s-app": "kube-dns" } } }],
                        ports: portList([
                            { port: PORTS.dns, protocol: "UDP" },
                            { port: PORTS.dns, protocol: "TCP" },
                        ]),
                    },
                ],
            },
        },
        ...(plan.podPolicies ?? [
            {
                name: "allow-same-namespace",
                spec: { ...all, policyTypes: ["Ingress", "Egress"], ingress: [{ from: [{ podSelector: {} }] }], egress: [{ to: [{ podSelector: {} }] }] },
            },
        ]),
    ];
    if (plan.callsApi) {
        out.push({
            name: "allow-api-server",
            spec: {
                ...all,
                policyTypes: ["Egress"],
                egress: [{ to: api.cidrs.map((cidr) => ({ ipBlock: { cidr } })), ports: portList(tcp(...api.ports)) }],
            },
        });
    }
    if (plan.webhookPorts.length > 0) {
        out.push({
            name: "allow-webhook-from-api-server",
            spec: { ...all, policyTypes: ["Ingress"], ingress: [{ ports: portList(tcp(...plan.webhookPorts)) }] },
        });
    }
    if ((plan.listenerPorts ?? []).length > 0) {
        // Clients arrive through the cloud load balancer or a node port, from addresses no selector can name; the
        // load balancer's allow list (dataops:access.allowedCidrs) limits who they are.
        out.push({
            name: "allow-from-load-balancer",
            spec: { ...all, policyTypes: ["Ingress"], ingress: [{ ports: portList(tcp(...plan.listenerPorts!)) }] },
        });
    }
    for (const f of flows.filter((x) => x.to === plan.name && x.from !== plan.name)) {
        out.push({
            name: `allow-from-${f.from}`,
            spec: { ...all, policyTypes: ["Ingress"], ingress: [{ from: [byName(f.from)], ports: portList(f.ports) }] },
        });
    }
    for (const f of flows.filter((x) => x.from === plan.name && x.to !== plan.name)) {
        out.push({
            name: `allow-to-${f.to}`,
            spec: { ...all, policyTypes: ["Egress"], egress: [{ to: [byName(f.to)], ports: portList(f.ports) }] },
        });
    }
    for (const rule of plan.egress) {
        out.push({
            name: rule.name,
            spec: { podSelector: rule.podSelector ?? {}, policyTypes: ["Egress"], egress: rule.to.map((t) => ({ to: ipBlocks(t.cidrs), ports: portList(t.ports) })) },
        });
    }
    if (plan.name === NAMESPACES.monitoring) {
        out.push({
            name: "allow-to-coredns-metrics",
            spec: { ...all, policyTypes: ["Egress"], egress: [{ to: [{ ...byName("kube-system"), podSelector: { matchLabels: { "k8s-app": "kube-dns" } } }], ports: portList(tcp(PORTS.corednsMetrics)) }] },
        });
    }
    if (plan.internetEgress) {
        out.push({
            name: "allow-internet-egress",
            spec: { ...all, policyTypes: ["Egress"], egress: [{ to: [{ ipBlock: { cidr: "0.0.0.0/0", except: PRIVATE_RANGES } }] }] },
        });
    }
    return out;
}

export function namespaceLabels(plan: NamespacePlan): Record<string, string> {
    const labels: Record<string, string> = {
        ...commonLabels(),
        [LABELS.managed]: "true",
        [LABELS.monitoring]: "enabled",
        "pod-security.kubernetes.io/enforce": plan.podSecurity,
        "pod-security.kubernetes.io/enforce-version": PSA_VERSION,
        "pod-security.kubernetes.io/warn": "restricted",
        "pod-security.kubernetes.io/warn-version": PSA_VERSION,
        "pod-security.kubernetes.io/audit": "restricted",
        "pod-security.kubernetes.io/audit-version": PSA_VERSION,
    };
    if (plan.team) {
        labels[LABELS.team] = plan.team;
    }
    if (plan.jobs) {
        labels[LABELS.jobs] = "true";
    }
    return labels;
}

export function quotaSpec(quota: Quota): k8s.types.input.core.v1.ResourceQuotaSpec {
    return {
        hard: {
            "requests.cpu": quota.requestsCpu,
            "requests.memory": quota.requestsMemory,
            "limits.cpu": quota.limitsCpu,
            "limits.memory": quota.limitsMemory,
            pods: String(quota.pods),
            persistentvolumeclaims: String(quota.persistentVolumeClaims),
            "requests.storage": quota.requestsStorage,
        },
    };
}

export function limitRangeSpec(limits: Limits): k8s.types.input.core.v1.LimitRangeSpec {
    return {
        limits: [
            {
                type: "Container",
                defaultRequest: { cpu: limits.defaultRequestCpu, memory: limits.defaultRequestMemory },
                default: { cpu: limits.defaultLimitCpu, memory: limits.defaultLimitMemory },
            },
        ],
    };
}
