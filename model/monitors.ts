// Monitors (monitoring.coreos.com/v1 ServiceMonitor and PodMonitor) against the rendered Services and pods: every
// endpoint must select at least one pod exposing the named port (the monitor's namespaceSelector honoured), and some
// Prometheus must pick the monitor up. Targets also feed the scrape journeys (Prometheus to every port it scrapes).
import { podRef, PodRef } from "./reach";
import { PodTemplate, podTemplates } from "./pods";
import { LabelSelector, matches, namespaceLabels } from "./selectors";
import type { K8sObject } from "./types";

export interface ScrapeTarget {
    /** `ServiceMonitor/ns/name` or `PodMonitor/ns/name`. */
    monitor: string;
    pod: PodRef;
    port: number;
    /** The port as the monitor names it. */
    portName: string;
}

export interface MonitorFinding {
    namespace: string;
    object: string;
    severity: "error" | "info";
    message: string;
}

const id = (o: K8sObject) => `${o.kind}/${o.metadata.namespace ?? "default"}/${o.metadata.name}`;

/** Namespaces a monitor's spec.namespaceSelector covers (`any` = every namespace in the model). */
function monitorNamespaces(objects: K8sObject[], m: K8sObject): { names: string[]; any: boolean } {
    const sel = m.spec?.namespaceSelector ?? {};
    if (sel.any === true) {
        return { names: objects.filter((o) => o.kind === "Namespace").map((o) => o.metadata.name), any: true };
    }
    return { names: sel.matchNames && sel.matchNames.length > 0 ? sel.matchNames : [m.metadata.namespace ?? "default"], any: false };
}

function containerPort(p: PodTemplate, nameOrNumber: string | number): number | undefined {
    const ref = podRef(p);
    if (typeof nameOrNumber === "number") return (ref.ports ?? []).some((x) => x.containerPort === nameOrNumber) ? nameOrNumber : undefined;
    return ref.ports?.find((x) => x.name === nameOrNumber)?.containerPort;
}

/** Scrape targets of every monitor, and findings for endpoints that select nothing. */
export function monitorTargets(objects: K8sObject[], pods: PodTemplate[] = podTemplates(objects)): { targets: ScrapeTarget[]; findings: MonitorFinding[] } {
    const targets: ScrapeTarget[] = [];
    const findings: MonitorFinding[] = [];
    const modelNamespaces = new Set(objects.filter((o) => o.kind === "Namespace").map((o) => o.metadata.name));
    const services = objects.filter((o) => o.kind === "Service");
    for (const m of objects.filter((o) => (o.kind === "ServiceMonitor" || o.kind === "PodMonitor") && o.apiVersion.startsWith("monitoring.coreos.com/"))) {
        const ns = m.metadata.namespace ?? "default";
        const { names } = monitorNamespaces(objects, m);
        const selector: LabelSelector = m.spec?.selector ?? {};
        if (names.length > 0 && names.every((n) => !modelNamespaces.has(n))) {
            // kube-system, default: Services the cluster itself provides (kubelet, coredns, the API server).
            findings.push({ namespace: ns, object: id(m), severity: "info", message: `targets namespaces outside the model (${names.join(", ")}): not checked` });
            continue;
        }
        const endpoints: any[] = m.kind === "ServiceMonitor" ? m.spec?.endpoints ?? [] : m.spec?.podMetricsEndpoints ?? [];
        for (const ep of endpoints) {
            const found: ScrapeTarget[] = [];
            if (m.kind === "ServiceMonitor") {
                for (const svc of services.filter((s) => names.includes(s.metadata.namespace ?? "default") && matches(selector, s.metadata.labels))) {
                    const sp = (svc.spec?.ports ?? []).find((p: any) => (ep.port !== undefined ? p.name === ep.port : ep.targetPort !== undefined ? (p.targetPort ?? p.port) === ep.targetPort : false));
                    if (!sp || !svc.spec?.selector) continue;
                    const target = sp.targetPort ?? sp.port;
                    for (const p of pods.filter((x) => x.namespace === svc.metadata.namespace && matches({ matchLabels: svc.spec.selector }, x.labels))) {
                        const port = containerPort(p, target);
                        if (port !== undefined) found.push({ monitor: id(m), pod: podRef(p), port, portName: String(ep.port ?? ep.targetPort) });
                    }
                }
            } else {
                const want = ep.port ?? ep.portNumber ?? ep.targetPort;
                for (const p of pods.filter((x) => names.includes(x.namespace) && matches(selector, x.labels))) {
                    const port = want === undefined ? undefined : containerPort(p, want);
                    if (port !== undefined) found.push({ monitor: id(m), pod: podRef(p), port, portName: String(want) });
                }
            }
            if (found.length === 0) {
                const what = m.kind === "ServiceMonitor" ? "no Service with that port name whose pods expose it" : "no pod exposing it";
                findings.push({ namespace: ns, object: id(m), severity: "error", message: `endpoint port "${ep.port ?? ep.portNumber ?? ep.targetPort}" selects ${what} (selector ${JSON.stringify(selector)} in ${names.join(", ")})` });
            }
            targets.push(...found);
        }
        const prometheuses = objects.filter((o) => o.kind === "Prometheus" && o.apiVersion.startsWith("monitoring.coreos.com/"));
        if (prometheuses.length > 0 && !prometheuses.some((pr) => selects(objects, pr, m))) {
            findings.push({ namespace: ns, object: id(m), severity: "error", message: "no Prometheus selects this monitor (its labels or namespace are outside every Prometheus's selectors)" });
        }
    }
    return { targets, findings };
}

/**
 * Whether a Prometheus picks up a monitor: spec.{serviceMonitor,podMonitor}Selector (absent = none) and the matching
 * namespace selector (absent = the Prometheus's own namespace; {} = all).
 */
function selects(objects: K8sObject[], prom: K8sObject, m: K8sObject): boolean {
    const key = m.kind === "ServiceMonitor" ? "serviceMonitor" : "podMonitor";
    const sel = prom.spec?.[`${key}Selector`];
    const nsSel = prom.spec?.[`${key}NamespaceSelector`];
    if (!sel) return false;
    const ns = m.metadata.namespace ?? "default";
    const nsOk = nsSel === undefined ? ns === prom.metadata.namespace : matches(nsSel, namespaceLabels(objects, ns));
    return nsOk && matches(sel, m.metadata.labels);
}
