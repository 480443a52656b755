// Reachability under NetworkPolicy (networking.k8s.io/v1) as a conforming CNI enforces it: a connection is allowed
// when the source's egress policies allow it (or none selects the source) AND the target's ingress policies allow it
// (or none selects the target). Policies are unions of allow rules; the empty rule list of a selected policy denies.
// Evaluated on the pods' rendered labels and container ports, never on the program's intent.
import { allContainers, ContainerPort, PodTemplate } from "./pods";
import { LabelSelector, matches, namespaceLabels } from "./selectors";
import type { K8sObject } from "./types";

/** A pod as NetworkPolicy sees it: its namespace, labels and (for named ports) container ports. */
export interface PodRef {
    namespace: string;
    labels: Record<string, string>;
    ports?: ContainerPort[];
    /** Pod IP, when an ipBlock should be able to match it (pod IPs are unknown offline, so usually absent). */
    ip?: string;
    /** Runs in the node's network namespace: NetworkPolicies do not select it, and peers see the node's address. */
    hostNetwork?: boolean;
    /** Shown in explanations. */
    name?: string;
}

export type Protocol = "TCP" | "UDP" | "SCTP";

export function podRef(p: PodTemplate): PodRef {
    return {
        namespace: p.namespace,
        labels: p.labels,
        ports: allContainers(p.spec).flatMap(({ container }) => container.ports ?? []),
        ...(p.spec.hostNetwork ? { hostNetwork: true } : {}),
        name: p.role ? `${p.object} (${p.role})` : p.object,
    };
}

interface PolicyPort {
    port?: number | string;
    endPort?: number;
    protocol?: string;
}

interface Peer {
    podSelector?: LabelSelector;
    namespaceSelector?: LabelSelector;
    ipBlock?: { cidr: string; except?: string[] };
}

interface Rule {
    ports?: PolicyPort[];
    from?: Peer[];
    to?: Peer[];
}

/** IPv4 address as a 32-bit number; undefined for anything else (IPv6 is not modelled). */
function ipv4(ip: string): number | undefined {
    const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(ip);
    if (!m) return undefined;
    const parts = m.slice(1).map(Number);
    return parts.some((x) => x > 255) ? undefined : ((parts[0] << 24) >>> 0) + (parts[1] << 16) + (parts[2] << 8) + parts[3];
}

export function inCidr(ip: string, cidr: string): boolean {
    const [base, bitsText] = cidr.split("/");
    const a = ipv4(ip);
    const b = ipv4(base);
    const bits = Number(bitsText ?? 32);
    if (a === undefined || b === undefined) return false;
    if (bits === 0) return true;
    const mask = (~0 << (32 - bits)) >>> 0;
    return (a & mask) >>> 0 === (b & mask) >>> 0;
}

function inBlock(ip: string, block: { cidr: string; except?: string[] }): boolean {
    return inCidr(ip, block.cidr) && !(block.except ?? []).some((e) => inCidr(ip, e));
}

function policiesOf(objects: K8sObject[], pod: PodRef, type: "Ingress" | "Egress"): K8sObject[] {
    if (pod.hostNetwork) return [];
    return objects.filter((o) => {
        if (o.kind !== "NetworkPolicy" || (o.metadata.namespace ?? "default") !== pod.namespace) return false;
        const spec = o.spec ?? {};
        // policyTypes defaults to Ingress, plus Egress when the policy has egress rules.
        const types: string[] = spec.policyTypes ?? ["Ingress", ...(spec.egress ? ["Egress"] : [])];
        return types.includes(type) && matches(spec.podSelector ?? {}, pod.labels);
    });
}

/** Whether a peer selects the pod (policyNamespace: where the policy lives, for a bare podSelector). */
function peerMatchesPod(objects: K8sObject[], peer: Peer, policyNamespace: string, pod: PodRef): boolean {
    if (peer.ipBlock || pod.hostNetwork) {
        return peer.ipBlock !== undefined && pod.ip !== undefined && inBlock(pod.ip, peer.ipBlock);
    }
    const nsOk = peer.namespaceSelector ? matches(peer.namespaceSelector, namespaceLabels(objects, pod.namespace)) : pod.namespace === policyNamespace;
    return nsOk && matches(peer.podSelector ?? {}, pod.labels);
}

