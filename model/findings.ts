// All checks on the rendered model in one table: Pod Security, quota fit, journeys (reachability), access (what can
// read Secrets cluster-wide or escalate) and monitors. The plan's `--render` view prints it; tests assert on it.
import { clusterSecretReaders, ESCALATIONS, subjectName, whoCan } from "./access";
import { accessJourneys, AccessResult, evaluateAccess, evaluateJourneys, JourneyContext, journeyContext, JourneyResult, platformJourneys, samplePods } from "./journeys";
import { monitorTargets } from "./monitors";
import { PodOptions, podTemplates } from "./pods";
import { checkPodSecurity } from "./psa";
import { checkQuotas, QuotaRow } from "./quota";
import { maxNodes } from "../components/isolation/quota";
import type { PlatformConfig } from "../stacks/config";
import type { K8sObject, PlatformModel } from "./types";

export type Check = "pod-security" | "quota" | "journey" | "access" | "monitor";
export type Severity = "error" | "warning" | "info";

export interface Finding {
    check: Check;
    severity: Severity;
    namespace: string;
    object: string;
    message: string;
}

export interface ModelReport {
    findings: Finding[];
    quota: QuotaRow[];
    journeys: JourneyResult[];
    access: AccessResult[];
}

export interface CheckOptions extends PodOptions {
    journeys?: JourneyContext;
}

/** The options a stack's config implies: its addresses for the journeys, its maximum node count for DaemonSets. */
export function checkOptions(cfg: PlatformConfig): CheckOptions {
    return { journeys: journeyContext(cfg), nodes: maxNodes(cfg) };
}

/** Runs every check on a model (or a bare object list). */
export function runChecks(model: PlatformModel | K8sObject[], opts: CheckOptions = {}): ModelReport {
    const objects = Array.isArray(model) ? model : model.objects.map((m) => m.object);
    const pods = podTemplates(objects, opts);
    const findings: Finding[] = [];
    for (const f of checkPodSecurity(objects, pods)) {
        findings.push({
            check: "pod-security",
            severity: "error",
            namespace: f.namespace,
            object: f.container ? `${f.object} container ${f.container}` : f.object,
            message: `${f.level}: ${f.rule}: ${f.message}`,
        });
    }
    const quota = checkQuotas(objects, pods);
    for (const f of quota.findings) {
        findings.push({ check: "quota", severity: "error", namespace: f.namespace, object: f.object, message: f.message });
    }
    const journeys = evaluateJourneys(objects, platformJourneys(objects, opts.journeys ?? {}, pods), pods);
    for (const r of journeys.filter((x) => x.status !== "ok")) {
        const to = "ip" in r.journey.to ? r.journey.to.ip : r.journey.to.namespace;
        findings.push({
            check: "journey",
            severity: "error",
            namespace: r.journey.from.namespace,
            object: r.journey.name,
            message:
                r.status === "missing"
                    ? `endpoint missing: ${r.detail}`
                    : `must be ${r.journey.expect} but is ${r.journey.expect === "open" ? "closed" : "open"} (to ${to}, port ${r.journey.port}/${r.journey.protocol}; ${r.journey.why}): ${r.detail}`,
        });
    }
    const access = evaluateAccess(objects, accessJourneys(objects));
    for (const r of access.filter((x) => x.status === "broken")) {
        findings.push({
            check: "access",
            severity: "error",
            namespace: r.journey.namespace,
            object: r.journey.name,
            message: `must be ${r.journey.expect === "allow" ? "allowed" : "refused"} (${r.journey.why}): ${r.detail}`,
        });
    }
    for (const s of clusterSecretReaders(objects)) {
        findings.push({ check: "access", severity: "warning", namespace: s.kind === "ServiceAccount" ? s.namespace : "", object: subjectName(s), message: "can read Secrets in every namespace" });
    }
    for (const e of ESCALATIONS) {
        for (const s of whoCan(objects, e.verb, e.apiGroup, e.resource)) {
            findings.push({ check: "access", severity: "warning", namespace: s.kind === "ServiceAccount" ? s.namespace : "", object: subjectName(s), message: `can ${e.what} in every namespace` });
        }
    }
    // Spark's pods exist only at run time: samples of what the operator launches stand in for them.
    for (const f of monitorTargets(objects, [...pods, ...samplePods(objects)]).findings) {
        findings.push({ check: "monitor", severity: f.severity, namespace: f.namespace, object: f.object, message: f.message });
    }
    return { findings, quota: quota.rows, journeys, access };
}

/** The findings as an aligned text table (severity, check, namespace, object, message). */
export function formatFindings(findings: Finding[]): string {
    if (findings.length === 0) return "no findings";
    const rows = findings.map((f) => [f.severity, f.check, f.namespace || "-", f.object, f.message]);
    const widths = [0, 1, 2, 3].map((i) => Math.min(60, Math.max(...rows.map((r) => r[i].length))));
    return rows.map((r) => r.map((c, i) => (i < 4 ? c.padEnd(widths[i]) : c)).join("  ")).join("\n");
}

/** The quota use table: namespace, resource, used / hard. */
export function formatQuota(rows: QuotaRow[]): string {
    return rows
        .map((r) => `${r.namespace.padEnd(20)} ${r.resource.padEnd(24)} ${r.used.padStart(10)} / ${(r.hard ?? "-").padEnd(8)}${r.ratio !== undefined && r.ratio > 1 ? "  OVER" : ""}`)
        .join("\n");
}
