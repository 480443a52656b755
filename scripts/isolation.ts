// Isolation report: which namespace may talk to which, on which port, and what each team group may do where. Computed
// from the NetworkPolicies and RoleBindings the program actually registers, never from a hand-written table.
import type { RecordedResource } from "../tests/harness";

export interface Flow {
    from: string;
    to: string;
    /** Destination port; "any" when the rule names no port. */
    port: number | "any";
    protocol: "TCP" | "UDP";
}

export interface TeamAccess {
    team: string;
    group: string;
    namespace: string;
    role: string;
}

export interface IsolationReport {
    namespaces: string[];
    /** Every allowed namespace-to-namespace flow (same-namespace flows included). */
    flows: Flow[];
    teams: TeamAccess[];
}

export function isolationReport(resources: RecordedResource[]): IsolationReport {
    void resources;
    return { namespaces: [], flows: [], teams: [] };
}
