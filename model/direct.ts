// The Kubernetes objects the program creates itself, as the API server would hold them, from the mocks' records.
import type { RecordedResource } from "../tests/harness";
import { CLUSTER_SCOPED_KINDS } from "./render";
import type { K8sObject } from "./types";

/** Resource types that are not objects in the cluster (Helm releases are rendered; CRD groups are announced). */
const NOT_OBJECTS = new Set(["kubernetes:helm.sh/v3:Release", "kubernetes:yaml/v2:ConfigGroup", "pulumi:providers:kubernetes"]);

/** `kubernetes:<group>/<version>:<Kind>` to apiVersion and kind; `*Patch` types patch an object of the base kind. */
export function typeToKind(type: string): { apiVersion: string; kind: string; patch: boolean } | undefined {
    const m = /^kubernetes:([^/]+)\/([^:]+):(\w+)$/.exec(type);
    if (!m || NOT_OBJECTS.has(type)) {
        return undefined;
    }
    const patch = m[3].endsWith("Patch");
    return { apiVersion: m[1] === "core" ? m[2] : `${m[1]}/${m[2]}`, kind: patch ? m[3].slice(0, -"Patch".length) : m[3], patch };
}

export interface DirectObject {
    object: K8sObject;
    /** The Pulumi resource name. */
    resource: string;
    /** A patch of an object the cluster creates itself (the `default` ServiceAccount). */
    patch: boolean;
}

export function directObjects(resources: readonly RecordedResource[]): DirectObject[] {
    const out: DirectObject[] = [];
    for (const r of resources) {
        const t = typeToKind(r.type);
        if (!t || !r.custom) {
            continue;
        }
        const inputs = structuredClone(r.inputs) as Record<string, any>;
        const metadata = { ...(inputs.metadata ?? {}) };
        // Pulumi auto-names objects without metadata.name from the resource name.
        metadata.name ??= r.name;
        if (!CLUSTER_SCOPED_KINDS.has(t.kind)) {
            metadata.namespace ??= "default";
        }
        out.push({ object: { ...inputs, apiVersion: t.apiVersion, kind: t.kind, metadata }, resource: r.name, patch: t.patch });
    }
    return out;
}
