// ResourceQuota fit: what each namespace would hold at peak (every pod times its replicas plus a rolling update's
// surge, operator pods and Airflow's task capacity included), with the namespace's LimitRange defaults applied to
// containers that set no requests or limits, against the hard limits of every ResourceQuota in the namespace.
import { allContainers, Container, podName, PodSpec, PodTemplate, podTemplates } from "./pods";
import { cpuMillis, formatBytes, formatCpu, parseQuantity } from "./quantity";
import type { K8sObject } from "./types";

/** Quota resources this check computes (ResourceQuota spec.hard keys). */
export const QUOTA_RESOURCES = ["requests.cpu", "requests.memory", "limits.cpu", "limits.memory", "pods", "persistentvolumeclaims", "requests.storage"] as const;
export type QuotaResource = (typeof QUOTA_RESOURCES)[number];

/** `cpu` and `memory` in spec.hard mean the requests. */
const ALIASES: Record<string, QuotaResource> = { cpu: "requests.cpu", memory: "requests.memory" };

export interface Use {
    /** Millicores for cpu, bytes for memory and storage, counts otherwise. */
    value: number;
    /** The pods (and claims) that contribute, largest first, for the message. */
    parts: { object: string; value: number }[];
}

export interface QuotaRow {
    namespace: string;
    /** Quota object the hard limit comes from (absent when the namespace has none for this resource). */
    quota?: string;
    resource: QuotaResource;
    used: string;
    hard?: string;
    /** used / hard, 0..∞ (undefined without a hard limit). */
    ratio?: number;
}

export interface QuotaFinding {
    namespace: string;
    object: string;
    resource: QuotaResource | "limitrange";
    message: string;
}

export interface QuotaReport {
    rows: QuotaRow[];
    findings: QuotaFinding[];
}

interface Defaults {
    defaultRequest: Record<string, string>;
    default: Record<string, string>;
}

/** The Container-type LimitRange defaults of a namespace (several LimitRanges: the first setting a key wins). */
function limitDefaults(objects: K8sObject[], namespace: string): Defaults {
    const out: Defaults = { defaultRequest: {}, default: {} };
    for (const lr of objects.filter((o) => o.kind === "LimitRange" && o.metadata.namespace === namespace)) {
        for (const item of lr.spec?.limits ?? []) {
            if (item.type !== "Container") continue;
            out.defaultRequest = { ...item.defaultRequest, ...out.defaultRequest };
            out.default = { ...item.default, ...out.default };
        }
    }
    return out;
}

type Amounts = { rc: number; rm: number; lc: number; lm: number };

/**
 * A container's requests and limits after admission: API defaulting copies a limit to a missing request, then the
 * LimitRanger fills still-missing limits from `default` and requests from `defaultRequest` (falling back to `default`).
 */
function containerAmounts(c: Container, d: Defaults): Amounts {
    const req = { ...(c.resources?.requests ?? {}) };
    const lim = { ...(c.resources?.limits ?? {}) };
    for (const r of ["cpu", "memory"] as const) {
        if (req[r] === undefined && lim[r] !== undefined) req[r] = lim[r];
        if (lim[r] === undefined && d.default[r] !== undefined) lim[r] = d.default[r];
        if (req[r] === undefined) req[r] = d.defaultRequest[r] ?? d.default[r];
    }
    const cpu = (v: unknown) => (v === undefined ? 0 : cpuMillis(v as string));
    const mem = (v: unknown) => (v === undefined ? 0 : parseQuantity(v as string));
    return { rc: cpu(req.cpu), rm: mem(req.memory), lc: cpu(lim.cpu), lm: mem(lim.memory) };
}

/**
 * The pod's effective amounts as quota counts them: the larger of the app containers (plus restartable init
 * "sidecar" containers) and the largest ordinary init container (plus the sidecars started before it).
 */
export function podAmounts(spec: PodSpec, d: Defaults): Amounts {
    const zero: Amounts = { rc: 0, rm: 0, lc: 0, lm: 0 };
    const add = (a: Amounts, b: Amounts): Amounts => ({ rc: a.rc + b.rc, rm: a.rm + b.rm, lc: a.lc + b.lc, lm: a.lm + b.lm });
    const max = (a: Amounts, b: Amounts): Amounts => ({ rc: Math.max(a.rc, b.rc), rm: Math.max(a.rm, b.rm), lc: Math.max(a.lc, b.lc), lm: Math.max(a.lm, b.lm) });
    let sidecars = zero;
    let initPeak = zero;
    for (const c of spec.initContainers ?? []) {
        const a = containerAmounts(c, d);
        if (c.restartPolicy === "Always") {
            sidecars = add(sidecars, a);
        } else {
            initPeak = max(initPeak, add(a, sidecars));
        }
    }
    const app = (spec.containers ?? []).reduce((acc, c) => add(acc, containerAmounts(c, d)), sidecars);
    return max(app, initPeak);
}

function formatValue(resource: QuotaResource, v: number): string {
    if (resource.endsWith(".cpu")) return formatCpu(v);
    if (resource.endsWith(".memory") || resource === "requests.storage") return formatBytes(v);
    return String(v);
}

function hardValue(resource: QuotaResource, q: string | number): number {
    return resource.endsWith(".cpu") ? cpuMillis(q) : parseQuantity(q);
}

