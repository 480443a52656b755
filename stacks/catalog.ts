// The one source of truth for chart coordinates, release and namespace names, service accounts, ports and labels.
// Both config validation (stacks/) and the components read from here.

export type WorkloadKey = "airflow" | "kafka" | "spark" | "prometheus" | "grafana";

export interface ChartRef {
    /** Chart name, or the full `oci://` reference for OCI charts (Helm takes no separate repo for those). */
    chart: string;
    /** Helm repository URL; absent for OCI charts. */
    repo?: string;
    version: string;
    /** Helm release name (also the prefix of most object names the chart creates). */
    releaseName: string;
}

/** Pinned charts; `dataops:<workload>.chartVersion` overrides the version. */
export const CHARTS: Record<WorkloadKey, ChartRef> = {
    airflow: { chart: "airflow", repo: "https://airflow.apache.org", version: "1.22.0", releaseName: "airflow" },
    kafka: { chart: "oci://quay.io/strimzi-helm/strimzi-kafka-operator", version: "1.2.0", releaseName: "strimzi" },
    spark: {
        chart: "spark-operator",
        repo: "https://kubeflow.github.io/spark-operator",
        version: "2.5.2",
        releaseName: "spark-operator",
    },
    prometheus: {
        chart: "kube-prometheus-stack",
        repo: "https://prometheus-community.github.io/helm-charts",
        version: "88.5.3",
        releaseName: "kube-prometheus-stack",
    },
    grafana: {
        chart: "grafana",
        repo: "https://grafana-community.github.io/helm-charts",
        version: "12.11.1",
        releaseName: "grafana",
    },
};

/** Add-ons a cluster target installs itself (not workloads, not overridable in config). */
export const CLUSTER_CHARTS = {
    /** Karpenter 1.13 supports Kubernetes 1.30 to 1.36 (its compatibility matrix), the EKS versions this program accepts. */
    karpenter: { chart: "oci://public.ecr.aws/karpenter/karpenter", version: "1.13.0", releaseName: "karpenter" },
} as const satisfies Record<string, ChartRef>;
/**
 * The front door's charts (components/access/): Envoy Gateway for the Gateway API, cert-manager for certificates, and
 * oauth2-proxy in front of UIs without their own sign-in. Their CRDs are applied by Pulumi from the same tags.
 */
export const ACCESS_CHARTS = {
    envoyGateway: { chart: "oci://docker.io/envoyproxy/gateway-helm", version: "v1.9.0", releaseName: "envoy-gateway" },
    certManager: { chart: "cert-manager", repo: "https://charts.jetstack.io", version: "v1.21.1", releaseName: "cert-manager" },
    oauth2Proxy: { chart: "oauth2-proxy", repo: "https://oauth2-proxy.github.io/manifests", version: "10.7.0", releaseName: "oauth2-proxy" },
} as const satisfies Record<string, ChartRef>;

/** Gateway API release whose standard-channel CRDs Envoy Gateway ACCESS_CHARTS.envoyGateway.version bundles. */
export const GATEWAY_API_VERSION = "v1.6.1";

/** Namespaces the platform creates. The Spark job namespace can be renamed by `dataops:spark.jobNamespace`. */
export const NAMESPACES = {
    airflow: "airflow",
    kafka: "kafka",
    sparkOperator: "spark-operator",
    sparkJobs: "spark-jobs",
    monitoring: "monitoring",
    /** node-exporter alone: it needs host access (PSA privileged), so nothing else may run there. */
    nodeExporter: "node-exporter",
    /** The front door: Envoy Gateway's controller, its Envoy proxies and the OIDC proxies. */
    gateway: "gateway",
    certManager: "cert-manager",
} as const;

/** Namespaces that are never valid targets for platform objects or team bindings. */
export const RESERVED_NAMESPACES: readonly string[] = ["default", "kube-system", "kube-public", "kube-node-lease"];

/** `fullnameOverride` of kube-prometheus-stack, so its object names are short and predictable. */
export const KPS_FULLNAME = "kps";

/** In-cluster services other components address. */
export const SERVICES = {
    prometheus: `${KPS_FULLNAME}-prometheus`,
    alertmanager: `${KPS_FULLNAME}-alertmanager`,
    grafana: "grafana",
    airflowApiServer: "airflow-api-server",
    airflowStatsd: "airflow-statsd",
    /** Envoy Gateway's controller: xDS for the proxies and the topology webhook. */
    envoyGateway: "envoy-gateway",
} as const;

