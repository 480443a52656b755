// GKE autoscaling: the cluster autoscaler with an explicit profile on every node pool, node auto-provisioning bounded
// by the pools' own maximums, and a ComputeClass for Spark executors that prefers the configured Spot pool and falls
// back to auto-created Spot pools of other machine families. Node pool names fit GKE's 40-character limit. Pure.
import { createHash } from "crypto";
import { GKE_POOL_SUFFIX_LENGTH } from "../../../stacks/pools";
import type { NodePoolInput, Profile } from "../../../stacks/schema";
import { clusterPlacement } from "../placement";
import type { ClusterPlacement } from "../types";
import { DEFAULT_DISK_GB, DEFAULT_MACHINE_TYPE, NODE_OAUTH_SCOPES } from "./plan";

/** Selects (and, on its nodes, labels and taints) a ComputeClass. */
export const COMPUTE_CLASS_KEY = "cloud.google.com/compute-class";
export const EXECUTOR_COMPUTE_CLASS = "dataops-spark-executor";
/** Spot machine families executors fall back to, cheapest first, when the configured pool cannot grow. */
export const EXECUTOR_FALLBACK_FAMILIES = ["n2d", "n2", "e2"];
/** vCPUs assumed for a machine type whose name does not end in its vCPU count (custom types are named by it too). */
const DEFAULT_VCPUS = 8;
/** GiB per vCPU assumed for auto-provisioning limits: highmem's ratio, so the limit never binds before the CPU one. */
const GIB_PER_VCPU = 8;

/**
 * `<pool>-<8 hex>`: at most 40 characters for any pool name validation accepts. The suffix hashes the settings GKE
 * cannot change in place, so changing them creates a pool under a new name beside the old one (create before delete).
 */
export function gkePoolName(pool: NodePoolInput): string {
    const createOnly = [pool.machineType ?? DEFAULT_MACHINE_TYPE, pool.diskSizeGi ?? DEFAULT_DISK_GB, pool.spot === true].join("/");
    return `${pool.name}-${createHash("sha256").update(createOnly).digest("hex").slice(0, GKE_POOL_SUFFIX_LENGTH - 1)}`;
}

/** vCPUs of a Compute Engine machine type: the number it ends with (e2-standard-4, n2-highmem-8, custom-4-16384 aside). */
export function machineVcpus(machineType: string): number {
    const custom = /^(?:[a-z0-9]+-)?custom-(\d+)-\d+/.exec(machineType);
    if (custom) {
        return Number(custom[1]);
    }
    const m = /-(\d+)(?:-[a-z]+)?$/.exec(machineType);
    return m ? Number(m[1]) : DEFAULT_VCPUS;
}

export function isExecutorPool(pool: NodePoolInput): boolean {
    const purposes = pool.purposes ?? [];
    return purposes.length === 1 && purposes[0] === "spark-executor";
}

/** Executor pools join the ComputeClass: its label and taint on their nodes. */
export function withComputeClass(pool: NodePoolInput): NodePoolInput {
    if (!isExecutorPool(pool)) {
        return pool;
    }
    return {
        ...pool,
        labels: { ...pool.labels, [COMPUTE_CLASS_KEY]: EXECUTOR_COMPUTE_CLASS },
        taints: [...(pool.taints ?? []), { key: COMPUTE_CLASS_KEY, value: EXECUTOR_COMPUTE_CLASS, effect: "NoSchedule" }],
    };
}

/**
 * Autoscaler profile: dev removes idle nodes sooner (OPTIMIZE_UTILIZATION), prod keeps headroom (BALANCED). Node
 * auto-provisioning may only add what the pools could reach themselves, and its pools run as the node service account.
 */
export function clusterAutoscaling<S>(pools: readonly NodePoolInput[], profile: Profile, serviceAccount: S) {
    const cpu = pools.reduce((n, p) => n + p.maxNodes * machineVcpus(p.machineType ?? DEFAULT_MACHINE_TYPE), 0);
    return {
        enabled: true,
        autoscalingProfile: profile === "prod" ? "BALANCED" : "OPTIMIZE_UTILIZATION",
        resourceLimits: [
            { resourceType: "cpu", minimum: 0, maximum: cpu },
            { resourceType: "memory", minimum: 0, maximum: cpu * GIB_PER_VCPU },
        ],
        autoProvisioningDefaults: {
            serviceAccount,
            oauthScopes: NODE_OAUTH_SCOPES,
            diskType: "pd-balanced",
            imageType: "COS_CONTAINERD",
            management: { autoRepair: true, autoUpgrade: true },
            shieldedInstanceConfig: { enableSecureBoot: true, enableIntegrityMonitoring: true },
            upgradeSettings: { strategy: "SURGE", maxSurge: 1, maxUnavailable: 0 },
        },
    };
}

/** The executors' ComputeClass: the configured Spot pools first, then auto-created Spot pools of other families; never on-demand. */
export function executorComputeClassSpec<S>(pools: readonly NodePoolInput[], serviceAccount: S): Record<string, unknown> {
    const own = pools.filter(isExecutorPool).map(gkePoolName);
    const minCores = Math.min(...pools.filter(isExecutorPool).map((p) => machineVcpus(p.machineType ?? DEFAULT_MACHINE_TYPE)), DEFAULT_VCPUS);
    return {
        description: "Spark executors: Spot capacity from zero, several machine families",
        priorities: [...(own.length > 0 ? [{ nodepools: own }] : []), ...EXECUTOR_FALLBACK_FAMILIES.map((machineFamily) => ({ machineFamily, spot: true, minCores }))],
        nodePoolAutoCreation: { enabled: true },
        nodePoolConfig: { serviceAccount },
        whenUnsatisfiable: "DoNotScaleUp",
        // Moving running executors to a preferred family would cost their work; new ones go there anyway.
        activeMigration: { optimizeRulePriority: false },
    };
}

/** Placement by purpose; executors (when a pool is theirs alone) select their ComputeClass, the way GKE expects its classes to be chosen. */
export function gkePlacement(pools: readonly NodePoolInput[]): ClusterPlacement {
    const placement = clusterPlacement(pools);
    if (!pools.some(isExecutorPool)) {
        return placement;
    }
    return {
        ...placement,
        sparkExecutor: {
            nodeSelector: { [COMPUTE_CLASS_KEY]: EXECUTOR_COMPUTE_CLASS },
            tolerations: [
                { key: COMPUTE_CLASS_KEY, operator: "Equal", value: EXECUTOR_COMPUTE_CLASS, effect: "NoSchedule" },
                ...placement.sparkExecutor.tolerations.filter((t) => t.key !== COMPUTE_CLASS_KEY),
            ],
        },
    };
}
