// Isolation report: which namespace may talk to which, on which port, and what each team group may do where. Computed
// from the NetworkPolicies and RoleBindings the program actually registers, never from a hand-written table.
import { LABELS } from "../stacks/catalog";
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

/** A team's Kafka identity: its topics (with partitions and replicas) and what its ACLs allow. */
export interface KafkaTenant {
    team: string;
    user: string;
    topics: string[];
    acls: string[];
}

export interface IsolationReport {
    namespaces: string[];
    /** Every allowed namespace-to-namespace flow (same-namespace flows included). */
    flows: Flow[];
    teams: TeamAccess[];
    kafka: KafkaTenant[];
}

interface Peer {
    namespaceSelector?: { matchLabels?: Record<string, string> };
    podSelector?: { matchLabels?: Record<string, string> };
    ipBlock?: { cidr: string; except?: string[] };
}

interface Rule {
    peers?: Peer[];
    ports?: { port?: number; protocol?: string }[];
}

interface Policy {
    namespace: string;
    types: string[];
    ingress: Rule[];
    egress: Rule[];
}

const NS_LABEL = "kubernetes.io/metadata.name";

function policiesOf(resources: RecordedResource[]): Policy[] {
    return resources
        .filter((r) => r.type === "kubernetes:networking.k8s.io/v1:NetworkPolicy")
        .map((r) => {
            const spec = r.inputs.spec ?? {};
            return {
                namespace: r.inputs.metadata.namespace,
                types: spec.policyTypes ?? ["Ingress"],
                ingress: (spec.ingress ?? []).map((x: any) => ({ peers: x.from, ports: x.ports })),
                egress: (spec.egress ?? []).map((x: any) => ({ peers: x.to, ports: x.ports })),
            };
        });
}

/**
 * Whether a peer matches pods of namespace `other` as seen from a policy in namespace `self`. An ipBlock can match pod
 * addresses too; only a block covering every address (0.0.0.0/0 without exceptions) is assumed to, since pod ranges
 * are private and every narrower block the platform writes targets nodes, the API server or the internet.
 */
function peerMatches(peer: Peer, self: string, other: string): boolean {
    if (peer.ipBlock) {
        return peer.ipBlock.cidr === "0.0.0.0/0" && (peer.ipBlock.except ?? []).length === 0;
    }
    if (peer.namespaceSelector) {
        const labels = peer.namespaceSelector.matchLabels ?? {};
        const keys = Object.keys(labels);
        return keys.every((k) => k === NS_LABEL && labels[k] === other);
    }
    return self === other;
}

function portMatches(rule: Rule, port: number | "any", protocol: string): boolean {
    if (!rule.ports || rule.ports.length === 0) {
        return true;
    }
    if (port === "any") {
        return false;
    }
    return rule.ports.some((p) => (p.port === undefined || p.port === port) && (p.protocol ?? "TCP") === protocol);
}

function allows(policies: Policy[], ns: string, direction: "Ingress" | "Egress", other: string, port: number | "any", protocol: string): boolean {
    const selecting = policies.filter((p) => p.namespace === ns && p.types.includes(direction));
    if (selecting.length === 0) {
        return true;
    }
    return selecting.some((p) =>
        (direction === "Ingress" ? p.ingress : p.egress).some(
            (rule) => (rule.peers === undefined || rule.peers.some((peer) => peerMatches(peer, ns, other))) && portMatches(rule, port, protocol),
        ),
    );
}

/** Whether traffic from a pod in `from` to a pod in `to` on port/protocol passes both namespaces' policies. */
export function isAllowed(policies: Policy[], from: string, to: string, port: number | "any", protocol: string): boolean {
    return allows(policies, from, "Egress", to, port, protocol) && allows(policies, to, "Ingress", from, port, protocol);
}

export function isolationReport(resources: RecordedResource[]): IsolationReport {
    const namespaces = resources
        .filter((r) => r.type === "kubernetes:core/v1:Namespace" && r.inputs.metadata?.labels?.[LABELS.managed] === "true")
        .map((r) => r.inputs.metadata.name as string);
    const policies = policiesOf(resources);
    const ports = new Map<string, { port: number; protocol: "TCP" | "UDP" }>();
    for (const p of policies) {
        for (const rule of [...p.ingress, ...p.egress]) {
            for (const x of rule.ports ?? []) {
                if (x.port !== undefined) {
                    const protocol = (x.protocol ?? "TCP") as "TCP" | "UDP";
                    ports.set(`${x.port}/${protocol}`, { port: x.port, protocol });
                }
            }
        }
    }
    const universe = [...ports.values()].sort((a, b) => a.port - b.port || a.protocol.localeCompare(b.protocol));
    const flows: Flow[] = [];
    for (const from of namespaces) {
        for (const to of namespaces) {
            if (isAllowed(policies, from, to, "any", "TCP")) {
                flows.push({ from, to, port: "any", protocol: "TCP" });
                continue;
            }
            for (const { port, protocol } of universe) {
                if (isAllowed(policies, from, to, port, protocol)) {
                    flows.push({ from, to, port, protocol });
                }
            }
        }
    }
    const teams: TeamAccess[] = resources
        .filter((r) => r.type === "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding" && r.inputs.metadata?.labels?.[LABELS.team])
        .flatMap((r) =>
            (r.inputs.subjects ?? [])
                .filter((s: any) => s.kind === "Group")
                .map((s: any) => ({
                    team: r.inputs.metadata.labels[LABELS.team],
                    group: s.name,
                    namespace: r.inputs.metadata.namespace,
                    role: `${r.inputs.roleRef.kind}/${r.inputs.roleRef.name}`,
                })),
        );
    return { namespaces, flows, teams, kafka: kafkaTenants(resources) };
}

/** From the KafkaUsers and KafkaTopics the program registers, by their team label. */
export function kafkaTenants(resources: RecordedResource[]): KafkaTenant[] {
    const ofKind = (kind: string) => resources.filter((r) => r.type === `kubernetes:kafka.strimzi.io/v1:${kind}` && r.inputs.metadata?.labels?.[LABELS.team]);
    const topics = ofKind("KafkaTopic");
    return ofKind("KafkaUser").map((u) => {
        const team = u.inputs.metadata.labels[LABELS.team] as string;
        return {
            team,
            user: u.inputs.metadata.name,
            topics: topics
                .filter((t) => t.inputs.metadata.labels[LABELS.team] === team)
                .map((t) => `${t.inputs.metadata.name} (${t.inputs.spec.partitions}x${t.inputs.spec.replicas})`),
            acls: (u.inputs.spec.authorization?.acls ?? []).map(
                (a: any) => `${a.type ?? "allow"} ${a.operations.join(",")} on ${a.resource.type} ${a.resource.name}${a.resource.patternType === "prefix" ? "*" : ""}`,
            ),
        };
    });
}
