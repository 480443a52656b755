// The plan's rendered view (`--render`): per Helm release what helm renders with the program's values, and how a
// change (a chart bump, a values change) changes those objects: new or removed objects, changed images, RBAC rules.
import type { BuiltModel } from "../model";
import type { K8sObject } from "../model/types";
import { changedPaths } from "./plan-diff";

export interface RenderedObject {
    release: string;
    kind: string;
    namespace: string;
    name: string;
    /** The object as rendered; Secret data is reduced to its keys (charts may generate values on every render). */
    object: K8sObject;
}

export interface RenderedSummary {
    releases: { release: string; chart: string; version: string; renderedVersion: string; standIn?: string }[];
    objects: RenderedObject[];
}

export interface RenderedDiff {
    added: string[];
    removed: string[];
    changed: { object: string; paths: string[] }[];
    images: { object: string; before: string[]; after: string[] }[];
    rbac: { object: string; added: string[]; removed: string[] }[];
}

const POD_TEMPLATE_PATHS: Record<string, (o: K8sObject) => any> = {
    Pod: (o) => o.spec,
    Deployment: (o) => o.spec?.template?.spec,
    StatefulSet: (o) => o.spec?.template?.spec,
    DaemonSet: (o) => o.spec?.template?.spec,
    ReplicaSet: (o) => o.spec?.template?.spec,
    Job: (o) => o.spec?.template?.spec,
    CronJob: (o) => o.spec?.jobTemplate?.spec?.template?.spec,
};

/** Container images of a pod-bearing object, init containers included. */
export function imagesOf(o: K8sObject): string[] {
    const spec = POD_TEMPLATE_PATHS[o.kind]?.(o);
    if (!spec) {
        return [];
    }
    return [...(spec.initContainers ?? []), ...(spec.containers ?? [])].map((c: { name: string; image: string }) => `${c.name}=${c.image}`);
}

/** RBAC rules of a Role or ClusterRole, one line each: `verbs apiGroup/resources`. */
export function rulesOf(o: K8sObject): string[] {
    if (o.kind !== "Role" && o.kind !== "ClusterRole") {
        return [];
    }
    return ((o.rules ?? []) as { verbs?: string[]; apiGroups?: string[]; resources?: string[]; resourceNames?: string[]; nonResourceURLs?: string[] }[]).flatMap((r) =>
        r.nonResourceURLs
            ? [`${(r.verbs ?? []).join(",")} ${r.nonResourceURLs.join(",")}`]
            : (r.apiGroups ?? [""]).flatMap((g) =>
                  (r.resources ?? []).map((res) => `${(r.verbs ?? []).join(",")} ${g || "core"}/${res}${r.resourceNames ? `[${r.resourceNames.join(",")}]` : ""}`),
              ),
    );
}

function stable(o: K8sObject): K8sObject {
    if (o.kind !== "Secret") {
        return o;
    }
    const keysOnly = (d?: Record<string, string>) => (d ? Object.fromEntries(Object.keys(d).map((k) => [k, "[data]"])) : undefined);
    const { data, stringData, ...rest } = o;
    return { ...rest, ...(data ? { data: keysOnly(data) } : {}), ...(stringData ? { stringData: keysOnly(stringData) } : {}) } as K8sObject;
}

export function renderedSummary(model: Pick<BuiltModel, "releases">): RenderedSummary {
    return {
        releases: model.releases.map((r) => ({
            release: r.release,
            chart: r.chart,
            version: r.version,
            renderedVersion: r.renderedVersion,
            ...(r.standIn ? { standIn: r.standIn } : {}),
        })),
        objects: model.releases.flatMap((r) =>
            r.objects.map((o) => ({ release: r.release, kind: o.kind, namespace: o.metadata.namespace ?? "", name: o.metadata.name, object: stable(o) })),
        ),
    };
}

const objectKey = (o: Pick<RenderedObject, "release" | "kind" | "namespace" | "name">) => `${o.release}: ${o.kind} ${o.namespace ? `${o.namespace}/` : ""}${o.name}`;

