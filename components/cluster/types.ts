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
    /** Node-local endpoints pods call for workload-identity credentials (EKS Pod Identity agent, GKE metadata server). */
    identityEndpoints?: { cidr: string; port: number }[];
    dataStore?: DataStore;
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
