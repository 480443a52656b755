// The shape of every `dataops:*` config key. Only shape and per-field rules live here; defaults are in profiles.ts and
// cross-field rules in validate.ts. All objects are strict so a misspelt key is reported instead of silently ignored.
import { z } from "zod";
import { awsSchema } from "./clouds/aws";
import { azureSchema } from "./clouds/azure";
import { gcpSchema } from "./clouds/gcp";
import { deploySchema } from "./day2";
import { teamKafkaSchema } from "./kafka";
import { POOL_PURPOSES } from "./pools";
import { DATABASE_MODES, managedDatabaseSchema } from "./database";

export const CLOUDS = ["local", "aws", "gcp", "azure"] as const;
export type Cloud = (typeof CLOUDS)[number];
export const PROFILES = ["dev", "prod"] as const;
export type Profile = (typeof PROFILES)[number];
export const PROFILE_SETTINGS = [...PROFILES, "auto"] as const;
export const ENDPOINT_ACCESS = ["public", "private"] as const;
export const TEAM_ROLES = ["view", "edit", "admin"] as const;
export type TeamRole = (typeof TEAM_ROLES)[number];
export const AIRFLOW_EXECUTORS = ["KubernetesExecutor", "CeleryExecutor"] as const;
export const TAINT_EFFECTS = ["NoSchedule", "PreferNoSchedule", "NoExecute"] as const;

/** RFC 1123 label: what Kubernetes accepts for namespace and most object names. */
export const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
export const K8S_MINOR_VERSION = /^1\.\d{2}$/;
export const CHART_VERSION = /^v?\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/;
export const QUANTITY = /^\d+(\.\d+)?(m|Ki|Mi|Gi|Ti|k|M|G|T)?$/;

const dnsLabel = z.string().regex(DNS_LABEL, "must be a lowercase RFC 1123 label (a-z, 0-9, '-', at most 63 characters)");
const cidrString = z.string();
// YAML reads `cpu: 4` as a number; Kubernetes takes it, so it is accepted and kept as the quantity string "4".
const quantity = z.preprocess((v) => (typeof v === "number" ? String(v) : v), z.string().regex(QUANTITY, "must be a Kubernetes quantity like 500m, 2, 4Gi"));
const chartVersion = z.string().regex(CHART_VERSION, "must be an exact chart version like 1.2.3 (ranges are not allowed: releases are pinned)");

export const taintSchema = z.strictObject({
    key: z.string().min(1),
    value: z.string().optional(),
    effect: z.enum(TAINT_EFFECTS),
});

export const nodePoolSchema = z.strictObject({
    // Each cloud's lower limit (generated suffixes included) is checked with the cloud: stacks/pools.ts.
    name: z.string().regex(/^[a-z]([a-z0-9-]{0,61}[a-z0-9])?$/, "must start with a letter, end with a letter or digit and use only a-z, 0-9 and '-' (at most 63 characters)"),
    machineType: z.string().min(1).optional(),
    minNodes: z.number().int().min(0),
    maxNodes: z.number().int(),
    spot: z.boolean().optional(),
    /** Runs the cluster's system add-ons (AKS System pool, EKS/GKE critical add-ons). */
    system: z.boolean().optional(),
    /** What runs on the pool (docs/autoscaling.md); derived from `system` and `spot` when absent. */
    purposes: z.array(z.enum(POOL_PURPOSES)).min(1).optional(),
    diskSizeGi: z.number().int().min(20).max(16384).optional(),
    labels: z.record(z.string(), z.string()).optional(),
    taints: z.array(taintSchema).optional(),
});

export const localSchema = z.strictObject({
    kubeconfig: z.string().min(1).optional(),
    context: z.string().min(1).optional(),
    storageClass: dnsLabel.optional(),
    /** Where the API server is reachable from pods, for the egress NetworkPolicy of components that call it. */
    apiServerCidrs: z.array(cidrString).optional(),
    /**
     * Whether controller-manager, scheduler and etcd serve metrics to pods (scripts/kind-config.yaml sets this up);
     * false for clusters that keep them on localhost, such as k3d and a default minikube.
     */
    controlPlaneMetrics: z.boolean().optional(),
});