export function diffRendered(base: RenderedSummary, current: RenderedSummary): RenderedDiff {
    const before = new Map(base.objects.map((o) => [objectKey(o), o]));
    const after = new Map(current.objects.map((o) => [objectKey(o), o]));
    const diff: RenderedDiff = { added: [], removed: [], changed: [], images: [], rbac: [] };
    for (const [k, o] of after) {
        const old = before.get(k);
        if (!old) {
            diff.added.push(k);
            continue;
        }
        const paths = changedPaths(old.object, o.object);
        if (paths.length > 0) {
            diff.changed.push({ object: k, paths });
        }
        const [imagesBefore, imagesAfter] = [imagesOf(old.object), imagesOf(o.object)];
        if (JSON.stringify(imagesBefore) !== JSON.stringify(imagesAfter)) {
            diff.images.push({ object: k, before: imagesBefore, after: imagesAfter });
        }
        const [rulesBefore, rulesAfter] = [rulesOf(old.object), rulesOf(o.object)];
        const added = rulesAfter.filter((r) => !rulesBefore.includes(r));
        const removed = rulesBefore.filter((r) => !rulesAfter.includes(r));
        if (added.length + removed.length > 0) {
            diff.rbac.push({ object: k, added, removed });
        }
    }
    for (const k of before.keys()) {
        if (!after.has(k)) {
            diff.removed.push(k);
        }
    }
    // Objects a change brings or takes away count in the RBAC and image views too.
    for (const [k, o, sign] of [...diff.added.map((k) => [k, after.get(k)!, "+"] as const), ...diff.removed.map((k) => [k, before.get(k)!, "-"] as const)]) {
        const rules = rulesOf(o.object);
        if (rules.length > 0) {
            diff.rbac.push({ object: k, added: sign === "+" ? rules : [], removed: sign === "-" ? rules : [] });
        }
        const images = imagesOf(o.object);
        if (images.length > 0) {
            diff.images.push({ object: k, before: sign === "-" ? images : [], after: sign === "+" ? images : [] });
        }
    }
    return diff;
}

export function formatRenderedDiff(d: RenderedDiff, markdown: boolean): string {
    const code = (s: string) => (markdown ? `\`${s}\`` : s);
    const bullet = markdown ? "- " : "";
    return [
        markdown ? "#### Rendered objects" : "Rendered objects:",
        ...d.added.map((k) => `${bullet}+ ${code(k)}`),
        ...d.removed.map((k) => `${bullet}- ${code(k)}`),
        ...d.changed.map((c) => `${bullet}~ ${code(c.object)}: ${c.paths.map(code).join(", ")}`),
        ...d.images.map((i) => `${bullet}image ${code(i.object)}: ${i.before.join(" ") || "(none)"} -> ${i.after.join(" ") || "(none)"}`),
        ...d.rbac.flatMap((r) => [...r.added.map((x) => `${bullet}rbac + ${code(r.object)}: ${x}`), ...r.removed.map((x) => `${bullet}rbac - ${code(r.object)}: ${x}`)]),
        `${d.added.length} objects added, ${d.removed.length} removed, ${d.changed.length} changed; ${d.images.length} image changes; ${d.rbac.length} RBAC changes.`,
    ].join("\n");
}

/** The `--render` text view: per release what was rendered, with notes on stand-ins and unverified charts. */
export function formatRendered(model: Pick<BuiltModel, "stack" | "releases" | "warnings" | "kubeVersion" | "helm">, findings: string[] = []): string {
    const lines = [
        `Rendered model for stack "${model.stack}": helm ${model.helm.version} (${model.helm.source}), Kubernetes ${model.kubeVersion}.`,
        ...model.warnings.map((w) => `note: ${w}`),
        "",
    ];
    for (const r of model.releases) {
        const kinds = new Map<string, number>();
        for (const o of r.objects) {
            kinds.set(o.kind, (kinds.get(o.kind) ?? 0) + 1);
        }
        const version = r.renderedVersion === r.version ? r.version : `${r.version} (rendered ${r.renderedVersion})`;
        lines.push(`${r.release} (${r.chart} ${version}, namespace ${r.namespace}): ${r.objects.length} objects`);
        lines.push(`  ${[...kinds.entries()].sort().map(([k, n]) => `${k} ${n}`).join(", ")}`);
        for (const o of r.objects.filter((x) => imagesOf(x).length > 0)) {
            lines.push(`  ${o.kind} ${o.metadata.name}: ${imagesOf(o).join(" ")}`);
        }
    }
    if (findings.length > 0) {
        lines.push("", ...findings);
    }
    return lines.join("\n");
}
