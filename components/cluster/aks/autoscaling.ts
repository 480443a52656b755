// AKS autoscaling: every pool is cluster-autoscaled between its minNodes and maxNodes (Spot user pools from zero), with
// one autoscaler profile for the cluster; placement adds the taint AKS puts on Spot nodes itself. Pure.
import type { NodePoolInput, Profile } from "../../../stacks/schema";
import { clusterPlacement } from "../placement";
import type { ClusterPlacement } from "../types";
import { AKS_SPOT_LABEL } from "./settings";

/**
 * The cluster autoscaler's profile: least-waste picks the pool that leaves the least idle capacity; dev removes idle
 * nodes after 5 minutes, prod after 10 (fewer flaps); pods with emptyDir (Spark scratch space) do not pin a node.
 */
export function aksAutoscalerProfile(profile: Profile) {
    const prod = profile === "prod";
    return {
        expander: "least-waste",
        balanceSimilarNodeGroups: "true",
        scaleDownUnneededTime: prod ? "10m" : "5m",
        scaleDownDelayAfterAdd: prod ? "10m" : "5m",
        skipNodesWithLocalStorage: "false",
        // Spot executors get their 30-second eviction notice; anything else is drained for up to 10 minutes.
        maxGracefulTerminationSec: "600",
    };
}

/** The Spot taint AKS adds to Spot pools, which every pod placed there must tolerate. */
export function aksCloudTaints(pool: NodePoolInput): NonNullable<NodePoolInput["taints"]> {
    return pool.spot ? [{ key: AKS_SPOT_LABEL, value: "spot", effect: "NoSchedule" }] : [];
}

export function aksPlacement(pools: readonly NodePoolInput[]): ClusterPlacement {
    return clusterPlacement(pools, aksCloudTaints);
}
