// Resource-free decisions of the GKE target: args from config, per-profile choices, names, node pool settings,
// Workload Identity members and the kubeconfig. Pure functions, unit-tested without mocks.
import { DATA_SERVICE_ACCOUNTS, NAMESPACES } from "../../../stacks/catalog";
import { parseCidr } from "../../../stacks/cidr";
import { FolderGrant, folderGrants } from "./data-access";
import type { PlatformConfig } from "../../../stacks/config";
import { GCP_PROJECT_ID, GCP_REGION_FORMAT, GKE_CLUSTER_NAME } from "../../../stacks/clouds/gcp";
import type { ManagedDatabaseSettings } from "../../../stacks/database";
import type { NodePoolInput, Profile } from "../../../stacks/schema";

export type ReleaseChannel = "RAPID" | "REGULAR" | "STABLE" | "EXTENDED";

/** Either a network the component creates from the address plan, or an existing network and subnetwork. */
export type GkeNetwork =
    | { create: { nodeCidr: string; podCidr: string; serviceCidr: string } }
    | { existing: { network: string; subnetwork: string; podCidr: string; serviceCidr: string } };

/** A Kubernetes service account that impersonates the data Google service account. */
export interface KsaRef {
    namespace: string;
    serviceAccount: string;
}

export interface GkeClusterArgs {
    /** `gcp:project` (the project ID). */
    project: string;
    /** `gcp:region`: network, KMS key, bucket and (prod) the regional control plane live here. */
    region: string;
    profile: Profile;
    /** GKE cluster name (also the base of the other physical names). */
    clusterName: string;
    /** Minor version (e.g. "1.34"); GKE picks the newest patch of it in the release channel. */
    kubernetesVersion: string;
    releaseChannel: ReleaseChannel;
    /** Zone of the dev (zonal) cluster; ignored in prod, where the cluster is regional. */
    zone: string;
    /** Disable the public endpoint: the API is then reachable only from inside the VPC. */
    privateEndpoint: boolean;
    authorizedCidrs: string[];
    network: GkeNetwork;
    nodePools: NodePoolInput[];
    /** `gke-security-groups@<domain>`, so `dataops:teams` Google Groups can be bound in RBAC. */
    securityGroup?: string;
    deletionProtection: boolean;
    /** An existing bucket; undefined creates one named by `dataBucketName`. */
    dataBucket?: string;
    /** Kubernetes service accounts allowed to act as the data Google service account. */
    /** Airflow's Kubernetes service accounts, which impersonate the data Google service account. */
    workloadIdentity: { airflow: KsaRef[] };
    /** Managed folders of the data bucket and who may use each (gke/data-access.ts). */
    folders: FolderGrant[];
    /** Airflow's managed metadata database (Cloud SQL), when `dataops:airflow.database` is managed. */
    database?: ManagedDatabaseSettings;
    /** Labels put on every Google Cloud resource that takes them. */
    labels: Record<string, string>;
    /** DNS-based control-plane endpoint with IAM (default: on for a private endpoint); the kubeconfig then uses it. */
    dnsEndpoint: boolean;
    /** `gcp:impersonateServiceAccount`: the kubeconfig's gcloud impersonates it too. */
    impersonateServiceAccount?: string;
    /** Cloud DNS managed zone cert-manager answers DNS-01 challenges in (front door with ACME). */
    dns01Zone?: string;
}

/** What differs between dev and prod beyond explicit config. */
export interface GkeProfileChoices {
    /** Regional control plane and nodes in three zones (prod) or one zone (dev, a third of the node cost). */
    regional: boolean;
    /** Application-layer Secrets encryption with a Cloud KMS key (key rings cannot be deleted: not worth it in dev). */
    kmsSecretsEncryption: boolean;
    /** VPC flow logs on the node subnetwork. */
    flowLogs: boolean;
    logComponents: string[];
    /** Control-plane metrics go to Cloud Monitoring, since the platform's Prometheus cannot scrape a managed control plane. */
    metricComponents: string[];
    /** Reclaim policy of the platform StorageClass: prod keeps Kafka and Prometheus disks when a claim is deleted. */
    reclaimPolicy: "Retain" | "Delete";
    bucketVersioning: boolean;
    /** Lets `pulumi destroy` empty the bucket (dev only). */
    bucketForceDestroy: boolean;
    /** Pulumi `protect` on the cluster, KMS key ring and key and the data bucket. */
    protect: boolean;
}

