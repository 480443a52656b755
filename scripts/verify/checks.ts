// The live checks of `npm run verify`: the same expectations the offline model asserts (namespaces, Pod Security,
// quotas, the journeys' flows and permissions), asked of a running cluster through a KubeClient.
import type { AccessJourney, Journey } from "../../model/journeys";
import { parseQuantity } from "../../model/quantity";
import type { K8sObject } from "../../model/types";
import * as https from "https";
import type { KubeClient } from "./kube";

export type Status = "pass" | "fail" | "skip";

export interface CheckResult {
    check: string;
    item: string;
    status: Status;
    detail: string;
}

export interface Expectations {
    stack: string;
    /** Namespaces the platform manages, with the Pod Security level each enforces. */
    namespaces: { name: string; enforce: string }[];
    quotas: { namespace: string; name: string; hard: Record<string, string> }[];
    journeys: Journey[];
    access: AccessJourney[];
    /** A SparkApplication to submit (the shipped example), in the namespace it names. */
    sparkApplication?: K8sObject;
    /** An Airflow DAG to trigger and wait for. */
    airflowDag?: string;
    /** Alerts that fire by design (the dead man's switch). */
    alwaysFiring: string[];
    /** Teams with a Kafka user and a topic: the produce/consume journey, and a write outside their prefix refused. */
    kafka?: KafkaExpectation[];
    /** The UIs the front door serves; empty when it is off. */
    uis?: UiExpectation[];
    /** Where the CA that signs the gateway's certificate is kept, when it is the stack's own (local); else the system's. */
    uiCa?: { namespace: string; name: string; key: string };
}

export interface KafkaExpectation {
    team: string;
    /** A namespace holding the team's client Secret (mounted at its documented path). */
    namespace: string;
    secret: string;
    /** The team's topic, its consumer group (under its prefix) and a topic outside its prefix. */
    topic: string;
    group: string;
    forbiddenTopic: string;
    /** The Strimzi Kafka image of the cluster's Kafka version (its console clients). */
    image: string;
}

/** A UI behind the gateway: `healthy` ones answer their health endpoint; `sign-in` ones (oauth2-proxy) must refuse or redirect. */
export interface UiExpectation {
    ui: string;
    url: string;
    expect: "healthy" | "sign-in";
}

/** One HTTPS GET (no redirects followed), trusting `ca` when given. */
export type HttpsGet = (url: string, ca?: string) => Promise<{ status: number }>;

export const httpsGet: HttpsGet = (url, ca) =>
    new Promise((resolve, reject) => {
        const req = https.get(url, { ...(ca ? { ca } : {}), timeout: 10_000 }, (res) => {
            res.resume();
            resolve({ status: res.statusCode ?? 0 });
        });
        req.on("timeout", () => req.destroy(new Error("timed out after 10s")));
        req.on("error", reject);
    });

export interface Timing {
    /** Seconds a waiting check (pods, Spark, Airflow) may take. */
    timeoutSeconds: number;
    pollSeconds: number;
    sleep: (seconds: number) => Promise<void>;
    now: () => number;
}

export const realTiming = (timeoutSeconds: number): Timing => ({
    timeoutSeconds,
    pollSeconds: 5,
    sleep: (s) => new Promise((r) => setTimeout(r, s * 1000)),
    now: () => Date.now() / 1000,
});

const result = (check: string, item: string, status: Status, detail: string): CheckResult => ({ check, item, status, detail });

/** Why a pod is not ready, or undefined when it is Ready (or a finished Job's pod). */
export function notReady(pod: K8sObject): string | undefined {
    const phase = pod.status?.phase;
    if (phase === "Succeeded") {
        return undefined;
    }
    if (phase !== "Running") {
        const waiting = (pod.status?.containerStatuses ?? []).map((c: any) => c.state?.waiting?.reason).filter(Boolean);
        return `${phase ?? "Unknown"}${waiting.length ? ` (${waiting.join(", ")})` : ""}`;
    }
    const ready = (pod.status?.conditions ?? []).find((c: any) => c.type === "Ready");
    return ready?.status === "True" ? undefined : `Running, not Ready${ready?.message ? `: ${ready.message}` : ""}`;
}