export const clusterSchema = z.strictObject({
    name: dnsLabel.optional(),
    kubernetesVersion: z.string().regex(K8S_MINOR_VERSION, 'must be a Kubernetes minor version like "1.34"').optional(),
    endpointAccess: z.enum(ENDPOINT_ACCESS).optional(),
    authorizedCidrs: z.array(cidrString).optional(),
    networkCidr: cidrString.optional(),
    podCidr: cidrString.optional(),
    serviceCidr: cidrString.optional(),
    nodePools: z.array(nodePoolSchema).optional(),
    deletionProtection: z.boolean().optional(),
});

const workloadBase = {
    enabled: z.boolean().optional(),
    chartVersion: chartVersion.optional(),
};

export const airflowSchema = z.strictObject({
    ...workloadBase,
    executor: z.enum(AIRFLOW_EXECUTORS).optional(),
    /** Name of a Secret in the airflow namespace with key `connection` holding the metadata DB URL (prod). */
    metadataSecretName: dnsLabel.optional(),
    /**
     * The external metadata database's URL; set it as a secret (`pulumi config set --secret --path
     * airflow.metadataConnection ...`). Pulumi then creates the Secret the chart reads, so the first up works.
     */
    metadataConnection: z
        .string()
        .regex(/^(postgresql|postgres|mysql)(\+\w+)?:\/\/\S+$/, "must be a database URL like postgresql://user:password@host:5432/airflow")
        .optional(),
    /** Where the metadata database runs; default managed for prod on a cloud, bundled otherwise, external with metadataConnection. */
    database: z.enum(DATABASE_MODES).optional(),
    /** Settings of the managed database (database: managed); defaults per cloud and profile in stacks/database.ts. */
    managedDatabase: managedDatabaseSchema.optional(),
    /** Where the external metadata database is (default: the cluster's network); its port. */
    databaseCidrs: z.array(cidrString).optional(),
    databasePort: z.number().int().min(1).max(65535).optional(),
    /** Create the `admin` web user with a generated password (Secret named in the stack output airflowAdminSecret); false once SSO is set up. */
    defaultUser: z.boolean().optional(),
    dags: z
        .strictObject({
            gitRepo: z.string().regex(/^(https:\/\/|ssh:\/\/|git@)\S+$/, "must be an https://, ssh:// or git@ repository URL"),
            branch: z.string().min(1).optional(),
            subPath: z.string().optional(),
            /** Secret in the airflow namespace with key `gitSshKey`, for ssh repositories. */
            sshKeySecretName: dnsLabel.optional(),
        })
        .optional(),
    replicas: z.number().int().min(1).max(10).optional(),
});

export const kafkaSchema = z.strictObject({
    ...workloadBase,
    clusterName: dnsLabel.optional(),
    version: z.string().regex(/^\d+\.\d+\.\d+$/, 'must be a Kafka version like "4.2.0"').optional(),
    metadataVersion: z.string().optional(),
    brokers: z.number().int().min(1).max(50).optional(),
    storageGi: z.number().int().min(1).max(65536).optional(),
});

export const sparkSchema = z.strictObject({
    ...workloadBase,
    /** Namespace where SparkApplications run (created and isolated by the platform). */
    jobNamespace: dnsLabel.optional(),
});

export const prometheusSchema = z.strictObject({
    ...workloadBase,
    retention: z.string().regex(/^\d+[hdwy]$/, 'must be a duration like "15d"').optional(),
    storageGi: z.number().int().min(1).max(65536).optional(),
    replicas: z.number().int().min(1).max(5).optional(),
});

export const grafanaSchema = z.strictObject({
    ...workloadBase,
    persistence: z.boolean().optional(),
    storageGi: z.number().int().min(1).max(1024).optional(),
});

export const quotaSchema = z.strictObject({
    requestsCpu: quantity.optional(),
    requestsMemory: quantity.optional(),
    limitsCpu: quantity.optional(),
    limitsMemory: quantity.optional(),
    pods: z.number().int().min(1).optional(),
    persistentVolumeClaims: z.number().int().min(0).optional(),
    requestsStorage: quantity.optional(),
});

