// The contract every cluster target (local, EKS, GKE, AKS) fulfils, so the platform installs unchanged on any of them.
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { Cloud } from "../../stacks/schema";

/** Per-workload settings a cloud needs on the Kubernetes side for workload identity. */
export interface WorkloadIdentityBinding {
    /** Annotations for the workload's service accounts (GKE: iam.gke.io/gcp-service-account, AKS: client-id). */
    serviceAccountAnnotations: Record<string, pulumi.Input<string>>;
    /** Labels for the workload's pods (AKS: azure.workload.identity/use). */
    podLabels: Record<string, string>;
}

/** Where Airflow and Spark keep logs and data, when the cloud provides an object store. */
export interface DataStore {
    kind: "s3" | "gcs" | "azureBlob";
    /** Bucket (S3/GCS) or container (Azure) name. */
    bucket: pulumi.Input<string>;
    /** Azure storage account name. */
    account?: pulumi.Input<string>;
    /** A URL usable as Airflow's remote log folder, e.g. s3://bucket/airflow-logs. */
    logsUrl: pulumi.Input<string>;
    /**
     * Where pods reach the store (its endpoints' addresses, HTTPS): the only egress outside the cluster that Airflow
     * and the job namespaces get for it, instead of the whole internet.
     */
    endpoints?: { cidrs: pulumi.Input<pulumi.Input<string>[]>; port: number };
}

export interface Toleration {
    key: string;
    operator: "Equal" | "Exists";
    value?: string;
    effect?: "NoSchedule" | "PreferNoSchedule" | "NoExecute";
}

/** Where a kind of pod must run: pod-spec fields, given to charts and custom resources as they are. */
export interface Placement {
    nodeSelector: Record<string, string>;
    tolerations: Toleration[];
    affinity?: Record<string, unknown>;
}

/** The placement of each kind of work the platform runs, as the target's pools and autoscaler provide it. */
export interface ClusterPlacement {
    /** Airflow, the operators, monitoring, Grafana (on-demand). */
    platform: Placement;
    /** Kafka brokers and controllers (on-demand, spread over zones). */
    kafka: Placement;
    /** Spark drivers (on-demand: losing a driver loses the job). */
    sparkDriver: Placement;
    /** Spark executors (Spot, scaled from zero). */
    sparkExecutor: Placement;
}

/** Airflow's metadata database when the target created it (`dataops:airflow.database: managed`). */
export interface MetadataDatabase {
    /** Which cloud service holds it, for outputs and docs. */
    service: "rds" | "cloudSql" | "flexibleServer";
    /** Host name or private address Airflow connects to, from the instance's outputs. */
    host: pulumi.Input<string>;
    port: number;
    database: string;
    username: string;
    /** Secret Output: only ever placed in a Kubernetes Secret. */
    password: pulumi.Input<string>;
    /** Every address the database can answer from (its own subnets or address): Airflow's egress opens these, on `port`, and nothing else. */
    cidrs: pulumi.Input<string>[];
    /** What must exist before Airflow migrates (the instance, its database and user). */
    ready: pulumi.Resource[];
}

/** cert-manager's ACME DNS-01 solver for the stack's DNS zone, with the workload identity its service account needs. */
export interface Dns01Solver {
    /** The `dns01` block of an ACME solver (route53, cloudDNS or azureDNS), ambient credentials only. */
    dns01: Record<string, unknown>;
    serviceAccountAnnotations: Record<string, pulumi.Input<string>>;
    podLabels: Record<string, string>;
}

/** What the front door (components/access/) needs from the target. */
export interface FrontDoorInfo {
    /** Annotations of the gateway's LoadBalancer Service for an internal and for an internet-facing load balancer. */
    loadBalancerAnnotations: { internal: Record<string, string>; public: Record<string, string> };
    /** Present when `dataops:access.tls.mode` is acme and the target granted cert-manager the zone. */
    dns01?: Dns01Solver;
}

/** What the platform needs to know about the cluster it installs on. */
export interface ClusterInfo {
    cloud: Cloud;
    /** True when the control plane is hidden (EKS/GKE/AKS): no controller-manager, scheduler or etcd to scrape. */
    managedControlPlane: boolean;
    /** StorageClass for platform volumes; undefined uses the cluster's default class. */
    storageClass?: pulumi.Input<string>;
    /**
     * The cluster's network (VPC/VNet or subnetwork ranges): where the nodes are, and the default place of private
     * services such as an external metadata database. Monitoring reaches node ports here.
     */
    networkCidrs: pulumi.Input<string>[];
    /** Where pods reach the API server, for the API egress NetworkPolicy of operators and executors. */
    apiServer: { cidrs: pulumi.Input<string>[]; ports: number[] };
    /** Node label that spreads replicas and Kafka racks across failure domains. */
    zoneTopologyKey: string;
    /** Whether the CNI enforces NetworkPolicies (the isolation is only real when it does). */
    networkPolicyEnforced: boolean;
    /** Whether kube-proxy runs (GKE Dataplane V2 / Cilium replace it, so there is nothing to scrape). */
    kubeProxy: boolean;
    workloadIdentity?: { airflow: WorkloadIdentityBinding; spark: WorkloadIdentityBinding };
    /** Per job namespace, a Spark identity other than `workloadIdentity.spark` (a team's own, scoped to its data). */
    sparkIdentities?: Record<string, WorkloadIdentityBinding>;
    /** Node-local endpoints pods call for workload-identity credentials (EKS Pod Identity agent, GKE metadata server). */
    identityEndpoints?: { cidr: string; port: number }[];
    dataStore?: DataStore;
    /** Undefined on local clusters: pods go wherever the scheduler puts them. */
    placement?: ClusterPlacement;
    metadataDatabase?: MetadataDatabase;
    /** Cloud load balancer and DNS facts for the gateway; undefined on local clusters (a node port serves the host). */
    frontDoor?: FrontDoorInfo;
}

export interface ClusterTarget {
    /** Every Kubernetes object of the platform is created through this provider. */
    readonly provider: k8s.Provider;
    readonly clusterName: pulumi.Output<string>;
    /** Secret kubeconfig for users and CI (undefined for local: the user's kubeconfig is used as is). */
    readonly kubeconfig?: pulumi.Output<string>;
    readonly info: ClusterInfo;
    /** What must exist before workloads are installed (node groups, CNI and CSI add-ons, StorageClass). */
    readonly ready: pulumi.Resource[];
}
