// Pod Security Standards as the API server's PodSecurity admission enforces them (k8s.io/pod-security-admission,
// policy version v1.34, with KEP-4940's host-probe rule), for every pod template against its namespace's
// `pod-security.kubernetes.io/enforce` level. Rule names are the admission plugin's check IDs, so a finding reads like
// the API server's rejection.
import { allContainers, Container, podName, PodTemplate, podTemplates } from "./pods";
import type { K8sObject } from "./types";

export type Level = "privileged" | "baseline" | "restricted";

export interface PsaFinding {
    namespace: string;
    /** `Kind/name` of the pod's owner (with the operator role for operator pods). */
    object: string;
    /** Container the violation is in; absent for pod-level fields. */
    container?: string;
    level: Level;
    /** PodSecurity check ID, e.g. `allowPrivilegeEscalation`, `hostPathVolumes`. */
    rule: string;
    message: string;
}

/** Capabilities baseline allows adding (pod-security-admission policy/check_capabilities_baseline.go). */
const BASELINE_CAPABILITIES = new Set([
    "AUDIT_WRITE", "CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL", "MKNOD", "NET_BIND_SERVICE",
    "SETFCAP", "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT",
]);

/** Safe sysctls as of v1.34 (check_sysctls.go: v1.0 set, plus ip_local_reserved_ports 1.27, tcp keepalive/fin 1.29, tcp_rmem/wmem 1.32). */
const SAFE_SYSCTLS = new Set([
    "kernel.shm_rmid_forced",
    "net.ipv4.ip_local_port_range",
    "net.ipv4.ip_unprivileged_port_start",
    "net.ipv4.tcp_syncookies",
    "net.ipv4.ping_group_range",
    "net.ipv4.ip_local_reserved_ports",
    "net.ipv4.tcp_keepalive_time",
    "net.ipv4.tcp_fin_timeout",
    "net.ipv4.tcp_keepalive_intvl",
    "net.ipv4.tcp_keepalive_probes",
    "net.ipv4.tcp_rmem",
    "net.ipv4.tcp_wmem",
]);

/** SELinux types baseline allows (check_seLinuxOptions.go; container_engine_t since v1.31). */
const SELINUX_TYPES = new Set(["", "container_t", "container_init_t", "container_kvm_t", "container_engine_t"]);

/** Volume sources restricted allows (check_restrictedVolumes.go). */
const RESTRICTED_VOLUMES = new Set(["configMap", "csi", "downwardAPI", "emptyDir", "ephemeral", "persistentVolumeClaim", "projected", "secret"]);

/** The enforce level of a namespace; without the label (or without the namespace in the model) it is privileged. */
export function enforceLevel(objects: K8sObject[], namespace: string): Level {
    const ns = objects.find((o) => o.kind === "Namespace" && o.metadata.name === namespace);
    const v = ns?.metadata.labels?.["pod-security.kubernetes.io/enforce"];
    return v === "baseline" || v === "restricted" ? v : "privileged";
}

type Violation = { container?: string; rule: string; message: string };

