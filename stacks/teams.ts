// Where a team may hold more than `view`: the rule shared by config validation (before any resource) and the
// DataPlatform component's own guard. The policy pack re-states it over the Namespace labels at preview.
import { NAMESPACES, OPERATOR_NAMESPACES } from "./catalog";
import type { TeamRole } from "./schema";

export interface TeamAccessRequest {
    team: string;
    namespace: string;
    role: TeamRole;
}

/**
 * Why `request` must be refused, or undefined when it is allowed. `view` is allowed in every managed namespace;
 * `edit`/`admin` only in the designated job namespace and in the namespaces the team owns.
 */
export function elevatedAccessRefusal(request: TeamAccessRequest, jobNamespace: string, owners: ReadonlyMap<string, string>): string | undefined {
    const { team, namespace: ns, role } = request;
    if (role === "view" || ns === jobNamespace || owners.get(ns) === team) {
        return undefined;
    }
    const head = `team "${team}" would get ${role} in "${ns}"`;
    if (OPERATOR_NAMESPACES.includes(ns)) {
        return (
            `${head}, an operator namespace: ${role} can run pods under any service account there (reaching the ` +
            `operator's cluster-wide rights) and read its Secrets; teams get view at most in operator namespaces.`
        );
    }
    if (ns === NAMESPACES.airflow) {
        return `${head}: ${role} can read the metadata database credentials and exec into the scheduler; teams get view at most in platform namespaces.`;
    }
    if (owners.has(ns)) {
        return `${head}, which team "${owners.get(ns)}" owns; another team gets view at most there.`;
    }
    return `${head}, which is neither the Spark job namespace (${jobNamespace}) nor a namespace the team owns.`;
}