/** Every pod of every platform namespace Ready, waiting up to the timeout for the platform to settle. */
export async function checkPods(kube: KubeClient, exp: Expectations, t: Timing): Promise<CheckResult[]> {
    const deadline = t.now() + t.timeoutSeconds;
    for (;;) {
        const rows: CheckResult[] = [];
        for (const ns of exp.namespaces) {
            const pods = await kube.list("pods", ns.name);
            for (const p of pods) {
                const why = notReady(p);
                rows.push(result("pods", `${ns.name}/${p.metadata.name}`, why ? "fail" : "pass", why ?? "Ready"));
            }
        }
        if (rows.every((r) => r.status === "pass") || t.now() >= deadline) {
            return rows;
        }
        await t.sleep(t.pollSeconds);
    }
}

export async function checkPodSecurity(kube: KubeClient, exp: Expectations): Promise<CheckResult[]> {
    const live = new Map((await kube.list("namespaces")).map((n) => [n.metadata.name, n]));
    return exp.namespaces.map((ns) => {
        const n = live.get(ns.name);
        const enforce = n?.metadata.labels?.["pod-security.kubernetes.io/enforce"];
        if (!n) {
            return result("pod-security", ns.name, "fail", "namespace missing");
        }
        return result("pod-security", ns.name, enforce === ns.enforce ? "pass" : "fail", `enforce=${enforce ?? "(unset)"}, planned ${ns.enforce}`);
    });
}

export async function checkQuotas(kube: KubeClient, exp: Expectations): Promise<CheckResult[]> {
    const rows: CheckResult[] = [];
    for (const q of exp.quotas) {
        const live = await kube.get("resourcequotas", q.namespace, q.name);
        if (!live) {
            rows.push(result("quotas", `${q.namespace}/${q.name}`, "fail", "quota missing"));
            continue;
        }
        const hard = (live.spec?.hard ?? {}) as Record<string, string>;
        const differ = [...new Set([...Object.keys(q.hard), ...Object.keys(hard)])]
            .sort()
            .filter((k) => hard[k] === undefined || q.hard[k] === undefined || parseQuantity(hard[k]) !== parseQuantity(q.hard[k]))
            .map((k) => `${k}: ${hard[k] ?? "(none)"}, planned ${q.hard[k] ?? "(none)"}`);
        rows.push(result("quotas", `${q.namespace}/${q.name}`, differ.length ? "fail" : "pass", differ.join("; ") || "as planned"));
    }
    return rows;
}

/** The probe image: the Kubernetes e2e tests' network-policy probe (`agnhost connect` prints TIMEOUT, REFUSED or OTHER). */
export const PROBE_IMAGE = "registry.k8s.io/e2e-test-images/agnhost:2.53";
export const PROBE_LABEL = "dataops.io/verify-probe";

/**
 * A short-lived probe pod that passes the restricted Pod Security level and carries the source's labels. It is never
 * Ready (its readiness probe dials a port nothing listens on), so a Service selecting those labels (the gateway's load
 * balancer, a UI) never sends it traffic.
 */
export function probePod(namespace: string, labels: Record<string, string>, name: string): K8sObject {
    return {
        apiVersion: "v1",
        kind: "Pod",
        metadata: { name, namespace, labels: { ...labels, [PROBE_LABEL]: "true" } },
        spec: {
            automountServiceAccountToken: false,
            restartPolicy: "Never",
            activeDeadlineSeconds: 900,
            securityContext: { runAsNonRoot: true, runAsUser: 65534, runAsGroup: 65534, seccompProfile: { type: "RuntimeDefault" } },
            containers: [
                {
                    name: "probe",
                    image: PROBE_IMAGE,
                    args: ["pause"],
                    resources: { requests: { cpu: "10m", memory: "16Mi" }, limits: { cpu: "100m", memory: "64Mi" } },
                    readinessProbe: { tcpSocket: { port: 1 }, periodSeconds: 300 },
                    securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] } },
                },
            ],
        },
    };
}

function selector(labels: Record<string, string>): string {
    return Object.entries(labels)
        .map(([k, v]) => `${k}=${v}`)
        .join(",");
}

/** A named port resolved on a live pod's containers. */
function portOn(pod: K8sObject, port: number | string): number | undefined {
    if (typeof port === "number") {
        return port;
    }
    const all = [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])].flatMap((c: any) => c.ports ?? []);
    return all.find((p: any) => p.name === port)?.containerPort;
}