function baseline(p: PodTemplate): Violation[] {
    const out: Violation[] = [];
    const spec = p.spec;
    const podSc = spec.securityContext ?? {};
    const containers = allContainers(spec);
    const each = (rule: string, test: (c: Container) => string | undefined) => {
        for (const { container } of containers) {
            const m = test(container);
            if (m) out.push({ container: container.name, rule, message: m });
        }
    };
    if (podSc.windowsOptions?.hostProcess === true) out.push({ rule: "hostProcess", message: "securityContext.windowsOptions.hostProcess=true" });
    each("hostProcess", (c) => (c.securityContext?.windowsOptions?.hostProcess === true ? "securityContext.windowsOptions.hostProcess=true" : undefined));
    for (const f of ["hostNetwork", "hostPID", "hostIPC"] as const) {
        if (spec[f] === true) out.push({ rule: "hostNamespaces", message: `${f}=true` });
    }
    each("privileged", (c) => (c.securityContext?.privileged === true ? "securityContext.privileged=true" : undefined));
    each("capabilities_baseline", (c) => {
        const bad = ((c.securityContext?.capabilities?.add ?? []) as string[]).filter((x) => !BASELINE_CAPABILITIES.has(x));
        return bad.length > 0 ? `non-default capabilities ${bad.join(", ")}` : undefined;
    });
    for (const v of spec.volumes ?? []) {
        if (v.hostPath) out.push({ rule: "hostPathVolumes", message: `hostPath volume "${v.name}"` });
    }
    each("hostPorts", (c) => {
        const ports = (c.ports ?? []).filter((x: any) => x.hostPort !== undefined && x.hostPort !== 0).map((x: any) => x.hostPort);
        return ports.length > 0 ? `hostPort ${ports.join(", ")}` : undefined;
    });
    const appArmorOk = (t: string | undefined) => t === undefined || t === "RuntimeDefault" || t === "Localhost";
    if (!appArmorOk(podSc.appArmorProfile?.type)) out.push({ rule: "appArmorProfile", message: `securityContext.appArmorProfile.type=${podSc.appArmorProfile.type}` });
    each("appArmorProfile", (c) => (!appArmorOk(c.securityContext?.appArmorProfile?.type) ? `securityContext.appArmorProfile.type=${c.securityContext!.appArmorProfile.type}` : undefined));
    for (const [k, v] of Object.entries(p.annotations)) {
        if (k.startsWith("container.apparmor.security.beta.kubernetes.io/") && v !== "runtime/default" && !v.startsWith("localhost/")) {
            out.push({ container: k.split("/")[1], rule: "appArmorProfile", message: `annotation ${k}=${v}` });
        }
    }
    const seLinuxBad = (o: any): string | undefined => {
        if (!o) return undefined;
        if (!SELINUX_TYPES.has(o.type ?? "")) return `seLinuxOptions.type=${o.type}`;
        if (o.user) return `seLinuxOptions.user=${o.user}`;
        if (o.role) return `seLinuxOptions.role=${o.role}`;
        return undefined;
    };
    const podSe = seLinuxBad(podSc.seLinuxOptions);
    if (podSe) out.push({ rule: "seLinuxOptions", message: podSe });
    each("seLinuxOptions", (c) => seLinuxBad(c.securityContext?.seLinuxOptions));
    each("procMount", (c) => (c.securityContext?.procMount !== undefined && c.securityContext.procMount !== "Default" ? `procMount=${c.securityContext.procMount}` : undefined));
    if (podSc.seccompProfile?.type === "Unconfined") out.push({ rule: "seccompProfile_baseline", message: "securityContext.seccompProfile.type=Unconfined" });
    each("seccompProfile_baseline", (c) => (c.securityContext?.seccompProfile?.type === "Unconfined" ? "securityContext.seccompProfile.type=Unconfined" : undefined));
    // v1.34 (KEP-4940): probes and lifecycle handlers must not name a host.
    each("hostProbesAndHostLifecycleHooks", (c) => {
        const handlers: [string, any][] = [
            ["livenessProbe", c.livenessProbe],
            ["readinessProbe", c.readinessProbe],
            ["startupProbe", c.startupProbe],
            ["lifecycle.postStart", c.lifecycle?.postStart],
            ["lifecycle.preStop", c.lifecycle?.preStop],
        ];
        const bad = handlers.flatMap(([at, h]) =>
            (["httpGet", "tcpSocket"] as const).filter((k) => h?.[k]?.host !== undefined && h[k].host !== "").map((k) => `${at}.${k}.host=${h[k].host}`),
        );
        return bad.length > 0 ? bad.join(", ") : undefined;
    });
    const badSysctls = ((podSc.sysctls ?? []) as { name: string }[]).filter((s) => !SAFE_SYSCTLS.has(s.name)).map((s) => s.name);
    if (badSysctls.length > 0) out.push({ rule: "sysctls", message: `unsafe sysctls ${badSysctls.join(", ")}` });
    return out;
}