export function gkeProfileChoices(profile: Profile): GkeProfileChoices {
    const prod = profile === "prod";
    return {
        regional: prod,
        kmsSecretsEncryption: prod,
        flowLogs: prod,
        logComponents: prod
            ? ["SYSTEM_COMPONENTS", "WORKLOADS", "APISERVER", "CONTROLLER_MANAGER", "SCHEDULER"]
            : ["SYSTEM_COMPONENTS", "WORKLOADS"],
        metricComponents: prod
            ? ["SYSTEM_COMPONENTS", "APISERVER", "SCHEDULER", "CONTROLLER_MANAGER"]
            : ["SYSTEM_COMPONENTS"],
        reclaimPolicy: prod ? "Retain" : "Delete",
        bucketVersioning: prod,
        bucketForceDestroy: !prod,
        protect: prod,
    };
}

/** Zonal dev clusters default to zone "b", which every Google Cloud region has. */
export function defaultZone(region: string): string {
    return `${region}-b`;
}

/** Where the cluster and its node pools live: the region (prod) or one zone (dev). */
export function clusterLocation(args: Pick<GkeClusterArgs, "profile" | "region" | "zone">): string {
    return gkeProfileChoices(args.profile).regional ? args.region : args.zone;
}

/** Zones a regional cluster spreads each node pool over (GKE's default for regional clusters). */
export const REGIONAL_ZONES = 3;

export function gkeArgsFrom(cfg: PlatformConfig): GkeClusterArgs {
    const region = cfg.providers.gcpRegion ?? "";
    const g = cfg.gcp;
    const cl = cfg.cluster;
    const ksa = (namespaces: string[], accounts: readonly string[]) =>
        namespaces.flatMap((namespace) => accounts.map((serviceAccount) => ({ namespace, serviceAccount })));
    return {
        project: cfg.providers.gcpProject ?? "",
        region,
        profile: cfg.profile,
        clusterName: cl.name,
        kubernetesVersion: cl.kubernetesVersion,
        releaseChannel: g.releaseChannel ?? "REGULAR",
        zone: g.zone ?? defaultZone(region),
        privateEndpoint: cl.endpointAccess === "private",
        authorizedCidrs: cl.authorizedCidrs,
        network:
            g.network && g.subnetwork
                ? { existing: { network: g.network, subnetwork: g.subnetwork, podCidr: cl.podCidr, serviceCidr: cl.serviceCidr } }
                : { create: { nodeCidr: cl.networkCidr, podCidr: cl.podCidr, serviceCidr: cl.serviceCidr } },
        nodePools: cl.nodePools,
        securityGroup: g.securityGroup,
        deletionProtection: cl.deletionProtection,
        dataBucket: g.dataBucket,
        workloadIdentity: { airflow: cfg.airflow.enabled ? ksa([NAMESPACES.airflow], DATA_SERVICE_ACCOUNTS.airflow) : [] },
        folders: folderGrants(cfg),
        ...(cfg.airflow.enabled && cfg.airflow.managedDatabase ? { database: cfg.airflow.managedDatabase } : {}),
        labels: { "part-of": "dataops", "managed-by": "pulumi", stack: gcpLabelValue(cfg.stack) },
        dnsEndpoint: g.dnsEndpoint ?? cl.endpointAccess === "private",
        impersonateServiceAccount: cfg.providers.gcpImpersonateServiceAccount,
        ...(cfg.access.enabled && cfg.access.tls.mode === "acme" && cfg.access.tls.dnsZone ? { dns01Zone: cfg.access.tls.dnsZone } : {}),
    };
}