/** TCP journeys probed from pods that carry the source's labels, to a live target pod or address. */
export async function checkIsolation(kube: KubeClient, exp: Expectations, t: Timing): Promise<CheckResult[]> {
    const rows: CheckResult[] = [];
    const probes = new Map<string, K8sObject>();
    try {
        for (const j of exp.journeys) {
            if (j.protocol !== "TCP") {
                rows.push(result("isolation", j.name, "skip", `${j.protocol} is not probed (agnhost connect speaks TCP here)`));
                continue;
            }
            let target: { ip: string; port: number } | undefined;
            if ("ip" in j.to) {
                target = typeof j.port === "number" ? { ip: j.to.ip, port: j.port } : undefined;
            } else {
                const pods = (await kube.list("pods", j.to.namespace, selector(j.to.labels))).filter((p) => p.status?.podIP && !p.metadata.labels?.[PROBE_LABEL]);
                const pod = pods[0];
                const port = pod ? portOn(pod, j.port) : undefined;
                target = pod && port ? { ip: pod.status!.podIP, port } : undefined;
            }
            if (!target) {
                rows.push(result("isolation", j.name, "skip", "no live target pod exposes the port (created only while jobs run)"));
                continue;
            }
            const key = `${j.from.namespace}/${selector(j.from.labels)}`;
            let probe = probes.get(key);
            if (!probe) {
                probe = await kube.create(probePod(j.from.namespace, j.from.labels, `dataops-probe-${probes.size}-${Math.floor(t.now()) % 100000}`));
                probes.set(key, probe);
                await waitRunning(kube, probe, t);
            }
            const r = await kube.exec(j.from.namespace, probe.metadata.name, ["/agnhost", "connect", `${target.ip}:${target.port}`, "--timeout=3s", "--protocol=tcp"]);
            const outcome = r.code === 0 ? "connected" : /REFUSED/.test(r.stdout + r.stderr) ? "refused" : /TIMEOUT/.test(r.stdout + r.stderr) ? "timeout" : "error";
            if (outcome === "error") {
                rows.push(result("isolation", j.name, "fail", `probe failed: ${(r.stderr || r.stdout).trim()}`));
                continue;
            }
            // A refused connection reached the target: the network let it through, only no process listened.
            const open = outcome !== "timeout";
            const ok = open === (j.expect === "open");
            rows.push(result("isolation", j.name, ok ? "pass" : "fail", `${target.ip}:${target.port} ${outcome}, expected ${j.expect}`));
        }
    } finally {
        for (const p of probes.values()) {
            await kube.delete("pods", p.metadata.namespace!, p.metadata.name);
        }
    }
    return rows;
}

async function waitRunning(kube: KubeClient, pod: K8sObject, t: Timing): Promise<void> {
    const deadline = t.now() + t.timeoutSeconds;
    for (;;) {
        const live = await kube.get("pods", pod.metadata.namespace!, pod.metadata.name);
        if (live?.status?.phase === "Running") {
            return;
        }
        if (t.now() >= deadline || live?.status?.phase === "Failed") {
            throw new Error(`probe pod ${pod.metadata.namespace}/${pod.metadata.name} did not start: ${live?.status?.phase ?? "gone"}`);
        }
        await t.sleep(t.pollSeconds);
    }
}

/** The user and groups the API server would see for a journey's subject. */
export function reviewFor(j: AccessJourney): K8sObject {
    const s = j.subject;
    const who =
        s.kind === "User"
            ? { user: s.name, groups: [...(s.groups ?? []), "system:authenticated"] }
            : s.kind === "Group"
              ? { user: "dataops-verify", groups: [s.name, "system:authenticated"] }
              : { user: `system:serviceaccount:${s.namespace}:${s.name}`, groups: ["system:serviceaccounts", `system:serviceaccounts:${s.namespace}`, "system:authenticated"] };
    return {
        apiVersion: "authorization.k8s.io/v1",
        kind: "SubjectAccessReview",
        metadata: { name: "" },
        spec: { ...who, resourceAttributes: { namespace: j.namespace, verb: j.verb, group: j.apiGroup, ...splitSubresource(j.resource) } },
    };
}

function splitSubresource(resource: string): { resource: string; subresource?: string } {
    const [r, sub] = resource.split("/");
    return sub ? { resource: r, subresource: sub } : { resource: r };
}