export const limitRangeSchema = z.strictObject({
    defaultRequestCpu: quantity.optional(),
    defaultRequestMemory: quantity.optional(),
    defaultLimitCpu: quantity.optional(),
    defaultLimitMemory: quantity.optional(),
});

export const POD_SECURITY_LEVELS = ["restricted", "baseline", "privileged"] as const;
export type PodSecurityLevel = (typeof POD_SECURITY_LEVELS)[number];

export const namespaceOverrideSchema = z.strictObject({
    /** Pod Security Admission `enforce` level; defaults per namespace are documented in docs/security.md. */
    podSecurity: z.enum(POD_SECURITY_LEVELS).optional(),
    quota: quotaSchema.optional(),
    limits: limitRangeSchema.optional(),
    /** Allow egress to addresses outside the cluster (object storage, package mirrors). Off by default. */
    internetEgress: z.boolean().optional(),
});

export const teamSchema = z.strictObject({
    name: dnsLabel,
    /** Platform-managed namespaces the team gets `role` in. */
    namespaces: z.array(dnsLabel).optional(),
    role: z.enum(TEAM_ROLES),
    /** Group names as the cluster's authenticator reports them (EKS access-entry groups, Google Groups, Entra ID object IDs). */
    groups: z.array(z.string().min(1)).min(1),
    /** Namespaces created for the team (isolated like the rest, usable for Spark jobs and Kafka clients). */
    ownNamespaces: z.array(dnsLabel).optional(),
    /** IAM role/user ARNs mapped to `groups` through EKS access entries (aws only). */
    awsPrincipals: z.array(z.string()).optional(),
    /** The team's Kafka user, topics and client namespaces (docs/kafka.md); without it the team has no Kafka access. */
    kafka: teamKafkaSchema.optional(),
});

