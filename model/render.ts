// Renders one Helm release the way the program registers it: the exact chart and version (or a named stand-in), the
// release name and namespace, the values (secrets as placeholders), the stack's Kubernetes version and the API
// versions of the CRDs the platform installs.
import { execFile } from "child_process";
import { parseAllDocuments } from "yaml";
import type { K8sObject, RenderedRelease } from "./types";
import type { ChartRef } from "../stacks/catalog";
import { chartName, resolveChart, verifyChart } from "./charts";
import type { HelmBinary } from "./helm";

/** What the program passes to a helm.v3.Release, as the mocks record it. */
export interface ReleaseInput {
    name: string;
    chart: string;
    version: string;
    namespace: string;
    repositoryOpts?: { repo?: string };
    values?: Record<string, unknown>;
    skipCrds?: boolean;
}

export interface RenderOptions {
    helm: HelmBinary;
    chartDir: string;
    /** Minor version, e.g. "1.34". */
    kubeVersion: string;
    /** `group/version` or `group/version/Kind` entries for CRDs the cluster will serve. */
    apiVersions: readonly string[];
}

/** Kinds the API server stores without a namespace; everything else a chart emits lands in the release namespace. */
export const CLUSTER_SCOPED_KINDS: ReadonlySet<string> = new Set([
    "APIService",
    "CSIDriver",
    "ClusterIssuer",
    "ClusterRole",
    "ClusterRoleBinding",
    "CustomResourceDefinition",
    "GatewayClass",
    "IngressClass",
    "MutatingWebhookConfiguration",
    "Namespace",
    "Node",
    "PersistentVolume",
    "PriorityClass",
    "RuntimeClass",
    "StorageClass",
    "ValidatingAdmissionPolicy",
    "ValidatingAdmissionPolicyBinding",
    "ValidatingWebhookConfiguration",
    "VolumeAttachment",
]);

export const SECRET_PLACEHOLDER = "rendered-offline-secret";

/** Replaces the values at the recorded secret paths (`values.a.b`, `values.list[0]`) with a placeholder. */
export function maskSecrets(values: Record<string, unknown>, secretPaths: readonly string[]): Record<string, unknown> {
    const copy = structuredClone(values);
    for (const p of secretPaths) {
        if (!p.startsWith("values.")) {
            continue;
        }
        const parts = p.slice("values.".length).split(/\.|\[(\d+)\]/).filter((x) => x !== undefined && x !== "");
        let at: any = copy;
        for (const part of parts.slice(0, -1)) {
            at = at?.[part];
        }
        const last = parts[parts.length - 1];
        if (at && typeof at === "object" && last in at) {
            at[last] = typeof at[last] === "object" && at[last] !== null ? at[last] : SECRET_PLACEHOLDER;
        }
    }
    return copy;
}

export function templateArgs(
    input: ReleaseInput,
    chartFile: string,
    opts: Pick<RenderOptions, "kubeVersion" | "apiVersions">,
    standIn: boolean = false,
): string[] {
    return [
        "template",
        input.name,
        chartFile,
        "--namespace",
        input.namespace,
        "--kube-version",
        `v${opts.kubeVersion}.0`,
        ...opts.apiVersions.flatMap((v) => ["--api-versions", v]),
        ...(input.skipCrds ? ["--skip-crds"] : ["--include-crds"]),
        // A stand-in's schema rejects the keys added after it; the pinned chart's own schema is the one that counts.
        ...(standIn ? ["--skip-schema-validation"] : []),
        "--values",
        "-",
    ];
}

/** Parses helm's multi-document output, placing namespaced objects in the release namespace as Helm's install does. */
export function parseManifests(text: string, namespace: string): K8sObject[] {
    const objects: K8sObject[] = [];
    for (const doc of parseAllDocuments(text)) {
        if (doc.errors.length > 0) {
            throw new Error(`helm output is not valid YAML: ${doc.errors[0].message}`);
        }
        const o = doc.toJS() as K8sObject | null;
        if (!o || typeof o !== "object") {
            continue;
        }
        const items = o.kind?.endsWith("List") && Array.isArray(o.items) ? (o.items as K8sObject[]) : [o];
        for (const item of items) {
            if (!CLUSTER_SCOPED_KINDS.has(item.kind) && !item.metadata.namespace) {
                item.metadata.namespace = namespace;
            }
            objects.push(item);
        }
    }
    return objects;
}

function run(bin: string, args: string[], stdin: string): Promise<string> {
    return new Promise((resolve, reject) => {
        const child = execFile(bin, args, { maxBuffer: 256 * 1024 * 1024 }, (err, stdout, stderr) => {
            if (err) {
                reject(new Error(`helm ${args.slice(0, 3).join(" ")} failed: ${stderr.trim() || err.message}`));
            } else {
                resolve(stdout);
            }
        });
        child.stdin!.end(stdin);
    });
}

export interface RenderResult extends RenderedRelease {
    /** Notes for the reader: stand-ins, unverified archives. */
    warnings: string[];
}

export async function renderRelease(input: ReleaseInput, opts: RenderOptions): Promise<RenderResult> {
    const ref: ChartRef = { chart: input.chart, repo: input.repositoryOpts?.repo, version: input.version, releaseName: input.name };
    const resolved = resolveChart(ref, input.version, opts.chartDir);
    const warnings: string[] = [];
    const unverified = verifyChart(resolved.file, chartName(ref), resolved.version);
    if (unverified) {
        warnings.push(unverified);
    }
    if (resolved.standIn) {
        warnings.push(`${input.name}: rendered with a stand-in chart, without its values schema: ${resolved.standIn}`);
    }
    const text = await run(opts.helm.path, templateArgs(input, resolved.file, opts, resolved.standIn !== undefined), JSON.stringify(input.values ?? {}));
    return {
        release: input.name,
        namespace: input.namespace,
        chart: chartName(ref),
        version: input.version,
        renderedVersion: resolved.version,
        ...(resolved.standIn ? { standIn: resolved.standIn } : {}),
        objects: parseManifests(text, input.namespace),
        warnings,
    };
}