export const PORTS = {
    kafkaTls: 9093,
    kafkaMetrics: 9404,
    strimziOperatorMetrics: 8080,
    sparkOperatorMetrics: 8080,
    sparkWebhook: 9443,
    sparkMetrics: 8090,
    airflowApiServer: 8080,
    airflowStatsdMetrics: 9102,
    airflowStatsdIngest: 9125,
    /** Log servers the API server reads running tasks' and triggers' logs from. */
    airflowWorkerLogs: 8793,
    airflowTriggererLogs: 8794,
    airflowPostgres: 5432,
    airflowRedis: 6379,
    prometheus: 9090,
    grafanaService: 80,
    apiServer: 443,
    /** Where local clusters' API servers listen behind the kubernetes Service. */
    apiServerLocal: 6443,
    nodeExporter: 9100,
    prometheusOperator: 10250,
    dns: 53,
    corednsMetrics: 9153,
    kubelet: 10250,
    kubeProxyMetrics: 10249,
    controllerManagerMetrics: 10257,
    schedulerMetrics: 10259,
    etcdMetrics: 2381,
    /** Pod ports the gateway reaches (NetworkPolicies judge pod ports, not Service ports). */
    grafanaPod: 3000,
    alertmanager: 9093,
    /** The gateway's listeners, and the container ports Envoy binds them to (Envoy Gateway adds 10000 below 1024). */
    gatewayHttp: 80,
    gatewayHttps: 443,
    envoyHttp: 10080,
    envoyHttps: 10443,
    envoyGatewayXds: 18000,
    envoyGatewayWebhook: 9443,
    certManagerWebhook: 10250,
    oauth2Proxy: 4180,
    /** Node ports a kind cluster maps to the host's 80 and 443 (scripts/kind-config.yaml). */
    kindHttpNodePort: 30080,
    kindHttpsNodePort: 30443,
} as const;

/**
 * The `component` label the Airflow chart puts on each kind of pod (KubernetesExecutor task pods are `worker`, from
 * the chart's pod template), and the bundled PostgreSQL's own label: what pod-level NetworkPolicies select on.
 */
export const AIRFLOW_PODS = {
    label: "component",
    scheduler: "scheduler",
    apiServer: "api-server",
    dagProcessor: "dag-processor",
    triggerer: "triggerer",
    worker: "worker",
    statsd: "statsd",
    redis: "redis",
    migrations: "run-airflow-migrations",
    createUser: "create-user-job",
    postgres: { "app.kubernetes.io/name": "postgresql" },
} as const;

/** Namespaces where SparkApplications run: the platform's job namespace and every team-owned namespace. */
export function sparkJobNamespaces(jobNamespace: string, teams: readonly { ownNamespaces?: string[] }[]): string[] {
    return [jobNamespace, ...teams.flatMap((t) => t.ownNamespaces ?? [])];
}

/**
 * Namespaces of operators and privileged agents. `edit` there lets a subject run pods under the operator's service
 * account (and so use its cluster-wide rights), read the Kafka cluster CA key or start host-level pods: teams get
 * `view` at most.
 */
export const OPERATOR_NAMESPACES: readonly string[] = [NAMESPACES.kafka, NAMESPACES.sparkOperator, NAMESPACES.monitoring, NAMESPACES.nodeExporter];

/**
 * Layout of the stack's data store (bucket, or container on Azure): Airflow's task logs, the shared job namespace's
 * data, and one prefix per team. Each cloud identity is scoped to its prefix.
 */
export const DATA_PREFIXES = {
    airflowLogs: "airflow-logs",
    sharedJobs: "shared",
    team: (team: string) => `teams/${team}`,
} as const;

/** Service accounts (per namespace) that need the cloud's object storage through workload identity. */
export const DATA_SERVICE_ACCOUNTS = {
    airflow: ["airflow-worker", "airflow-scheduler", "airflow-triggerer", "airflow-api-server", "airflow-dag-processor"],
    /** The Spark operator chart creates this account in every job namespace for drivers and executors. */
    sparkJobs: ["spark"],
} as const;

/** cert-manager's controller account (the chart names it after the release): the one DNS-01 identity is granted to. */
export const CERT_MANAGER_SERVICE_ACCOUNT = "cert-manager";

export const LABELS = {
    partOf: "app.kubernetes.io/part-of",
    managedBy: "app.kubernetes.io/managed-by",
    /** Namespaces Prometheus discovers monitors and rules in. */
    monitoring: "dataops.io/monitoring",
    /** Marks a namespace the platform manages (and so isolates). */
    managed: "dataops.io/managed",
    /** The team that owns a team namespace. */
    team: "dataops.io/team",
    /** Marks a namespace where Spark jobs run: the only platform namespaces where teams may hold edit or admin. */
    jobs: "dataops.io/jobs",
    /** Annotation on the gateway's EnvoyProxy: internal, public or node-port, for the plan and reviewers. */
    exposure: "dataops.io/exposure",
} as const;

export const PART_OF = "dataops";

/** The well-known node label every cloud (and the kind config) uses for failure domains. */
export const ZONE_LABEL = "topology.kubernetes.io/zone";

/** Labels on every object the platform creates. */
export function commonLabels(): Record<string, string> {
    return { [LABELS.partOf]: PART_OF, [LABELS.managedBy]: "pulumi" };
}
