// What isolates each platform namespace, as plain data: its Pod Security level, quota, limit range, and the network
// flows it may take part in. Pure functions of the config and the cluster facts; the components only register them.
import type * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import { LABELS, NAMESPACES, PORTS, commonLabels } from "../../stacks/catalog";
import type { PlatformConfig } from "../../stacks/config";
import type { LimitRangeInput, PodSecurityLevel, Profile, QuotaInput } from "../../stacks/schema";

/** Kubernetes minor the PSA labels are pinned to, so a cluster upgrade does not silently tighten or loosen them. */
export const PSA_VERSION = "v1.34";

export interface Port {
    port: number;
    protocol: "TCP" | "UDP";
}

export type Quota = Required<QuotaInput>;
export type Limits = Required<LimitRangeInput>;

export interface NamespacePlan {
    name: string;
    /** Why the namespace exists, and why its PSA level is what it is (README 'Security' lists these). */
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
    internetEgress: boolean;
    team?: string;
}

export interface FlowRule {
    from: string;
    to: string;
    ports: Port[];
    why: string;
}

const tcp = (...ports: number[]): Port[] => ports.map((port) => ({ port, protocol: "TCP" }));

export const KAFKA_CLIENT_PORTS = tcp(PORTS.kafkaPlain, PORTS.kafkaTls);
export const KAFKA_METRICS_PORTS = [PORTS.strimziOperatorMetrics, 8081, PORTS.kafkaMetrics];
export const SPARK_JOB_METRICS_PORTS = [PORTS.sparkMetrics];

/** Private address space: internet egress means "anything but these", so it never opens other namespaces or nodes. */
export const PRIVATE_RANGES = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10"];

const QUOTA: Record<Profile, Record<"small" | "workload" | "jobs" | "monitoring" | "daemon", Quota>> = {
    dev: {
        small: q("1", "1Gi", "2", "2Gi", 10, 0, "0"),
        workload: q("4", "8Gi", "8", "16Gi", 50, 5, "50Gi"),
        jobs: q("4", "8Gi", "8", "16Gi", 50, 5, "50Gi"),
        monitoring: q("2", "4Gi", "4", "8Gi", 20, 5, "50Gi"),
        daemon: q("1", "512Mi", "2", "1Gi", 100, 0, "0"),
    },
    prod: {
        small: q("2", "2Gi", "4", "4Gi", 20, 0, "0"),
        workload: q("16", "48Gi", "32", "96Gi", 200, 10, "200Gi"),
        jobs: q("32", "128Gi", "64", "256Gi", 500, 20, "500Gi"),
        monitoring: q("8", "24Gi", "16", "48Gi", 50, 10, "500Gi"),
        daemon: q("4", "2Gi", "8", "4Gi", 500, 0, "0"),
    },
};

function q(rc: string, rm: string, lc: string, lm: string, pods: number, pvcs: number, storage: string): Quota {
    return {
        requestsCpu: rc,
        requestsMemory: rm,
        limitsCpu: lc,
        limitsMemory: lm,
        pods,
        persistentVolumeClaims: pvcs,
        requestsStorage: storage,
    };
}

const LIMITS: Record<Profile, Limits> = {
    dev: { defaultRequestCpu: "100m", defaultRequestMemory: "128Mi", defaultLimitCpu: "500m", defaultLimitMemory: "512Mi" },
    prod: { defaultRequestCpu: "250m", defaultRequestMemory: "256Mi", defaultLimitCpu: "1", defaultLimitMemory: "1Gi" },
};

/** Kafka's quota grows with its brokers and their disks. */
export function kafkaQuota(profile: Profile, brokers: number, storageGi: number): Quota {
    if (profile === "dev") {
        return q("2", "4Gi", "4", "8Gi", 20, 5, `${storageGi * brokers + 20}Gi`);
    }
    const controllers = 3;
    return q(
        String(brokers + 2),
        `${brokers * 4 + 6}Gi`,
        String(brokers * 2 + 6),
        `${brokers * 8 + 10}Gi`,
        50,
        brokers + controllers + 2,
        `${brokers * storageGi + controllers * 20 + 20}Gi`,
    );
}

