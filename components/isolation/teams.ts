// Team access from `dataops:teams`: RoleBindings of the built-in aggregated ClusterRoles (view, edit, admin) in exactly
// the namespaces listed, for exactly the groups listed. Nothing cluster-scoped, nothing beyond those three roles.
import { commonLabels, LABELS } from "../../stacks/catalog";
import type { PlatformConfig } from "../../stacks/config";
import type { TeamInput, TeamRole } from "../../stacks/schema";
import { elevatedAccessRefusal } from "../../stacks/teams";

export interface TeamBinding {
    team: string;
    namespace: string;
    role: TeamRole;
    groups: string[];
    /** RoleBinding name inside the namespace. */
    name: string;
    labels: Record<string, string>;
}

/** A team gets its configured role in the namespaces it lists, and admin in the namespaces it owns. */
export function teamBindings(teams: TeamInput[]): TeamBinding[] {
    const out: TeamBinding[] = [];
    for (const t of teams) {
        const bind = (namespace: string, role: TeamRole) =>
            out.push({
                team: t.name,
                namespace,
                role,
                groups: [...t.groups],
                name: `team-${t.name}-${role}`,
                labels: { ...commonLabels(), [LABELS.team]: t.name },
            });
        const owned = t.ownNamespaces ?? [];
        for (const ns of (t.namespaces ?? []).filter((n) => !owned.includes(n))) {
            bind(ns, t.role);
        }
        for (const ns of t.ownNamespaces ?? []) {
            bind(ns, "admin");
        }
    }
    return out;
}

export function roleBindingSpec(b: TeamBinding) {
    return {
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: b.role },
        subjects: b.groups.map((name) => ({ apiGroup: "rbac.authorization.k8s.io", kind: "Group", name })),
    };
}

/** The same rule as config validation, for callers that build a PlatformConfig by hand: one sentence per refusal. */
export function elevatedBindingRefusals(cfg: Pick<PlatformConfig, "teams" | "spark">): string[] {
    const owners = new Map(cfg.teams.flatMap((t) => (t.ownNamespaces ?? []).map((ns) => [ns, t.name] as const)));
    const jobNamespace = cfg.spark.enabled ? cfg.spark.jobNamespace : "";
    return teamBindings(cfg.teams).flatMap((b) => elevatedAccessRefusal({ team: b.team, namespace: b.namespace, role: b.role }, jobNamespace, owners) ?? []);
}
