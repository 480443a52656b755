// Per-profile defaults: the one place where dev and prod differ. Every value here can be overridden by explicit config.
import type { Cloud, NodePoolInput, Profile } from "./schema";

export interface ProfileDefaults {
    endpointAccess: "public" | "private";
    deletionProtection: boolean;
    airflow: { replicas: number; defaultUser: boolean };
    kafka: { brokers: number; storageGi: number };
    prometheus: { retention: string; storageGi: number; replicas: number; alertmanagerReplicas: number };
    grafana: { persistence: boolean; storageGi: number };
    /** Seconds a Helm release may take before it is rolled back. */
    releaseTimeoutSeconds: number;
}

export const PROFILE_DEFAULTS: Record<Profile, ProfileDefaults> = {
    dev: {
        endpointAccess: "public",
        deletionProtection: false,
        airflow: { replicas: 1, defaultUser: true },
        kafka: { brokers: 1, storageGi: 10 },
        prometheus: { retention: "2d", storageGi: 10, replicas: 1, alertmanagerReplicas: 1 },
        grafana: { persistence: false, storageGi: 5 },
        releaseTimeoutSeconds: 900,
    },
    prod: {
        endpointAccess: "private",
        deletionProtection: true,
        airflow: { replicas: 2, defaultUser: true },
        kafka: { brokers: 3, storageGi: 100 },
        prometheus: { retention: "15d", storageGi: 100, replicas: 2, alertmanagerReplicas: 2 },
        grafana: { persistence: true, storageGi: 10 },
        releaseTimeoutSeconds: 1200,
    },
};

/** Kubernetes minor version used when `dataops:cluster.kubernetesVersion` is not set. */
export const DEFAULT_KUBERNETES_VERSION = "1.34";

/** Address plan used when the network keys are not set; the three ranges do not overlap each other. */
export const DEFAULT_NETWORK = {
    networkCidr: "10.10.0.0/16",
    podCidr: "10.244.0.0/14",
    serviceCidr: "10.96.0.0/16",
} as const;

/** Machine types per cloud for the default pools: the single dev pool, and prod's system and data pools. */
const MACHINE_TYPES: Record<Exclude<Cloud, "local">, { dev: string; system: string; data: string }> = {
    aws: { dev: "m6i.xlarge", system: "m6i.large", data: "m6i.2xlarge" },
    gcp: { dev: "e2-standard-4", system: "e2-standard-2", data: "n2-standard-8" },
    azure: { dev: "Standard_D4s_v5", system: "Standard_D2s_v5", data: "Standard_D8s_v5" },
};

/** Node pools used when `dataops:cluster.nodePools` is not set (docs/autoscaling.md): dev one general pool and Spot
 * executors from zero; prod add-ons alone on a tainted system pool, platform and drivers, Kafka, Spot executors. */
export function defaultNodePools(cloud: Cloud, profile: Profile): NodePoolInput[] {
    if (cloud === "local") {
        return [];
    }
    const m = MACHINE_TYPES[cloud];
    // On aws only system pools are node groups; Karpenter makes the others' nodes for pending pods and keeps no minimum,
    // and executors get no machine type so it can choose among many Spot instance types.
    const karpenter = cloud === "aws";
    const executors = (maxNodes: number, machineType: string): NodePoolInput => ({
        name: "spark",
        ...(karpenter ? {} : { machineType }),
        minNodes: 0,
        maxNodes,
        spot: true,
        purposes: ["spark-executor"],
    });
    if (profile === "dev") {
        // AKS refuses Spot for its System pool, and the general dev pool is the System pool there.
        return [
            {
                name: "general",
                machineType: m.dev,
                minNodes: 1,
                maxNodes: 3,
                spot: cloud !== "azure",
                system: true,
                purposes: ["system", "platform", "kafka", "spark-driver"],
            },
            executors(5, m.dev),
        ];
    }
    return [
        { name: "system", machineType: m.system, minNodes: 3, maxNodes: 6, spot: false, system: true, purposes: ["system"] },
        {
            name: "platform",
            machineType: m.data,
            minNodes: karpenter ? 0 : 2,
            maxNodes: 8,
            spot: false,
            purposes: ["platform", "spark-driver"],
        },
        // One broker or controller per zone at least; KafkaNodePool pods spread over zones.
        { name: "kafka", machineType: m.data, minNodes: karpenter ? 0 : 3, maxNodes: 6, spot: false, purposes: ["kafka"] },
        executors(20, m.data),
    ];
}