/** Google Cloud label values: lowercase letters, digits, '-' and '_', at most 63 characters. */
export function gcpLabelValue(text: string): string {
    return text.toLowerCase().replace(/[^a-z0-9_-]/g, "-").slice(0, 63);
}

/** Throws on args the GKE API would reject late; config validation normally catches these first. */
export function validateGkeArgs(args: GkeClusterArgs): void {
    const errors: string[] = [];
    if (!GCP_PROJECT_ID.test(args.project)) {
        errors.push(`project "${args.project}" is not a project ID`);
    }
    if (!GCP_REGION_FORMAT.test(args.region)) {
        errors.push(`region "${args.region}" is not a Google Cloud region`);
    }
    if (!args.zone.startsWith(`${args.region}-`)) {
        errors.push(`zone "${args.zone}" is not in region ${args.region}`);
    }
    if (!GKE_CLUSTER_NAME.test(args.clusterName)) {
        errors.push(`cluster name "${args.clusterName}" is not a GKE cluster name (a-z, 0-9, '-', at most 40, starting with a letter)`);
    }
    if (args.nodePools.length === 0) {
        errors.push("at least one node pool is required (removeDefaultNodePool leaves none otherwise)");
    }
    const names = args.nodePools.map((p) => p.name);
    names.filter((n, i) => names.indexOf(n) !== i).forEach((n) => errors.push(`node pool "${n}" is listed twice`));
    for (const p of args.nodePools) {
        if (p.minNodes > p.maxNodes || p.maxNodes < 1) {
            errors.push(`node pool "${p.name}" needs 0 <= minNodes <= maxNodes and maxNodes >= 1`);
        }
    }
    const cidrs = [...args.authorizedCidrs, ...("create" in args.network ? Object.values(args.network.create) : [])];
    cidrs.filter((c) => !parseCidr(c)).forEach((c) => errors.push(`"${c}" is not an IPv4 CIDR`));
    if (errors.length > 0) {
        throw new Error(`GkeCluster: ${errors.join("; ")}.`);
    }
}

/**
 * A service account ID (6-30 characters, a-z, 0-9, '-', starting with a letter) made of the cluster name and a role,
 * so two clusters in one project do not collide.
 */
export function serviceAccountId(clusterName: string, role: string): string {
    const base = clusterName.slice(0, 29 - role.length).replace(/-+$/, "");
    const id = `${base}-${role}`;
    return id.length >= 6 ? id : `${id}-sa`.slice(0, 30);
}

/** Bucket names are global: the project ID (itself globally unique) makes the derived name unique; at most 63 characters. */
export function dataBucketName(project: string, clusterName: string): string {
    const room = 63 - project.length - "--data".length;
    const middle = clusterName.slice(0, Math.max(room, 0)).replace(/-+$/, "");
    return middle ? `${project}-${middle}-data` : `${project}-data`;
}

/** The IAM member a Kubernetes service account acts as under Workload Identity. */
export function workloadIdentityMember(project: string, ksa: KsaRef): string {
    return `serviceAccount:${project}.svc.id.goog[${ksa.namespace}/${ksa.serviceAccount}]`;
}

const TAINT_EFFECTS: Record<string, string> = {
    NoSchedule: "NO_SCHEDULE",
    PreferNoSchedule: "PREFER_NO_SCHEDULE",
    NoExecute: "NO_EXECUTE",
};

/** Node pool settings that do not depend on other resources. */
export interface NodePoolPlan {
    name: string;
    /** Per zone, as GKE counts it; ignored after creation so it never forces a replacement. */
    initialNodeCount: number;
    autoscaling: { totalMinNodeCount: number; totalMaxNodeCount: number; locationPolicy: "ANY" | "BALANCED" };
    machineType: string;
    diskSizeGb: number;
    spot: boolean;
    labels: Record<string, string>;
    taints: { key: string; value: string; effect: string }[];
}