export async function checkAccess(kube: KubeClient, exp: Expectations): Promise<CheckResult[]> {
    const rows: CheckResult[] = [];
    for (const j of exp.access) {
        const answer = await kube.create(reviewFor(j));
        const allowed = answer.status?.allowed === true;
        const ok = allowed === (j.expect === "allow");
        rows.push(result("access", j.name, ok ? "pass" : "fail", `${allowed ? "allowed" : "denied"}, expected ${j.expect === "allow" ? "allowed" : "denied"}`));
    }
    return rows;
}

/** Submits the example SparkApplication under a fresh name and waits for it to complete. */
export async function checkSpark(kube: KubeClient, exp: Expectations, t: Timing): Promise<CheckResult[]> {
    if (!exp.sparkApplication) {
        return [result("spark", "example SparkApplication", "skip", "no example SparkApplication for this stack")];
    }
    const app = structuredClone(exp.sparkApplication);
    app.metadata.name = `${app.metadata.name}-verify-${Math.floor(t.now()) % 100000}`;
    const ns = app.metadata.namespace!;
    await kube.create(app);
    const deadline = t.now() + t.timeoutSeconds;
    try {
        for (;;) {
            const live = await kube.get("sparkapplications.sparkoperator.k8s.io", ns, app.metadata.name);
            const state = live?.status?.applicationState?.state as string | undefined;
            if (state === "COMPLETED") {
                return [result("spark", `${ns}/${app.metadata.name}`, "pass", "COMPLETED")];
            }
            if (state === "FAILED" || state === "SUBMISSION_FAILED" || t.now() >= deadline) {
                const why = live?.status?.applicationState?.errorMessage ?? "";
                return [result("spark", `${ns}/${app.metadata.name}`, "fail", `${state ?? "not picked up"}${t.now() >= deadline ? " at timeout" : ""}${why ? `: ${why}` : ""}`)];
            }
            await t.sleep(t.pollSeconds);
        }
    } finally {
        await kube.delete("sparkapplications.sparkoperator.k8s.io", ns, app.metadata.name);
    }
}

/** Triggers a DAG through the scheduler's CLI and waits for the run to succeed. */
export async function checkAirflow(kube: KubeClient, exp: Expectations, t: Timing, namespace: string): Promise<CheckResult[]> {
    if (!exp.airflowDag) {
        return [result("airflow", "example DAG run", "skip", "no example DAG configured for this stack")];
    }
    const scheduler = (await kube.list("pods", namespace, "component=scheduler")).find((p) => !notReady(p));
    if (!scheduler) {
        return [result("airflow", exp.airflowDag, "fail", "no ready scheduler pod")];
    }
    const cli = (args: string[]) => kube.exec(namespace, scheduler.metadata.name, ["airflow", ...args], "scheduler");
    const trigger = await cli(["dags", "trigger", exp.airflowDag, "--output", "json"]);
    if (trigger.code !== 0) {
        return [result("airflow", exp.airflowDag, "fail", `trigger failed: ${trigger.stderr.trim()}`)];
    }
    const runId = (JSON.parse(trigger.stdout) as { dag_run_id?: string; run_id?: string }[])[0];
    const id = runId?.dag_run_id ?? runId?.run_id;
    const deadline = t.now() + t.timeoutSeconds;
    for (;;) {
        const runs = await cli(["dags", "list-runs", exp.airflowDag, "--output", "json"]);
        const run = runs.code === 0 ? (JSON.parse(runs.stdout) as { run_id: string; state: string }[]).find((r) => r.run_id === id) : undefined;
        if (run?.state === "success") {
            return [result("airflow", `${exp.airflowDag} ${id}`, "pass", "success")];
        }
        if (run?.state === "failed" || t.now() >= deadline) {
            return [result("airflow", `${exp.airflowDag} ${id}`, "fail", `${run?.state ?? "not found"}${run?.state === "failed" ? "" : " at timeout"}`)];
        }
        await t.sleep(t.pollSeconds);
    }
}

