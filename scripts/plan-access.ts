// The plan's front-door section: the UIs' URLs from the stack outputs, how the gateway is exposed (read from the
// EnvoyProxy the program emits) and a warning when a public load balancer has no allow list.
import { LABELS } from "../stacks/catalog";
import type { RecordedResource, Run } from "../tests/harness";
import { valueOf } from "../tests/harness";

export interface FrontDoorSummary {
    exposure?: string;
    allowedCidrs: string[];
    urls: Record<string, string>;
    warnings: string[];
}

export async function frontDoorSummary(run: Run): Promise<FrontDoorSummary | undefined> {
    const proxy = run.resources.find((r: RecordedResource) => r.type === "kubernetes:gateway.envoyproxy.io/v1alpha1:EnvoyProxy");
    if (!proxy) {
        return undefined;
    }
    const exposure = proxy.inputs.metadata?.annotations?.[LABELS.exposure] as string | undefined;
    const allowedCidrs = (proxy.inputs.spec?.provider?.kubernetes?.envoyService?.loadBalancerSourceRanges ?? []) as string[];
    const urls = ((await valueOf((run.outputs as Record<string, unknown> | undefined)?.uiUrls as Record<string, string> | undefined)) ?? {}) as Record<string, string>;
    const warnings: string[] = [];
    if (exposure === "public" && allowedCidrs.length === 0) {
        warnings.push("public load balancer without dataops:access.allowedCidrs: the UIs' sign-in pages are open to the whole internet.");
    }
    if (exposure === "public" && allowedCidrs.includes("0.0.0.0/0")) {
        warnings.push("dataops:access.allowedCidrs contains 0.0.0.0/0: the public load balancer admits the whole internet.");
    }
    return { exposure, allowedCidrs, urls, warnings };
}

export function formatFrontDoor(s: FrontDoorSummary | undefined): string[] {
    if (!s) {
        return ["Front door: off (reach the UIs with kubectl port-forward; docs/front-door.md)."];
    }
    const how = s.exposure === "node-port" ? "the host's ports 443/80 (kind)" : `${s.exposure} load balancer`;
    const allow = s.allowedCidrs.length > 0 ? `, allowed: ${s.allowedCidrs.join(", ")}` : "";
    return [
        `Front door: ${how}${allow}`,
        ...Object.entries(s.urls).map(([ui, url]) => `  ${ui.padEnd(13)}${url}`),
        ...s.warnings.map((w) => `WARNING: ${w}`),
    ];
}