export const alertingSchema = z.strictObject({
    /** Slack incoming-webhook URL; set it as a secret: `pulumi config set --secret --path alerting.slackWebhookUrl ...`. */
    slackWebhookUrl: z.string().regex(/^https:\/\//, "must be an https:// URL").optional(),
    slackChannel: z.string().optional(),
    /** PagerDuty Events v2 routing key; set it as a secret. */
    pagerDutyRoutingKey: z.string().min(1).optional(),
    /** Overrides of alert thresholds; defaults and what each means: docs/observability.md, 'Alerts'. */
    thresholds: z
        .strictObject({
            kafkaConsumerLag: z.number().int().min(1).optional(),
            kafkaDiskFreePercent: z.number().min(1).max(99).optional(),
            airflowHeartbeatMissingMinutes: z.number().int().min(1).max(60).optional(),
            airflowTaskFailurePercent: z.number().min(1).max(100).optional(),
            airflowDagImportErrors: z.number().int().min(0).optional(),
            sparkApplicationFailures: z.number().int().min(0).optional(),
            quotaUsagePercent: z.number().min(1).max(100).optional(),
        })
        .optional(),
});

export const ACCESS_EXPOSURES = ["internal", "public"] as const;
export const TLS_MODES = ["acme", "secret", "selfSigned"] as const;
/** UIs without a sign-in of their own, exposed only behind the OIDC proxy. */
export const PROXIED_UIS = ["prometheus", "alertmanager"] as const;
export type ProxiedUi = (typeof PROXIED_UIS)[number];

/** A DNS name of at least two labels, like data.example.com. */
export const DOMAIN = /^(?=.{1,200}$)([a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?\.)+[a-z][-a-z0-9]{0,61}[a-z0-9]$/;
const httpsUrl = z.string().regex(/^https:\/\/[^\s/]+(\/\S*)?$/, "must be an https:// URL");

/** The front door: one gateway for the UIs, its certificates and sign-in (docs/front-door.md). */
export const accessSchema = z.strictObject({
    /** On by default on the local cloud (domain localtest.me); on clouds it is on once a domain is set. */
    enabled: z.boolean().optional(),
    /** Base domain; the UIs are airflow.<domain>, grafana.<domain>, and prometheus./alertmanager.<domain> when exposed. */
    domain: z.string().regex(DOMAIN, "must be a lowercase DNS domain like data.example.com").optional(),
    /** internal: a private load balancer (the default); public: an internet-facing one limited to allowedCidrs. */
    exposure: z.enum(ACCESS_EXPOSURES).optional(),
    /** Client ranges the load balancer admits. */
    allowedCidrs: z.array(cidrString).optional(),
    /** UIs without their own sign-in to expose behind the OIDC proxy (needs sso). */
    expose: z.array(z.enum(PROXIED_UIS)).optional(),
    tls: z
        .strictObject({
            /** acme (DNS-01 through the cloud's DNS, default on clouds), secret (yours), selfSigned (default locally). */
            mode: z.enum(TLS_MODES).optional(),
            /** ACME account e-mail (expiry notices). */
            email: z.string().regex(/^[^\s@]+@[^\s@]+\.[^\s@]+$/, "must be an e-mail address").optional(),
            /** ACME directory; default Let's Encrypt production. */
            acmeServer: httpsUrl.optional(),
            /** The DNS zone cert-manager writes DNS-01 records to: a Route 53 hosted zone ID, a Cloud DNS managed zone name, or an Azure DNS zone resource ID. */
            dnsZone: z.string().min(1).optional(),
            /** mode secret: a kubernetes.io/tls Secret in the gateway namespace covering *.<domain>. */
            secretName: dnsLabel.optional(),
        })
        .optional(),
    sso: z
        .strictObject({
            issuerUrl: httpsUrl,
            clientId: z.string().min(1),
            /** Set it as a secret: pulumi config set --secret --path 'dataops:access.sso.clientSecret' <value>. */
            clientSecret: z.string().min(1),
            /** ID-token claim holding the user's groups. */
            groupsClaim: z.string().min(1).optional(),
            /** Groups mapped to each UI's roles: Grafana Admin/Editor/Viewer, Airflow Admin/Op/Viewer. */
            adminGroups: z.array(z.string().min(1)).optional(),
            editorGroups: z.array(z.string().min(1)).optional(),
            viewerGroups: z.array(z.string().min(1)).optional(),
            /** Endpoints Grafana needs (it does not read the discovery document); derived for Entra ID, Google, Keycloak and Okta issuers. */
            authorizationUrl: httpsUrl.optional(),
            tokenUrl: httpsUrl.optional(),
            userinfoUrl: httpsUrl.optional(),
        })
        .optional(),
});

/** Every `dataops:` key. Objects and lists arrive from Pulumi as JSON strings and are parsed before this schema. */
export const configSchema = z.strictObject({
    cloud: z.enum(CLOUDS),
    profile: z.enum(PROFILE_SETTINGS).optional(),
    local: localSchema.optional(),
    cluster: clusterSchema.optional(),
    airflow: airflowSchema.optional(),
    kafka: kafkaSchema.optional(),
    spark: sparkSchema.optional(),
    prometheus: prometheusSchema.optional(),
    grafana: grafanaSchema.optional(),
    teams: z.array(teamSchema).optional(),
    namespaces: z.record(z.string(), namespaceOverrideSchema).optional(),
    alerting: alertingSchema.optional(),
    access: accessSchema.optional(),
    aws: awsSchema.optional(),
    gcp: gcpSchema.optional(),
    azure: azureSchema.optional(),
    deploy: deploySchema.optional(),
});

export type RawPlatformConfig = z.infer<typeof configSchema>;
export type NodePoolInput = z.infer<typeof nodePoolSchema>;
export type TeamInput = z.infer<typeof teamSchema>;
export type QuotaInput = z.infer<typeof quotaSchema>;
export type LimitRangeInput = z.infer<typeof limitRangeSchema>;

/** Top-level keys whose values are objects or lists (JSON in Pulumi's config map). */
export const STRUCTURED_KEYS: ReadonlySet<string> = new Set(
    Object.entries(configSchema.shape)
        .filter(([k]) => k !== "cloud" && k !== "profile")
        .map(([k]) => k),
);