/** Prometheus: every active target up, and no alert firing but the ones that always fire. */
export async function checkPrometheus(kube: KubeClient, exp: Expectations, namespace: string): Promise<CheckResult[]> {
    const pod = (await kube.list("pods", namespace, "app.kubernetes.io/name=prometheus")).find((p) => !notReady(p));
    if (!pod) {
        return [result("prometheus", "server", "fail", "no ready Prometheus pod")];
    }
    const api = async (p: string) => {
        const r = await kube.exec(namespace, pod.metadata.name, ["wget", "-qO-", `http://localhost:9090${p}`], "prometheus");
        if (r.code !== 0) {
            throw new Error(`GET ${p}: ${r.stderr.trim()}`);
        }
        return JSON.parse(r.stdout).data;
    };
    const rows: CheckResult[] = [];
    const targets = (await api("/api/v1/targets?state=active")).activeTargets as { scrapePool: string; scrapeUrl: string; health: string; lastError: string }[];
    for (const tg of targets) {
        rows.push(result("prometheus", `target ${tg.scrapePool} ${tg.scrapeUrl}`, tg.health === "up" ? "pass" : "fail", tg.health === "up" ? "up" : `${tg.health}: ${tg.lastError}`));
    }
    if (targets.length === 0) {
        rows.push(result("prometheus", "targets", "fail", "no active targets"));
    }
    const firing = ((await api("/api/v1/alerts")).alerts as { labels: { alertname: string; namespace?: string }; state: string }[]).filter(
        (a) => a.state === "firing" && !exp.alwaysFiring.includes(a.labels.alertname),
    );
    rows.push(
        result(
            "prometheus",
            "alerts",
            firing.length ? "fail" : "pass",
            firing.length ? `firing: ${firing.map((a) => `${a.labels.alertname}${a.labels.namespace ? `{namespace=${a.labels.namespace}}` : ""}`).join(", ")}` : "none firing but " + exp.alwaysFiring.join(", "),
        ),
    );
    return rows;
}

/**
 * The front door from where verify runs: each UI over HTTPS at its hostname, the certificate checked against the
 * stack's CA (local) or the system's trust store. Healthy UIs answer 200; UIs behind the OIDC proxy must not (a 200
 * would mean they are open without sign-in). On clouds the load balancer is internal by default: run from a network
 * that reaches it, or leave this check out (--checks).
 */
export async function checkUis(kube: KubeClient, exp: Expectations, get: HttpsGet = httpsGet): Promise<CheckResult[]> {
    const uis = exp.uis ?? [];
    if (uis.length === 0) {
        return [result("ui", "front door", "skip", "the front door is off (dataops:access)")];
    }
    let ca: string | undefined;
    if (exp.uiCa) {
        const secret = await kube.get("secrets", exp.uiCa.namespace, exp.uiCa.name);
        const data = secret?.data?.[exp.uiCa.key];
        if (!data) {
            return [result("ui", "front door", "fail", `no CA in Secret ${exp.uiCa.namespace}/${exp.uiCa.name} (key ${exp.uiCa.key}): has cert-manager issued it?`)];
        }
        ca = Buffer.from(data, "base64").toString("utf8");
    }
    const rows: CheckResult[] = [];
    for (const u of uis) {
        try {
            const { status } = await get(u.url, ca);
            const ok = u.expect === "healthy" ? status === 200 : [302, 303, 401, 403].includes(status);
            const wanted = u.expect === "healthy" ? "200" : "a sign-in redirect or refusal";
            rows.push(result("ui", u.ui, ok ? "pass" : "fail", `${u.url}: HTTP ${status}, expected ${wanted}`));
        } catch (e) {
            rows.push(result("ui", u.ui, "fail", `${u.url}: ${(e as Error).message}`));
        }
    }
    return rows;
}

/** Where the client Secret is mounted; its `client.properties` names the CA file there (docs/kafka.md). */
export const KAFKA_CLIENT_PATH = "/etc/kafka-client";

/** A restricted client pod in the team's namespace with the team's Secret mounted, idling until the checks exec in it. */
export function kafkaClientPod(k: KafkaExpectation, name: string): K8sObject {
    return {
        apiVersion: "v1",
        kind: "Pod",
        metadata: { name, namespace: k.namespace, labels: { [PROBE_LABEL]: "true" } },
        spec: {
            automountServiceAccountToken: false,
            restartPolicy: "Never",
            activeDeadlineSeconds: 900,
            securityContext: { runAsNonRoot: true, runAsUser: 1001, runAsGroup: 1001, seccompProfile: { type: "RuntimeDefault" } },
            containers: [
                {
                    name: "client",
                    image: k.image,
                    command: ["sleep", "900"],
                    env: [{ name: "KAFKA_HEAP_OPTS", value: "-Xmx256m" }],
                    resources: { requests: { cpu: "100m", memory: "384Mi" }, limits: { cpu: "1", memory: "512Mi" } },
                    readinessProbe: { tcpSocket: { port: 1 }, periodSeconds: 300 },
                    securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] } },
                    volumeMounts: [
                        { name: "client", mountPath: KAFKA_CLIENT_PATH, readOnly: true },
                        { name: "tmp", mountPath: "/tmp" },
                    ],
                },
            ],
            volumes: [
                { name: "client", secret: { secretName: k.secret } },
                { name: "tmp", emptyDir: {} },
            ],
        },
    };
}