/** Every namespace the platform creates, with its isolation settings after config overrides. */
export function namespacePlans(cfg: PlatformConfig): NamespacePlan[] {
    const profile = cfg.profile;
    const quota = QUOTA[profile];
    const plans: Omit<NamespacePlan, "limits" | "internetEgress">[] = [];
    const bundledPostgres = !cfg.airflow.metadataSecretName;
    if (cfg.airflow.enabled) {
        plans.push({
            name: NAMESPACES.airflow,
            purpose: bundledPostgres
                ? "Airflow; baseline because the bundled PostgreSQL subchart's security context cannot be set through Airflow's values"
                : "Airflow with an external metadata database",
            podSecurity: bundledPostgres ? "baseline" : "restricted",
            quota: quota.workload,
            callsApi: true,
            metricsPorts: [PORTS.airflowStatsdMetrics],
            webhookPorts: [],
        });
    }
    if (cfg.kafka.enabled) {
        plans.push({
            name: NAMESPACES.kafka,
            purpose: "Strimzi operator and the Kafka cluster (operands use Strimzi's restricted pod security provider)",
            podSecurity: "restricted",
            quota: kafkaQuota(profile, cfg.kafka.brokers, cfg.kafka.storageGi),
            callsApi: true,
            metricsPorts: KAFKA_METRICS_PORTS,
            webhookPorts: [],
        });
    }
    if (cfg.spark.enabled) {
        plans.push({
            name: NAMESPACES.sparkOperator,
            purpose: "Spark operator controller and admission webhook",
            podSecurity: "restricted",
            quota: quota.small,
            callsApi: true,
            metricsPorts: [PORTS.sparkOperatorMetrics],
            webhookPorts: [PORTS.sparkWebhook],
        });
        plans.push({
            name: cfg.spark.jobNamespace,
            purpose: "Spark drivers and executors (SparkApplications must set a restricted security context)",
            podSecurity: "restricted",
            quota: quota.jobs,
            callsApi: true,
            metricsPorts: SPARK_JOB_METRICS_PORTS,
            webhookPorts: [],
        });
    }
    if (cfg.prometheus.enabled || cfg.grafana.enabled) {
        plans.push({
            name: NAMESPACES.monitoring,
            purpose: "Prometheus, Alertmanager, the Prometheus operator, kube-state-metrics and Grafana",
            podSecurity: "restricted",
            quota: quota.monitoring,
            callsApi: true,
            metricsPorts: [],
            webhookPorts: cfg.prometheus.enabled ? [PORTS.prometheusOperator] : [],
        });
    }
    if (cfg.prometheus.enabled) {
        plans.push({
            name: NAMESPACES.nodeExporter,
            purpose: "node-exporter alone: privileged because it reads the host's /proc, /sys and network namespace",
            podSecurity: "privileged",
            quota: quota.daemon,
            callsApi: false,
            metricsPorts: [PORTS.nodeExporter],
            webhookPorts: [],
        });
    }
    for (const team of cfg.teams) {
        for (const ns of team.ownNamespaces ?? []) {
            plans.push({
                name: ns,
                purpose: `team ${team.name}: Spark jobs and Kafka clients`,
                podSecurity: "restricted",
                quota: quota.jobs,
                callsApi: true,
                metricsPorts: SPARK_JOB_METRICS_PORTS,
                webhookPorts: [],
                team: team.name,
            });
        }
    }
    return plans.map((p) => {
        const o = cfg.namespaces[p.name] ?? {};
        return {
            ...p,
            podSecurity: o.podSecurity ?? p.podSecurity,
            quota: { ...p.quota, ...o.quota },
            limits: { ...LIMITS[profile], ...o.limits },
            internetEgress: o.internetEgress ?? defaultInternetEgress(cfg, p.name),
        };
    });
}

/** Internet egress is off unless the config itself needs it: git-synced DAGs, or Alertmanager receivers. */
function defaultInternetEgress(cfg: PlatformConfig, ns: string): boolean {
    if (ns === NAMESPACES.airflow) {
        return cfg.airflow.dags !== undefined;
    }
    if (ns === NAMESPACES.monitoring) {
        return cfg.alerting.slackWebhookUrl !== undefined || cfg.alerting.pagerDutyRoutingKey !== undefined;
    }
    return false;
}

/** The cross-namespace flows the platform needs; everything else between namespaces is denied. */
export function intendedFlows(cfg: PlatformConfig, plans: NamespacePlan[]): FlowRule[] {
    const names = new Set(plans.map((p) => p.name));
    const flows: FlowRule[] = [];
    if (names.has(NAMESPACES.kafka)) {
        const clients = [NAMESPACES.airflow, cfg.spark.enabled ? cfg.spark.jobNamespace : undefined, ...plans.filter((p) => p.team).map((p) => p.name)];
        for (const from of clients) {
            if (from && names.has(from)) {
                flows.push({ from, to: NAMESPACES.kafka, ports: KAFKA_CLIENT_PORTS, why: "Kafka clients to the plain and TLS listeners" });
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
    nodeCidrs: pulumi.Input<string>[],
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
        {
            name: "allow-same-namespace",
            spec: { ...all, policyTypes: ["Ingress", "Egress"], ingress: [{ from: [{ podSelector: {} }] }], egress: [{ to: [{ podSelector: {} }] }] },
        },
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
    if (plan.name === NAMESPACES.monitoring) {
        out.push({
            name: "allow-to-nodes",
            spec: {
                ...all,
                policyTypes: ["Egress"],
                egress: [
                    { to: nodeCidrs.map((cidr) => ({ ipBlock: { cidr } })), ports: portList(tcp(10250, PORTS.nodeExporter)) },
                    { to: [{ ...byName("kube-system"), podSelector: { matchLabels: { "k8s-app": "kube-dns" } } }], ports: portList(tcp(9153)) },
                ],
            },
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
