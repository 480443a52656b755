// Node pool purposes: which pool each kind of work lands on, the labels and taints that make it so, and the pool name
// limits of each cloud. Pure; config validation, the cluster targets and the plan read it.
import type { Problem } from "./problems";
import type { Cloud, NodePoolInput, Profile } from "./schema";

export const POOL_PURPOSES = ["system", "platform", "kafka", "spark-driver", "spark-executor"] as const;
export type PoolPurpose = (typeof POOL_PURPOSES)[number];

/** Node label naming the pool (every cloud), kept for dashboards and `kubectl get nodes -L`. */
export const POOL_LABEL = "dataops.io/pool";
/** Node label per purpose a pool serves (value "true"): workloads select these, never a pool name. */
export const purposeLabel = (purpose: PoolPurpose): string => `purpose.dataops.io/${purpose}`;
/** Taint that keeps everything else off a pool dedicated to one kind of work. */
export const DEDICATED_TAINT = "dataops.io/dedicated";
/** The taint system add-ons (CoreDNS, Karpenter, the CSI controllers) tolerate on every cloud. */
export const CRITICAL_ADDONS_ONLY = "CriticalAddonsOnly";

/** Purposes that may run on Spot capacity in prod: only work that survives losing a node. */
const SPOT_SAFE: readonly PoolPurpose[] = ["spark-executor"];
/** Purposes that get a pool of their own when a pool serves nothing else. */
const DEDICATED: readonly PoolPurpose[] = ["kafka", "spark-driver", "spark-executor"];

/**
 * A pool's purposes: its `purposes`, or (configs written before purposes existed) system pools run add-ons, Spot pools
 * run executors, other pools run the platform, Kafka and drivers; a lone pool runs everything.
 */
export function declaredPurposes(pool: NodePoolInput, pools: readonly NodePoolInput[]): PoolPurpose[] {
    if (pool.purposes && pool.purposes.length > 0) {
        return [...pool.purposes];
    }
    if (pools.length === 1) {
        return [...POOL_PURPOSES];
    }
    const out: PoolPurpose[] = pool.system ? ["system"] : [];
    if (pool.spot) {
        out.push("spark-executor");
    } else if (!pool.system) {
        out.push("platform", "kafka", "spark-driver");
    }
    return out;
}

/** Every pool's purposes, with any purpose no pool names given to the system pools (or the first pool). */
export function resolvePurposes(pools: readonly NodePoolInput[]): PoolPurpose[][] {
    const out = pools.map((p) => declaredPurposes(p, pools));
    for (const purpose of POOL_PURPOSES) {
        if (pools.length > 0 && !out.some((ps) => ps.includes(purpose))) {
            const system = pools.map((p, i) => (p.system ? i : -1)).filter((i) => i >= 0);
            for (const i of system.length > 0 ? system : [0]) {
                out[i].push(purpose);
            }
        }
    }
    return out.map((ps) => POOL_PURPOSES.filter((p) => ps.includes(p)));
}

/**
 * Labels and taints a pool's nodes get from its purposes, on top of its own: the pool and purpose labels; in prod a
 * pool that only runs add-ons is tainted CriticalAddonsOnly; a pool serving one of Kafka, drivers or executors alone
 * is tainted for it.
 */
export function purposeSettings(pool: NodePoolInput, purposes: PoolPurpose[], profile: Profile): Pick<NodePoolInput, "labels" | "taints"> {
    const labels = { [POOL_LABEL]: pool.name, ...Object.fromEntries(purposes.map((p) => [purposeLabel(p), "true"])), ...pool.labels };
    const taints = [...(pool.taints ?? [])];
    const add = (key: string, value: string) => {
        if (!taints.some((t) => t.key === key)) {
            taints.push({ key, value, effect: "NoSchedule" });
        }
    };
    if (profile === "prod" && purposes.length === 1 && purposes[0] === "system") {
        add(CRITICAL_ADDONS_ONLY, "true");
    }
    if (purposes.length === 1 && DEDICATED.includes(purposes[0])) {
        add(DEDICATED_TAINT, purposes[0]);
    }
    return { labels, taints: taints.length > 0 ? taints : undefined };
}