function restricted(p: PodTemplate): Violation[] {
    const out: Violation[] = [];
    const spec = p.spec;
    const podSc = spec.securityContext ?? {};
    const containers = allContainers(spec);
    const each = (rule: string, test: (c: Container) => string | undefined) => {
        for (const { container } of containers) {
            const m = test(container);
            if (m) out.push({ container: container.name, rule, message: m });
        }
    };
    for (const v of spec.volumes ?? []) {
        const source = Object.keys(v).find((k) => k !== "name");
        if (source && !RESTRICTED_VOLUMES.has(source)) out.push({ rule: "restrictedVolumes", message: `volume "${v.name}" uses ${source}` });
    }
    // Windows pods are exempt from the Linux-only checks (spec.os.name=windows).
    const windows = spec.os?.name === "windows";
    if (!windows) {
        each("allowPrivilegeEscalation", (c) =>
            c.securityContext?.allowPrivilegeEscalation !== false ? "securityContext.allowPrivilegeEscalation must be false" : undefined,
        );
    }
    const podNonRoot = podSc.runAsNonRoot === true;
    if (podSc.runAsNonRoot === false) out.push({ rule: "runAsNonRoot", message: "pod securityContext.runAsNonRoot=false" });
    each("runAsNonRoot", (c) => {
        const v = c.securityContext?.runAsNonRoot;
        if (v === false) return "securityContext.runAsNonRoot=false";
        return v !== true && !podNonRoot ? "securityContext.runAsNonRoot must be true (pod or container)" : undefined;
    });
    if (podSc.runAsUser === 0) out.push({ rule: "runAsUser", message: "pod securityContext.runAsUser=0" });
    each("runAsUser", (c) => (c.securityContext?.runAsUser === 0 ? "securityContext.runAsUser=0" : undefined));
    if (!windows) {
        const allowed = (t: string | undefined) => t === "RuntimeDefault" || t === "Localhost";
        const podType = podSc.seccompProfile?.type as string | undefined;
        if (podType !== undefined && !allowed(podType)) out.push({ rule: "seccompProfile_restricted", message: `pod securityContext.seccompProfile.type=${podType}` });
        each("seccompProfile_restricted", (c) => {
            const t = c.securityContext?.seccompProfile?.type as string | undefined;
            if (t !== undefined) return allowed(t) ? undefined : `securityContext.seccompProfile.type=${t}`;
            return allowed(podType) ? undefined : "securityContext.seccompProfile.type must be RuntimeDefault or Localhost (pod or container)";
        });
        each("capabilities_restricted", (c) => {
            const caps = c.securityContext?.capabilities ?? {};
            if (!((caps.drop ?? []) as string[]).includes("ALL")) return "securityContext.capabilities.drop must include ALL";
            const added = ((caps.add ?? []) as string[]).filter((x) => x !== "NET_BIND_SERVICE");
            return added.length > 0 ? `capabilities.add ${added.join(", ")} (only NET_BIND_SERVICE allowed)` : undefined;
        });
    }
    return out;
}

/** Violations of one pod template against a level (baseline's rules are part of restricted). */
export function checkPod(p: PodTemplate, level: Level): PsaFinding[] {
    if (level === "privileged") return [];
    const v = level === "restricted" ? [...baseline(p), ...restricted(p)] : baseline(p);
    return v.map((x) => ({ namespace: p.namespace, object: podName(p), ...(x.container ? { container: x.container } : {}), level, rule: x.rule, message: x.message }));
}

/** Every pod template of the objects against its namespace's enforce level. */
export function checkPodSecurity(objects: K8sObject[], pods: PodTemplate[] = podTemplates(objects)): PsaFinding[] {
    return pods.flatMap((p) => checkPod(p, enforceLevel(objects, p.namespace)));
}