/** The console clients' command lines, with the team's configuration from the mounted Secret. */
export function kafkaCommands(k: KafkaExpectation, message: string): { produce: (topic: string) => string[]; consume: string[] } {
    const common = `--bootstrap-server "$(cat ${KAFKA_CLIENT_PATH}/bootstrap.servers)"`;
    return {
        produce: (topic) => [
            "sh",
            "-c",
            `echo "$0" | /opt/kafka/bin/kafka-console-producer.sh ${common} --producer.config ${KAFKA_CLIENT_PATH}/client.properties --topic "$1" --request-timeout-ms 20000`,
            message,
            topic,
        ],
        consume: [
            "sh",
            "-c",
            `/opt/kafka/bin/kafka-console-consumer.sh ${common} --consumer.config ${KAFKA_CLIENT_PATH}/client.properties --topic "$0" --group "$1" --from-beginning --timeout-ms 60000`,
            k.topic,
            k.group,
        ],
    };
}

const AUTHORIZATION_REFUSED = /AuthorizationException|not authorized/i;
const CLIENT_ERROR = /Exception|ERROR/;

/**
 * A team's Kafka journey on the live cluster: from a pod in its namespace with its Secret, it produces a fresh message
 * to its topic and reads it back in a group under its prefix, and a write outside its prefix is refused.
 */
export async function checkKafka(kube: KubeClient, exp: Expectations, t: Timing): Promise<CheckResult[]> {
    const teams = exp.kafka ?? [];
    if (teams.length === 0) {
        return [result("kafka", "team topics", "skip", "no team has a Kafka user and topic in this stack (dataops:teams[].kafka)")];
    }
    const rows: CheckResult[] = [];
    for (const k of teams) {
        const stamp = Math.floor(t.now()) % 100000;
        const pod = await kube.create(kafkaClientPod(k, `dataops-kafka-${k.team}-${stamp}`));
        try {
            await waitRunning(kube, pod, t);
            const message = `dataops-verify ${k.team} ${stamp}`;
            const cmd = kafkaCommands(k, message);
            const out = (r: ExecLike) => `${r.stdout}${r.stderr}`.trim().split("\n").slice(-1)[0] || `no output (exit ${r.code})`;
            const produced = await kube.exec(k.namespace, pod.metadata.name, cmd.produce(k.topic));
            const producedOk = produced.code === 0 && !CLIENT_ERROR.test(produced.stdout + produced.stderr);
            rows.push(result("kafka", `${k.team} produces to ${k.topic}`, producedOk ? "pass" : "fail", producedOk ? "sent" : out(produced)));
            const consumed = await kube.exec(k.namespace, pod.metadata.name, cmd.consume);
            const read = consumed.stdout.split("\n").includes(message);
            rows.push(result("kafka", `${k.team} reads ${k.topic} as ${k.group}`, read ? "pass" : "fail", read ? "read back" : `message not read back: ${out(consumed)}`));
            const foreign = await kube.exec(k.namespace, pod.metadata.name, cmd.produce(k.forbiddenTopic));
            const refused = AUTHORIZATION_REFUSED.test(foreign.stdout + foreign.stderr);
            rows.push(result("kafka", `${k.team} writes ${k.forbiddenTopic}`, refused ? "pass" : "fail", refused ? "refused (not authorized), as expected" : `not refused: ${out(foreign)}`));
        } catch (e) {
            rows.push(result("kafka", `${k.team} client pod`, "fail", (e as Error).message));
        } finally {
            await kube.delete("pods", k.namespace, pod.metadata.name);
        }
    }
    return rows;
}

type ExecLike = { code: number; stdout: string; stderr: string };