export const DEFAULT_MACHINE_TYPE = "e2-standard-4";
export const DEFAULT_DISK_GB = 100;

export function nodePoolPlan(pool: NodePoolInput, regional: boolean): NodePoolPlan {
    const zones = regional ? REGIONAL_ZONES : 1;
    const spot = pool.spot ?? false;
    return {
        name: pool.name,
        initialNodeCount: Math.ceil(pool.minNodes / zones),
        // Total limits keep dataops:cluster.nodePools counts meaning the same on a zonal and a regional cluster.
        // ANY lets Spot pools scale up wherever capacity is; BALANCED keeps on-demand pools even across zones.
        autoscaling: { totalMinNodeCount: pool.minNodes, totalMaxNodeCount: pool.maxNodes, locationPolicy: spot ? "ANY" : "BALANCED" },
        machineType: pool.machineType ?? DEFAULT_MACHINE_TYPE,
        diskSizeGb: pool.diskSizeGi ?? DEFAULT_DISK_GB,
        spot,
        labels: pool.labels ?? {},
        taints: (pool.taints ?? []).map((t) => ({ key: t.key, value: t.value ?? "", effect: TAINT_EFFECTS[t.effect] })),
    };
}

/** A weekend window: GKE needs at least 48 hours of availability in 32 days, this gives about 70. */
export const MAINTENANCE_WINDOW = {
    startTime: "2025-01-04T01:00:00Z",
    endTime: "2025-01-04T09:00:00Z",
    recurrence: "FREQ=WEEKLY;BYDAY=SA,SU",
} as const;

/** Node scopes: cloud-platform with access decided by IAM on the node service account, as Google recommends. */
export const NODE_OAUTH_SCOPES = ["https://www.googleapis.com/auth/cloud-platform"];

/** Least-privilege role Google provides for node service accounts (logging, metrics, autoscaler metrics). */
export const NODE_SA_ROLES = ["roles/container.defaultNodeServiceAccount"];

/** Object read/write/delete/list on the data bucket only: no bucket admin, no IAM changes. */
export const DATA_BUCKET_ROLE = "roles/storage.objectUser";

export const GKE_SA_ANNOTATION = "iam.gke.io/gcp-service-account";

export const AUTH_PLUGIN = "gke-gcloud-auth-plugin";

export interface KubeconfigInput {
    project: string;
    location: string;
    clusterName: string;
    /** Host or IP of the endpoint, without scheme. */
    endpoint: string;
    /** Base64 CA certificate of the cluster. */
    caCertificate: string;
    /** Environment of the auth plugin (gcloud impersonation). */
    env?: { name: string; value: string }[];
}

/**
 * A kubeconfig (JSON, which is valid YAML) that authenticates through gke-gcloud-auth-plugin: no token is stored, so
 * the Kubernetes provider never sees it change and is never replaced because of it.
 */
export function gkeKubeconfig(k: KubeconfigInput): string {
    const name = `gke_${k.project}_${k.location}_${k.clusterName}`;
    return JSON.stringify({
        apiVersion: "v1",
        kind: "Config",
        clusters: [{ name, cluster: { server: `https://${k.endpoint}`, "certificate-authority-data": k.caCertificate } }],
        contexts: [{ name, context: { cluster: name, user: name } }],
        "current-context": name,
        users: [
            {
                name,
                user: {
                    exec: {
                        apiVersion: "client.authentication.k8s.io/v1beta1",
                        command: AUTH_PLUGIN,
                        installHint: `Install ${AUTH_PLUGIN} to use this kubeconfig: gcloud components install ${AUTH_PLUGIN}`,
                        provideClusterInfo: true,
                        ...(k.env && k.env.length > 0 ? { env: k.env } : {}),
                    },
                },
            },
        ],
    });
}
