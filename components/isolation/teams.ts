// Team access from `dataops:teams`: RoleBindings of the built-in aggregated ClusterRoles (view, edit, admin) in exactly
// the namespaces listed, for exactly the groups listed. Nothing cluster-scoped, nothing beyond those three roles.
import { commonLabels, LABELS } from "../../stacks/catalog";
import type { TeamInput, TeamRole } from "../../stacks/schema";

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
