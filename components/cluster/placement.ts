// The placement each kind of work gets from the pools' purposes: select the purpose label, tolerate the taints of every
// pool serving it. Pure; each cloud target adds the taints its cloud puts on nodes by itself (AKS Spot).
import { PoolPurpose, purposeLabel, resolvePurposes } from "../../stacks/pools";
import type { NodePoolInput } from "../../stacks/schema";
import type { ClusterPlacement, Placement, Toleration } from "./types";

type Taint = NonNullable<NodePoolInput["taints"]>[number];

export const PLACEMENT_PURPOSES: Record<keyof ClusterPlacement, PoolPurpose> = {
    platform: "platform",
    kafka: "kafka",
    sparkDriver: "spark-driver",
    sparkExecutor: "spark-executor",
};

export function placementFor(purpose: PoolPurpose, pools: readonly NodePoolInput[], cloudTaints: (pool: NodePoolInput) => Taint[] = () => []): Placement {
    const purposes = resolvePurposes(pools);
    const serving = pools.filter((_, i) => purposes[i].includes(purpose));
    const tolerations: Toleration[] = [];
    for (const t of serving.flatMap((p) => [...(p.taints ?? []), ...cloudTaints(p)])) {
        const tol: Toleration = t.value === undefined ? { key: t.key, operator: "Exists", effect: t.effect } : { key: t.key, operator: "Equal", value: t.value, effect: t.effect };
        if (!tolerations.some((x) => JSON.stringify(x) === JSON.stringify(tol))) {
            tolerations.push(tol);
        }
    }
    return { nodeSelector: { [purposeLabel(purpose)]: "true" }, tolerations };
}

/** Placement of every kind of work on these pools (resolved by stacks/pools.ts `resolvePools`). */
export function clusterPlacement(pools: readonly NodePoolInput[], cloudTaints?: (pool: NodePoolInput) => Taint[]): ClusterPlacement {
    const entries = Object.entries(PLACEMENT_PURPOSES).map(([k, purpose]) => [k, placementFor(purpose, pools, cloudTaints)]);
    return Object.fromEntries(entries) as unknown as ClusterPlacement;
}

/** A placement as affinity and tolerations, for pod templates without a nodeSelector field (Strimzi's). */
export function placementAffinity(p: Placement): { affinity: Record<string, unknown>; tolerations: Toleration[] } {
    const matchExpressions = Object.entries(p.nodeSelector).map(([key, value]) => ({ key, operator: "In", values: [value] }));
    return {
        affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions }] } }, ...p.affinity },
        tolerations: p.tolerations,
    };
}

/** Pod-spec fields of a placement for chart values (empty when the cluster reports none). */
export function placementValues(p: Placement | undefined): { nodeSelector?: Record<string, string>; tolerations?: Toleration[]; affinity?: Record<string, unknown> } {
    if (!p) {
        return {};
    }
    return { nodeSelector: p.nodeSelector, tolerations: p.tolerations, ...(p.affinity ? { affinity: p.affinity } : {}) };
}