/** What every namespace would use at peak, per quota resource. */
export function namespaceUse(objects: K8sObject[], pods: PodTemplate[]): Map<string, Record<QuotaResource, Use>> {
    const out = new Map<string, Record<QuotaResource, Use>>();
    const get = (ns: string) => {
        let u = out.get(ns);
        if (!u) {
            u = Object.fromEntries(QUOTA_RESOURCES.map((r) => [r, { value: 0, parts: [] }])) as unknown as Record<QuotaResource, Use>;
            out.set(ns, u);
        }
        return u;
    };
    const put = (u: Use, object: string, value: number) => {
        if (value === 0) return;
        u.value += value;
        u.parts.push({ object, value });
    };
    const defaults = new Map<string, Defaults>();
    for (const p of pods) {
        if (!defaults.has(p.namespace)) defaults.set(p.namespace, limitDefaults(objects, p.namespace));
        const a = podAmounts(p.spec, defaults.get(p.namespace)!);
        const n = p.replicas + p.surge;
        const u = get(p.namespace);
        const name = podName(p);
        put(u["requests.cpu"], name, a.rc * n);
        put(u["requests.memory"], name, a.rm * n);
        put(u["limits.cpu"], name, a.lc * n);
        put(u["limits.memory"], name, a.lm * n);
        put(u.pods, name, n);
        // Claims from templates stay with each replica; a surge pod of a StatefulSet never exists.
        put(u.persistentvolumeclaims, name, p.claims.length * p.replicas);
        put(u["requests.storage"], name, p.claims.reduce((acc, s) => acc + parseQuantity(s), 0) * p.replicas);
    }
    for (const pvc of objects.filter((o) => o.kind === "PersistentVolumeClaim")) {
        const u = get(pvc.metadata.namespace ?? "default");
        const name = `PersistentVolumeClaim/${pvc.metadata.name}`;
        put(u.persistentvolumeclaims, name, 1);
        put(u["requests.storage"], name, parseQuantity(pvc.spec?.resources?.requests?.storage ?? "0"));
    }
    for (const u of out.values()) {
        for (const r of QUOTA_RESOURCES) u[r].parts.sort((a, b) => b.value - a.value);
    }
    return out;
}

/** Per-namespace use against every ResourceQuota's hard limits; a finding for each limit exceeded. */
export function checkQuotas(objects: K8sObject[], pods: PodTemplate[] = podTemplates(objects)): QuotaReport {
    const use = namespaceUse(objects, pods);
    const rows: QuotaRow[] = [];
    const findings: QuotaFinding[] = [];
    const quotas = objects.filter((o) => o.kind === "ResourceQuota");
    const namespaces = [...new Set([...use.keys(), ...quotas.map((q) => q.metadata.namespace ?? "default")])].sort();
    for (const ns of namespaces) {
        const u = use.get(ns);
        const nsQuotas = quotas.filter((q) => (q.metadata.namespace ?? "default") === ns);
        for (const r of QUOTA_RESOURCES) {
            const used = u?.[r].value ?? 0;
            const limits = nsQuotas.flatMap((q) =>
                Object.entries((q.spec?.hard ?? {}) as Record<string, string>)
                    .filter(([k]) => (ALIASES[k] ?? k) === r)
                    .map(([, v]) => ({ quota: q.metadata.name, hard: hardValue(r, v), text: String(v) })),
            );
            if (limits.length === 0) {
                if (used > 0) rows.push({ namespace: ns, resource: r, used: formatValue(r, used) });
                continue;
            }
            for (const l of limits) {
                rows.push({ namespace: ns, quota: l.quota, resource: r, used: formatValue(r, used), hard: l.text, ratio: l.hard === 0 ? (used > 0 ? Infinity : 0) : used / l.hard });
                if (used > l.hard) {
                    const top = (u?.[r].parts ?? []).slice(0, 4).map((p) => `${p.object} ${formatValue(r, p.value)}`).join(", ");
                    findings.push({
                        namespace: ns,
                        object: `ResourceQuota/${l.quota}`,
                        resource: r,
                        message: `${r} needs ${formatValue(r, used)} at peak but the quota allows ${l.text} (largest: ${top})`,
                    });
                }
            }
        }
        // Quotas on cpu/memory limits refuse pods without limits; without LimitRange defaults such pods never start.
        const tracksLimits = nsQuotas.some((q) => Object.keys(q.spec?.hard ?? {}).some((k) => k.startsWith("limits.")));
        const d = limitDefaults(objects, ns);
        if (tracksLimits && (d.default.cpu === undefined || d.default.memory === undefined)) {
            for (const p of pods.filter((x) => x.namespace === ns)) {
                for (const { container } of allContainers(p.spec)) {
                    const lim = container.resources?.limits ?? {};
                    const missing = (["cpu", "memory"] as const).filter((k) => lim[k] === undefined && d.default[k] === undefined);
                    if (missing.length > 0) {
                        findings.push({
                            namespace: ns,
                            object: podName(p),
                            resource: "limitrange",
                            message: `container ${container.name} has no ${missing.join("/")} limit and no LimitRange default: the quota refuses the pod`,
                        });
                    }
                }
            }
        }
    }
    return { rows, findings };
}
