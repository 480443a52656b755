// Compares two offline plans (`npm run plan -- --json` output): which resources were added, removed or changed, and for
// changed ones which input paths (a chart bump shows as `version` of that Release). Options show as `opts.<name>`.
import type { PlanRow } from "./plan";
import { formatRenderedDiff, RenderedDiff, RenderedSummary } from "./plan-render";

export interface PlanJson {
    stack: string;
    offline: boolean;
    resources: PlanRow[];
    /** With --render: what helm renders for each release. */
    rendered?: RenderedSummary;
}

export interface ResourceChange {
    type: string;
    name: string;
    paths: string[];
}

export interface PlanDiff {
    added: { type: string; name: string }[];
    removed: { type: string; name: string }[];
    changed: ResourceChange[];
    unchanged: number;
    /** With --render on both sides: how the rendered objects change. */
    rendered?: RenderedDiff;
}

const key = (r: { type: string; name: string }) => `${r.type}::${r.name}`;

function isObject(v: unknown): v is Record<string, unknown> {
    return v !== null && typeof v === "object" && !Array.isArray(v);
}

/** Leaf paths where `a` and `b` differ (`values.airflow.image.tag`, `args[2]`). */
export function changedPaths(a: unknown, b: unknown, at = ""): string[] {
    if (isObject(a) && isObject(b)) {
        const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
        return keys.flatMap((k) => changedPaths(a[k], b[k], at ? `${at}.${k}` : k));
    }
    if (Array.isArray(a) && Array.isArray(b)) {
        const n = Math.max(a.length, b.length);
        return Array.from({ length: n }, (_, i) => changedPaths(a[i], b[i], `${at}[${i}]`)).flat();
    }
    return JSON.stringify(a) === JSON.stringify(b) ? [] : [at];
}

function rowChanges(base: PlanRow, current: PlanRow): string[] {
    const opts = (r: PlanRow) => ({
        parent: r.parent,
        provider: r.provider,
        dependsOn: [...r.dependsOn].sort(),
        protect: r.protect,
        ignoreChanges: [...r.ignoreChanges].sort(),
        secretInputs: [...r.secretInputs].sort(),
    });
    return [...changedPaths(base.inputs, current.inputs), ...changedPaths(opts(base), opts(current)).map((p) => `opts.${p.replace(/\[\d+\]$/, "")}`)].filter(
        (p, i, all) => all.indexOf(p) === i,
    );
}

export function diffPlans(base: PlanJson, current: PlanJson): PlanDiff {
    const before = new Map(base.resources.map((r) => [key(r), r]));
    const after = new Map(current.resources.map((r) => [key(r), r]));
    const diff: PlanDiff = { added: [], removed: [], changed: [], unchanged: 0 };
    for (const [k, r] of after) {
        const old = before.get(k);
        if (!old) {
            diff.added.push({ type: r.type, name: r.name });
            continue;
        }
        const paths = rowChanges(old, r);
        if (paths.length > 0) {
            diff.changed.push({ type: r.type, name: r.name, paths });
        } else {
            diff.unchanged++;
        }
    }
    for (const [k, r] of before) {
        if (!after.has(k)) {
            diff.removed.push({ type: r.type, name: r.name });
        }
    }
    return diff;
}

export function diffSummary(d: PlanDiff): string {
    return `${d.added.length} added, ${d.removed.length} removed, ${d.changed.length} changed, ${d.unchanged} unchanged.`;
}

export function formatDiffText(d: PlanDiff, title: string): string {
    return [
        title,
        ...d.added.map((r) => `+ ${key(r)}`),
        ...d.removed.map((r) => `- ${key(r)}`),
        ...d.changed.map((r) => `~ ${key(r)}: ${r.paths.join(", ")}`),
        diffSummary(d),
        ...(d.rendered ? [formatRenderedDiff(d.rendered, false)] : []),
    ].join("\n");
}

export function formatDiffMarkdown(d: PlanDiff, title: string): string {
    const code = (s: string) => `\`${s}\``;
    return [
        `### ${title}`,
        "",
        ...d.added.map((r) => `- ➕ added ${code(key(r))}`),
        ...d.removed.map((r) => `- ➖ removed ${code(key(r))}`),
        ...d.changed.map((r) => `- ✏️ changed ${code(key(r))}: ${r.paths.map(code).join(", ")}`),
        "",
        diffSummary(d),
        ...(d.rendered ? ["", formatRenderedDiff(d.rendered, true)] : []),
    ].join("\n");
}