/** Named ports resolve against the destination pod's container ports (NetworkPolicyPort semantics). */
function portMatches(ports: PolicyPort[] | undefined, port: number, protocol: Protocol, dest?: PodRef): boolean {
    if (!ports || ports.length === 0) return true;
    return ports.some((p) => {
        if ((p.protocol ?? "TCP") !== protocol) return false;
        if (p.port === undefined) return true;
        if (typeof p.port === "number") {
            return p.endPort !== undefined ? port >= p.port && port <= p.endPort : port === p.port;
        }
        if (/^\d+$/.test(p.port)) return Number(p.port) === port;
        return (dest?.ports ?? []).some((cp) => cp.name === p.port && cp.containerPort === port && (cp.protocol ?? "TCP") === protocol);
    });
}

export interface ReachResult {
    allowed: boolean;
    egress: string;
    ingress: string;
}

const names = (ps: K8sObject[]) => ps.map((p) => p.metadata.name).join(", ");

function egressVerdict(objects: K8sObject[], from: PodRef, port: number, protocol: Protocol, peer: (p: Peer, ns: string) => boolean, dest?: PodRef): { ok: boolean; why: string } {
    const pols = policiesOf(objects, from, "Egress");
    if (pols.length === 0) return { ok: true, why: "no egress policy selects the source" };
    const by = pols.find((pol) =>
        ((pol.spec.egress ?? []) as Rule[]).some((r) => portMatches(r.ports, port, protocol, dest) && (!r.to || r.to.length === 0 || r.to.some((p) => peer(p, pol.metadata.namespace ?? "default")))),
    );
    return by ? { ok: true, why: `egress allowed by ${by.metadata.name}` } : { ok: false, why: `egress denied (policies selecting the source: ${names(pols)})` };
}

/** Whether `from` can open a connection to `to` on `port` (a number; named ports are resolved by the policies). */
export function explainReach(objects: K8sObject[], from: PodRef, to: PodRef, port: number, protocol: Protocol = "TCP"): ReachResult {
    const e = egressVerdict(objects, from, port, protocol, (p, ns) => peerMatchesPod(objects, p, ns, to), to);
    const ipols = policiesOf(objects, to, "Ingress");
    let ingress: { ok: boolean; why: string };
    if (ipols.length === 0) {
        ingress = { ok: true, why: "no ingress policy selects the target" };
    } else {
        const by = ipols.find((pol) =>
            ((pol.spec.ingress ?? []) as Rule[]).some(
                (r) => portMatches(r.ports, port, protocol, to) && (!r.from || r.from.length === 0 || r.from.some((p) => peerMatchesPod(objects, p, pol.metadata.namespace ?? "default", from))),
            ),
        );
        ingress = by ? { ok: true, why: `ingress allowed by ${by.metadata.name}` } : { ok: false, why: `ingress denied (policies selecting the target: ${names(ipols)})` };
    }
    return { allowed: e.ok && ingress.ok, egress: e.why, ingress: ingress.why };
}

export function canReach(objects: K8sObject[], from: PodRef, to: PodRef, port: number, protocol: Protocol = "TCP"): boolean {
    return explainReach(objects, from, to, port, protocol).allowed;
}

/** Egress from a pod to an address outside the cluster's pods (API server, object store, database, internet). */
export function explainReachCidr(objects: K8sObject[], from: PodRef, ip: string, port: number, protocol: Protocol = "TCP"): ReachResult {
    const e = egressVerdict(objects, from, port, protocol, (p) => p.ipBlock !== undefined && inBlock(ip, p.ipBlock));
    return { allowed: e.ok, egress: e.why, ingress: "outside the cluster's NetworkPolicies" };
}

export function canReachCidr(objects: K8sObject[], from: PodRef, ip: string, port: number, protocol: Protocol = "TCP"): boolean {
    return explainReachCidr(objects, from, ip, port, protocol).allowed;
}

/** The number of a container port by name on a pod (undefined when the pod has no such port). */
export function resolvePort(pod: PodRef, port: number | string, protocol: Protocol = "TCP"): number | undefined {
    if (typeof port === "number") return port;
    if (/^\d+$/.test(port)) return Number(port);
    return pod.ports?.find((p) => p.name === port && (p.protocol ?? "TCP") === protocol)?.containerPort;
}