/** The pools as the targets build them: purposes resolved, purpose labels and taints added. */
export function resolvePools(pools: readonly NodePoolInput[], profile: Profile): NodePoolInput[] {
    const purposes = resolvePurposes(pools);
    return pools.map((p, i) => ({ ...p, purposes: purposes[i], ...purposeSettings(p, purposes[i], profile) }));
}

/** Characters a cloud adds to a pool name in the names it creates, and its limit on those names. */
export interface PoolNameRule {
    max: number;
    why: string;
}

/** GKE: `<pool>-<8 hex>`; the suffix changes with the create-only settings, so a replacement pool can start beside the old one. */
export const GKE_POOL_SUFFIX_LENGTH = 9;

export const POOL_NAME_RULES: Record<Exclude<Cloud, "local">, PoolNameRule> = {
    // Managed node groups are named `cluster-pool-<pool>-<7 random>` (63 at most); Karpenter NodePools take the name as is.
    aws: { max: 42, why: "EKS node group names are at most 63 characters and the program adds 21 (cluster-pool-…-xxxxxxx)" },
    gcp: {
        max: 40 - GKE_POOL_SUFFIX_LENGTH,
        why: `GKE node pool names are at most 40 characters and the program adds a ${GKE_POOL_SUFFIX_LENGTH}-character replacement suffix (-xxxxxxxx)`,
    },
    azure: { max: 12, why: "AKS Linux agent pool names are at most 12 characters" },
};

/** Pool rules that need the profile: names within the cloud's limit, Spot only where losing a node loses no state (prod). */
export function poolProblems(pools: readonly NodePoolInput[], cloud: Cloud, profile: Profile, key: string): Problem[] {
    const problems: Problem[] = [];
    if (cloud === "local") {
        return problems;
    }
    const rule = POOL_NAME_RULES[cloud];
    const purposes = resolvePurposes(pools);
    pools.forEach((p, i) => {
        // AKS names are checked with their own character rules in clouds/azure.ts.
        if (cloud !== "azure" && p.name.length > rule.max) {
            problems.push({
                key: `${key}[${i}].name`,
                value: p.name,
                message: `is ${p.name.length} characters; pool names on ${cloud} may have at most ${rule.max} (${rule.why}).`,
                fix: `shorten it, e.g. to ${JSON.stringify(p.name.slice(0, rule.max).replace(/-+$/, ""))}.`,
            });
        }
        const unsafe = purposes[i].filter((x) => !SPOT_SAFE.includes(x));
        if (profile === "prod" && p.spot && unsafe.length > 0) {
            problems.push({
                key: `${key}[${i}].spot`,
                value: true,
                message: `puts ${unsafe.join(", ")} on Spot capacity in prod; a reclaimed node would take them down (only spark-executor tolerates that).`,
                fix: `set spot: false, or purposes: [spark-executor] on this pool and run the rest on an on-demand pool.`,
            });
        }
    });
    return problems;
}

/**
 * On aws the system pools (or, when none is marked, the first pool) are managed node groups, where Karpenter and the
 * add-ons run; Karpenter makes the other pools' nodes.
 */
export function nodeGroupPools<P extends NodePoolInput>(pools: readonly P[]): P[] {
    const system = pools.filter((p) => p.system);
    return system.length > 0 ? system : pools.slice(0, 1);
}

/** Pool settings a cloud ignores: Karpenter (aws pools that are not node groups) keeps no minimum. */
export function poolWarnings(pools: readonly NodePoolInput[], cloud: Cloud, key: string): string[] {
    if (cloud !== "aws") {
        return [];
    }
    const groups = nodeGroupPools(pools);
    return pools
        .map((p, i) => [p, i] as const)
        .filter(([p]) => !groups.includes(p) && p.minNodes > 0)
        .map(([p, i]) => `${key}[${i}].minNodes (${p.minNodes}) of pool "${p.name}" is not kept on aws: Karpenter makes nodes for pending pods and removes empty ones.`);
}
