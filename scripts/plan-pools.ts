// The plan's node pool view: per pool its purposes, bounds, capacity type and what scales it, so a reviewer sees the
// layout and what it costs at idle (a pool from zero costs nothing while no work needs it).
import { isExecutorPool } from "../components/cluster/gke/autoscaling";
import type { PlatformConfig } from "../stacks/config";
import { nodeGroupPools } from "../stacks/pools";
import type { NodePoolInput } from "../stacks/schema";

export const POOL_HEADERS = ["pool", "purposes", "nodes", "capacity", "scaled by", "idle"];

function scaler(cfg: PlatformConfig, pool: NodePoolInput): string {
    switch (cfg.cloud) {
        case "aws":
            return nodeGroupPools(cfg.cluster.nodePools).includes(pool) ? "managed node group (sized at minNodes)" : "Karpenter NodePool";
        case "gcp":
            return isExecutorPool(pool) ? "cluster autoscaler + ComputeClass fallback" : "cluster autoscaler";
        default:
            return "cluster autoscaler";
    }
}

/** Nodes a pool keeps while no job runs: executor-only pools go to zero; others hold the platform's always-on pods. */
function idle(p: NodePoolInput, min: number): string {
    const purposes = p.purposes ?? [];
    if (purposes.every((x) => x === "spark-executor" || x === "spark-driver")) {
        return "0 (scales to zero)";
    }
    return min === 0 ? "what its pods need" : `${min}+`;
}

/** One row per pool of the stack's resolved config (none for local clusters). */
export function poolRows(cfg: PlatformConfig): string[][] {
    return cfg.cluster.nodePools.map((p) => {
        const karpenter = cfg.cloud === "aws" && !nodeGroupPools(cfg.cluster.nodePools).includes(p);
        const min = karpenter ? 0 : p.minNodes;
        return [
            p.name,
            (p.purposes ?? []).join(", "),
            `${min}..${p.maxNodes}`,
            `${p.spot ? "spot" : "on-demand"}${p.machineType ? ` ${p.machineType}` : " (flexible types)"}`,
            scaler(cfg, p),
            idle(p, min),
        ];
    });
}

export function formatPoolsText(cfg: PlatformConfig): string {
    const rows = [POOL_HEADERS, ...poolRows(cfg)];
    const widths = POOL_HEADERS.map((_, i) => Math.max(...rows.map((r) => r[i].length)));
    return rows.map((r) => r.map((c, i) => c.padEnd(widths[i])).join("  ").trimEnd()).join("\n");
}

export function formatPoolsMarkdown(cfg: PlatformConfig): string {
    return [`| ${POOL_HEADERS.join(" | ")} |`, `|${POOL_HEADERS.map(() => "---").join("|")}|`, ...poolRows(cfg).map((r) => `| ${r.join(" | ")} |`)].join("\n");
}
