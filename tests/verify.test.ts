// `npm run verify` against recorded API answers: a fake KubeClient answers as a cluster would (synthetic fixtures, not
// captured from a live cluster), so each check is shown to pass on a healthy platform and to fail on each kind of fault.
import * as assert from "assert";
import { stackModel } from "../model";
import { can, Subject } from "../model/access";
import { AccessJourney, accessJourneys, evaluateAccess, Journey } from "../model/journeys";
import type { K8sObject } from "../model/types";
import { CHECKS, formatResults, main, parseVerifyArgs, runChecks } from "../scripts/verify";
import {
    checkAccess,
    checkAirflow,
    checkIsolation,
    checkKafka,
    checkPods,
    checkPodSecurity,
    checkPrometheus,
    checkQuotas,
    checkSpark,
    checkUis,
    Expectations,
    HttpsGet,
    KafkaExpectation,
    notReady,
    PROBE_LABEL,
    probePod,
    reviewFor,
    Timing,
} from "../scripts/verify/checks";
import type { ExecResult, KubeClient } from "../scripts/verify/kube";
import { FORBIDDEN_TOPIC, kafkaExpectations, uiCa, uiExpectations } from "../scripts/verify/expectations";

/** A cluster in memory: objects by resource and namespace, scripted exec answers, and a log of what was asked. */
class FakeKube implements KubeClient {
    objects: { resource: string; object: K8sObject }[] = [];
    created: K8sObject[] = [];
    deleted: string[] = [];
    execs: { namespace: string; pod: string; command: string[] }[] = [];
    constructor(
        private readonly answers: {
            exec?: (namespace: string, pod: string, command: string[]) => ExecResult;
            create?: (o: K8sObject) => K8sObject;
            /** Called on each get, to let state move on (pods start, jobs finish). */
            onGet?: (resource: string, namespace: string, name: string, calls: number) => K8sObject | undefined;
        } = {},
    ) {}

    add(resource: string, ...objects: K8sObject[]): this {
        this.objects.push(...objects.map((object) => ({ resource, object })));
        return this;
    }

    async list(resource: string, namespace?: string, labelSelector?: string): Promise<K8sObject[]> {
        const wanted = Object.fromEntries((labelSelector ?? "").split(",").filter(Boolean).map((kv) => kv.split("=")));
        return this.objects
            .filter((o) => o.resource === resource && (!namespace || o.object.metadata.namespace === namespace))
            .map((o) => o.object)
            .filter((o) => Object.entries(wanted).every(([k, v]) => o.metadata.labels?.[k] === v));
    }

    private gets = 0;
    async get(resource: string, namespace: string, name: string): Promise<K8sObject | undefined> {
        this.gets++;
        const scripted = this.answers.onGet?.(resource, namespace, name, this.gets);
        if (scripted) {
            return scripted;
        }
        return this.objects.find((o) => o.resource === resource && o.object.metadata.namespace === namespace && o.object.metadata.name === name)?.object;
    }

    async create(object: K8sObject): Promise<K8sObject> {
        this.created.push(object);
        return this.answers.create ? this.answers.create(object) : object;
    }

    async delete(resource: string, namespace: string, name: string): Promise<void> {
        this.deleted.push(`${resource} ${namespace}/${name}`);
    }

    async exec(namespace: string, pod: string, command: string[]): Promise<ExecResult> {
        this.execs.push({ namespace, pod, command });
        return this.answers.exec ? this.answers.exec(namespace, pod, command) : { code: 0, stdout: "", stderr: "" };
    }
}

/** A clock the checks advance by sleeping, so waits and timeouts take no real time. */
function fakeTime(timeoutSeconds = 60): Timing & { slept: number } {
    const t = { now: 1000, slept: 0 };
    return {
        timeoutSeconds,
        pollSeconds: 5,
        get slept() {
            return t.slept;
        },
        sleep: async (s: number) => {
            t.now += s;
            t.slept += s;
        },
        now: () => t.now,
    };
}

const pod = (namespace: string, name: string, labels: Record<string, string>, status: Record<string, unknown>, spec: Record<string, unknown> = {}): K8sObject => ({
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name, namespace, labels },
    spec: { containers: [{ name: "main", image: "x" }], ...spec },
    status,
});
const READY = { phase: "Running", podIP: "10.244.1.7", conditions: [{ type: "Ready", status: "True" }] };

const EXPECT: Expectations = {
    stack: "dev",
    namespaces: [
        { name: "airflow", enforce: "baseline" },
        { name: "kafka", enforce: "restricted" },
    ],
    quotas: [{ namespace: "kafka", name: "kafka-quota", hard: { "requests.cpu": "2", "requests.memory": "4Gi", pods: "20" } }],
    journeys: [],
    access: [],
    alwaysFiring: ["Watchdog", "InfoInhibitor"],
};

const prometheusTo: Journey = {
    name: "grafana queries prometheus",
    from: { namespace: "monitoring", labels: { "app.kubernetes.io/name": "grafana" }, describe: "grafana" },
    to: { namespace: "monitoring", labels: { "app.kubernetes.io/name": "prometheus" }, describe: "prometheus" },
    port: "http-web",
    protocol: "TCP",
    expect: "open",
    why: "dashboards",
};
const toInternet: Journey = {
    name: "kafka has no internet",
    from: { namespace: "kafka", labels: { "strimzi.io/kind": "Kafka" }, describe: "broker" },
    to: { ip: "1.1.1.1", describe: "internet" },
    port: 443,
    protocol: "TCP",
    expect: "closed",
    why: "isolation",
};

describe("verify: arguments and output", () => {
    it("parses the stack, connection, format, timeout and check selection, and refuses the rest", () => {
        assert.deepStrictEqual(parseVerifyArgs([]), { stack: "dev", json: false, timeoutSeconds: 600, checks: [...CHECKS] });
        assert.deepStrictEqual(parseVerifyArgs(["--stack", "prod-aws", "--kubeconfig", "k", "--json", "--timeout", "30", "--checks", "pods,access"]), {
            stack: "prod-aws",
            kubeconfig: "k",
            json: true,
            timeoutSeconds: 30,
            checks: ["pods", "access"],
        });
        assert.throws(() => parseVerifyArgs(["--checks", "pods,dns"]), /^Error: unknown check dns: choose from pods, pod-security, quotas, isolation, access, spark, airflow, kafka, prometheus, ui;/);
        assert.throws(() => parseVerifyArgs(["--timeout", "soon"]), /^Error: --timeout must be a positive number of seconds;/);
        assert.throws(() => parseVerifyArgs(["--stak", "dev"]), /^Error: unknown argument --stak; usage: npm run -s verify/);
    });

    it("prints one table per check and a summary that counts failures", () => {
        const text = formatResults([
            { check: "pods", item: "kafka/a", status: "pass", detail: "Ready" },
            { check: "pods", item: "kafka/bb", status: "fail", detail: "Pending" },
            { check: "spark", item: "example", status: "skip", detail: "none" },
        ]);
        assert.strictEqual(text, ["pods", "  PASS  kafka/a   Ready", "  FAIL  kafka/bb  Pending", "", "spark", "  SKIP  example  none", "", "verify: 1 pass, 1 fail, 1 skip"].join("\n"));
    });
});

describe("verify: readiness, Pod Security and quotas", () => {
    it("passes when every pod is Ready or finished, and waits for a starting one", async () => {
        let calls = 0;
        const kube = new FakeKube().add("pods", pod("kafka", "broker-0", {}, READY), pod("airflow", "migrate-x", {}, { phase: "Succeeded" }));
        const starting = pod("kafka", "broker-1", {}, { phase: "Pending", containerStatuses: [{ state: { waiting: { reason: "ContainerCreating" } } }] });
        kube.add("pods", starting);
        const list = kube.list.bind(kube);
        kube.list = async (r, ns, sel) => {
            if (++calls > 2) {
                starting.status = READY;
            }
            return list(r, ns, sel);
        };
        const t = fakeTime();
        const rows = await checkPods(kube, EXPECT, t);
        assert.deepStrictEqual(rows.map((r) => [r.item, r.status]), [["airflow/migrate-x", "pass"], ["kafka/broker-0", "pass"], ["kafka/broker-1", "pass"]]);
        assert.strictEqual(t.slept, 5);
    });

    it("fails with the reason when a pod stays unready past the timeout", async () => {
        const kube = new FakeKube().add("pods", pod("kafka", "broker-0", {}, { phase: "Pending", containerStatuses: [{ state: { waiting: { reason: "ImagePullBackOff" } } }] }));
        const rows = await checkPods(kube, EXPECT, fakeTime(20));
        assert.deepStrictEqual(rows, [{ check: "pods", item: "kafka/broker-0", status: "fail", detail: "Pending (ImagePullBackOff)" }]);
        assert.strictEqual(notReady(pod("a", "b", {}, { phase: "Running", conditions: [{ type: "Ready", status: "False", message: "containers with unready status: [x]" }] })), "Running, not Ready: containers with unready status: [x]");
    });

    it("compares each namespace's enforce label and each quota with the plan", async () => {
        const ns = (name: string, enforce?: string): K8sObject => ({ apiVersion: "v1", kind: "Namespace", metadata: { name, labels: enforce ? { "pod-security.kubernetes.io/enforce": enforce } : {} } });
        const kube = new FakeKube()
            .add("namespaces", ns("airflow", "baseline"), ns("kafka", "privileged"))
            .add("resourcequotas", { apiVersion: "v1", kind: "ResourceQuota", metadata: { name: "kafka-quota", namespace: "kafka" }, spec: { hard: { "requests.cpu": "2000m", "requests.memory": "4Gi", pods: "10" } } });
        assert.deepStrictEqual(await checkPodSecurity(kube, EXPECT), [
            { check: "pod-security", item: "airflow", status: "pass", detail: "enforce=baseline, planned baseline" },
            { check: "pod-security", item: "kafka", status: "fail", detail: "enforce=privileged, planned restricted" },
        ]);
        assert.deepStrictEqual(await checkQuotas(kube, EXPECT), [{ check: "quotas", item: "kafka/kafka-quota", status: "fail", detail: "pods: 10, planned 20" }]);
        assert.deepStrictEqual(await checkQuotas(new FakeKube(), EXPECT), [{ check: "quotas", item: "kafka/kafka-quota", status: "fail", detail: "quota missing" }]);
    });
});

describe("verify: isolation by probe pods", () => {
    const grafanaTarget = pod("monitoring", "prometheus-0", { "app.kubernetes.io/name": "prometheus" }, { ...READY, podIP: "10.244.2.9" }, {
        containers: [{ name: "prometheus", image: "p", ports: [{ name: "http-web", containerPort: 9090 }] }],
    });

    function probingKube(outcomes: Record<string, ExecResult>): FakeKube {
        return new FakeKube({
            exec: (_ns, _pod, command) => outcomes[command[2]] ?? { code: 1, stdout: "", stderr: "OTHER: no route" },
            onGet: (resource, namespace, name) => (resource === "pods" && name.startsWith("dataops-probe-") ? pod(namespace, name, {}, { phase: "Running" }) : undefined),
        }).add("pods", grafanaTarget);
    }

    it("probes from a restricted pod carrying the source's labels, resolves named ports, and cleans up", async () => {
        const kube = probingKube({ "10.244.2.9:9090": { code: 0, stdout: "", stderr: "" }, "1.1.1.1:443": { code: 1, stdout: "", stderr: "TIMEOUT\n" } });
        const rows = await checkIsolation(kube, { ...EXPECT, journeys: [prometheusTo, toInternet] }, fakeTime());
        assert.deepStrictEqual(rows, [
            { check: "isolation", item: "grafana queries prometheus", status: "pass", detail: "10.244.2.9:9090 connected, expected open" },
            { check: "isolation", item: "kafka has no internet", status: "pass", detail: "1.1.1.1:443 timeout, expected closed" },
        ]);
        assert.deepStrictEqual(kube.created.map((p) => [p.metadata.namespace, p.metadata.labels]), [
            ["monitoring", { "app.kubernetes.io/name": "grafana", [PROBE_LABEL]: "true" }],
            ["kafka", { "strimzi.io/kind": "Kafka", [PROBE_LABEL]: "true" }],
        ]);
        assert.deepStrictEqual(kube.execs[0].command, ["/agnhost", "connect", "10.244.2.9:9090", "--timeout=3s", "--protocol=tcp"]);
        assert.deepStrictEqual(kube.deleted.map((d) => d.replace(/-\d+$/, "")), ["pods monitoring/dataops-probe-0", "pods kafka/dataops-probe-1"]);
        const probe = probePod("kafka", {}, "p");
        assert.deepStrictEqual(probe.spec.containers[0].securityContext, { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] } });
        assert.deepStrictEqual(probe.spec.securityContext.seccompProfile, { type: "RuntimeDefault" });
        // Never Ready, so no Service selecting the source's labels routes to it.
        assert.deepStrictEqual(probe.spec.containers[0].readinessProbe, { tcpSocket: { port: 1 }, periodSeconds: 300 });
    });

    it("fails a needed flow that times out and a forbidden flow that gets through (a refusal counts as through)", async () => {
        const kube = probingKube({ "10.244.2.9:9090": { code: 1, stdout: "", stderr: "TIMEOUT" }, "1.1.1.1:443": { code: 1, stdout: "REFUSED", stderr: "" } });
        const rows = await checkIsolation(kube, { ...EXPECT, journeys: [prometheusTo, toInternet] }, fakeTime());
        assert.deepStrictEqual(rows.map((r) => [r.status, r.detail]), [
            ["fail", "10.244.2.9:9090 timeout, expected open"],
            ["fail", "1.1.1.1:443 refused, expected closed"],
        ]);
    });

    it("skips journeys to pods that exist only while jobs run, and UDP", async () => {
        const toDriver: Journey = { ...prometheusTo, name: "executor to driver", to: { namespace: "spark-jobs", labels: { "spark-role": "driver" }, describe: "driver" }, port: 7078 };
        const rows = await checkIsolation(probingKube({}), { ...EXPECT, journeys: [toDriver, { ...toInternet, name: "dns", protocol: "UDP" }] }, fakeTime());
        assert.deepStrictEqual(rows.map((r) => [r.item, r.status, r.detail]), [
            ["executor to driver", "skip", "no live target pod exposes the port (created only while jobs run)"],
            ["dns", "skip", "UDP is not probed (agnhost connect speaks TCP here)"],
        ]);
    });
});

describe("verify: permissions by SubjectAccessReview", () => {
    const teamSpark: AccessJourney = {
        name: "team analytics submits Spark jobs in analytics-jobs",
        subject: { kind: "Group", name: "analytics-devs" },
        verb: "create",
        apiGroup: "sparkoperator.k8s.io",
        resource: "sparkapplications",
        namespace: "analytics-jobs",
        expect: "allow",
        why: "journey",
    };
    const noSecrets: AccessJourney = { ...teamSpark, name: "team reads no kafka secrets", verb: "get", apiGroup: "", resource: "secrets", namespace: "kafka", expect: "deny" };

    it("asks as the team's group (or a service account's identity) and compares the answer", async () => {
        assert.deepStrictEqual(reviewFor(teamSpark).spec, {
            user: "dataops-verify",
            groups: ["analytics-devs", "system:authenticated"],
            resourceAttributes: { namespace: "analytics-jobs", verb: "create", group: "sparkoperator.k8s.io", resource: "sparkapplications" },
        });
        assert.deepStrictEqual(reviewFor({ ...teamSpark, subject: { kind: "ServiceAccount", namespace: "airflow", name: "airflow-worker" }, resource: "pods/log" }).spec, {
            user: "system:serviceaccount:airflow:airflow-worker",
            groups: ["system:serviceaccounts", "system:serviceaccounts:airflow", "system:authenticated"],
            resourceAttributes: { namespace: "analytics-jobs", verb: "create", group: "sparkoperator.k8s.io", resource: "pods", subresource: "log" },
        });
        const allowEverything = new FakeKube({ create: (o) => ({ ...o, status: { allowed: true } }) });
        assert.deepStrictEqual(await checkAccess(allowEverything, { ...EXPECT, access: [teamSpark, noSecrets] }), [
            { check: "access", item: teamSpark.name, status: "pass", detail: "allowed, expected allowed" },
            { check: "access", item: noSecrets.name, status: "fail", detail: "allowed, expected denied" },
        ]);
    });
});

describe("verify: Spark, Airflow and Prometheus journeys", () => {
    const app: K8sObject = { apiVersion: "sparkoperator.k8s.io/v1beta2", kind: "SparkApplication", metadata: { name: "spark-pi", namespace: "spark-jobs" }, spec: {} };
    const sparkKube = (states: string[]) =>
        new FakeKube({
            onGet: (resource, ns, name, calls) =>
                resource.startsWith("sparkapplications") ? { ...app, metadata: { name, namespace: ns }, status: { applicationState: { state: states[Math.min(calls - 1, states.length - 1)], errorMessage: "driver OOMKilled" } } } : undefined,
        });

    it("submits the example SparkApplication under a fresh name and waits for COMPLETED", async () => {
        const kube = sparkKube(["SUBMITTED", "RUNNING", "COMPLETED"]);
        const rows = await checkSpark(kube, { ...EXPECT, sparkApplication: app }, fakeTime());
        assert.deepStrictEqual(rows.map((r) => [r.status, r.detail]), [["pass", "COMPLETED"]]);
        assert.match(kube.created[0].metadata.name, /^spark-pi-verify-\d+$/);
        assert.strictEqual(kube.deleted.length, 1);
        const failed = await checkSpark(sparkKube(["RUNNING", "FAILED"]), { ...EXPECT, sparkApplication: app }, fakeTime());
        assert.deepStrictEqual(failed.map((r) => [r.status, r.detail]), [["fail", "FAILED: driver OOMKilled"]]);
        assert.deepStrictEqual((await checkSpark(new FakeKube(), EXPECT, fakeTime())).map((r) => r.status), ["skip"]);
    });

    it("triggers the DAG through the scheduler and waits for the run to succeed", async () => {
        let polls = 0;
        const kube = new FakeKube({
            exec: (_ns, _pod, command) =>
                command[2] === "trigger"
                    ? { code: 0, stdout: '[{"dag_id":"spark_pi","dag_run_id":"manual__1"}]', stderr: "" }
                    : { code: 0, stdout: JSON.stringify([{ run_id: "manual__1", state: ++polls < 2 ? "running" : "success" }]), stderr: "" },
        }).add("pods", pod("airflow", "airflow-scheduler-0", { component: "scheduler" }, READY));
        const rows = await checkAirflow(kube, { ...EXPECT, airflowDag: "spark_pi" }, fakeTime(), "airflow");
        assert.deepStrictEqual(rows, [{ check: "airflow", item: "spark_pi manual__1", status: "pass", detail: "success" }]);
        assert.deepStrictEqual(kube.execs[0].command, ["airflow", "dags", "trigger", "spark_pi", "--output", "json"]);
        const none = await checkAirflow(new FakeKube(), { ...EXPECT, airflowDag: "spark_pi" }, fakeTime(), "airflow");
        assert.deepStrictEqual(none.map((r) => [r.status, r.detail]), [["fail", "no ready scheduler pod"]]);
    });

    it("needs every active target up and no alert firing but the always-on ones", async () => {
        const answers = (targets: unknown[], alerts: unknown[]) =>
            new FakeKube({
                exec: (_ns, _pod, command) => ({ code: 0, stdout: JSON.stringify({ data: command[2].includes("targets") ? { activeTargets: targets } : { alerts } }), stderr: "" }),
            }).add("pods", pod("monitoring", "prometheus-kps-prometheus-0", { "app.kubernetes.io/name": "prometheus" }, READY));
        const up = { scrapePool: "podMonitor/kafka/kafka-resources-metrics/0", scrapeUrl: "http://10.244.1.4:9404/metrics", health: "up", lastError: "" };
        const watchdog = { labels: { alertname: "Watchdog" }, state: "firing" };
        assert.deepStrictEqual((await checkPrometheus(answers([up], [watchdog]), EXPECT, "monitoring")).map((r) => [r.status, r.detail]), [
            ["pass", "up"],
            ["pass", "none firing but Watchdog, InfoInhibitor"],
        ]);
        const down = { ...up, health: "down", lastError: "context deadline exceeded" };
        const lag = { labels: { alertname: "KafkaConsumerLag", namespace: "kafka" }, state: "firing" };
        assert.deepStrictEqual((await checkPrometheus(answers([down], [watchdog, lag]), EXPECT, "monitoring")).map((r) => [r.status, r.detail]), [
            ["fail", "down: context deadline exceeded"],
            ["fail", "firing: KafkaConsumerLag{namespace=kafka}"],
        ]);
    });

    it("keeps running the other checks when one throws, and fails the run", async () => {
        const broken = new FakeKube();
        broken.list = async () => {
            throw new Error("kubectl get pods: Unable to connect to the server");
        };
        const rows = await runChecks(broken, EXPECT, ["pods", "access"], fakeTime());
        assert.deepStrictEqual(rows, [{ check: "pods", item: "(check)", status: "fail", detail: "kubectl get pods: Unable to connect to the server" }]);
    });
});

describe("verify: a team produces to its Kafka topic", function () {
    this.timeout(120_000);
    const ANALYTICS: KafkaExpectation = {
        team: "analytics",
        namespace: "analytics-jobs",
        secret: "kafka-analytics",
        topic: "analytics.orders",
        group: "analytics.dataops-verify",
        forbiddenTopic: FORBIDDEN_TOPIC,
        image: "quay.io/strimzi/kafka:1.2.0-kafka-4.3.1",
    };
    const running = () =>
        new FakeKube({
            onGet: (resource, namespace, name) => (resource === "pods" ? { apiVersion: "v1", kind: "Pod", metadata: { name, namespace }, status: { phase: "Running" } } : undefined),
            exec: (_ns, _pod, command) => answers(command),
        });
    let answers: (command: string[]) => ExecResult = () => ({ code: 0, stdout: "", stderr: "" });

    it("expects each team with a user and a topic, from where its client Secret is, with the cluster's Kafka image", async () => {
        const objects = (await stackModel("prod-aws")).objects.map((o) => o.object);
        assert.deepStrictEqual(kafkaExpectations(objects), [ANALYTICS]);
        assert.deepStrictEqual(kafkaExpectations((await stackModel("dev")).objects.map((o) => o.object)), []);
    });

    it("produces a fresh message, reads it back in a group under the team's prefix, and is refused outside it", async () => {
        const message = "dataops-verify analytics 1000";
        answers = (command) =>
            command[2].includes("kafka-console-consumer")
                ? { code: 0, stdout: `earlier\n${message}\n`, stderr: "Processed a total of 2 messages" }
                : command[4] === FORBIDDEN_TOPIC
                  ? { code: 0, stdout: "", stderr: "ERROR Error when sending message to topic dataops-verify.not-yours: org.apache.kafka.common.errors.TopicAuthorizationException" }
                  : { code: 0, stdout: "", stderr: "" };
        const kube = running();
        const rows = await checkKafka(kube, { ...EXPECT, kafka: [ANALYTICS] }, fakeTime());
        assert.deepStrictEqual(rows.map((r) => [r.item, r.status, r.detail]), [
            ["analytics produces to analytics.orders", "pass", "sent"],
            ["analytics reads analytics.orders as analytics.dataops-verify", "pass", "read back"],
            ["analytics writes dataops-verify.not-yours", "pass", "refused (not authorized), as expected"],
        ]);
        const pod = kube.created[0];
        assert.deepStrictEqual([pod.metadata.namespace, pod.spec.containers[0].image, pod.spec.volumes[0]], ["analytics-jobs", ANALYTICS.image, { name: "client", secret: { secretName: "kafka-analytics" } }]);
        assert.deepStrictEqual(pod.spec.containers[0].volumeMounts[0], { name: "client", mountPath: "/etc/kafka-client", readOnly: true });
        assert.deepStrictEqual(pod.spec.containers[0].securityContext, { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] } });
        assert.deepStrictEqual(kube.execs.map((e) => e.command.slice(3)), [
            [message, "analytics.orders"],
            ["analytics.orders", "analytics.dataops-verify"],
            [message, FORBIDDEN_TOPIC],
        ]);
        assert.ok(kube.execs[0].command[2].includes("--producer.config /etc/kafka-client/client.properties"));
        assert.deepStrictEqual(kube.deleted, [`pods analytics-jobs/${pod.metadata.name}`]);
    });

    it("fails when the message is not read back or a write outside the prefix gets through; skips without Kafka teams", async () => {
        answers = (command) => (command[2].includes("kafka-console-consumer") ? { code: 0, stdout: "", stderr: "Processed a total of 0 messages" } : { code: 0, stdout: "", stderr: "" });
        const rows = await checkKafka(running(), { ...EXPECT, kafka: [ANALYTICS] }, fakeTime());
        assert.deepStrictEqual(rows.map((r) => [r.status, r.detail]), [
            ["pass", "sent"],
            ["fail", "message not read back: Processed a total of 0 messages"],
            ["fail", "not refused: no output (exit 0)"],
        ]);
        assert.deepStrictEqual((await checkKafka(running(), EXPECT, fakeTime())).map((r) => r.status), ["skip"]);
    });
});

describe("verify: the UIs through the front door", () => {
    const CA = "-----BEGIN CERTIFICATE-----\nlocal CA\n-----END CERTIFICATE-----\n";
    const caSecret = { apiVersion: "v1", kind: "Secret", metadata: { name: "dataops-local-ca", namespace: "cert-manager" }, data: { "ca.crt": Buffer.from(CA).toString("base64") } };
    /** Answers by URL; records what was asked and with which CA. */
    const fetcher = (answers: Record<string, number | Error>) => {
        const asked: [string, string | undefined][] = [];
        const get: HttpsGet = async (url, ca) => {
            asked.push([url, ca]);
            const a = answers[url];
            if (a instanceof Error) throw a;
            return { status: a };
        };
        return { get, asked };
    };

    it("expects the dev stack's Airflow and Grafana healthy at their hostnames, trusting the stack's local CA", async () => {
        const objects = (await stackModel("dev")).objects.map((o) => o.object);
        assert.deepStrictEqual(uiExpectations(objects), [
            { ui: "airflow", url: "https://airflow.localtest.me/api/v2/monitor/health", expect: "healthy" },
            { ui: "grafana", url: "https://grafana.localtest.me/api/health", expect: "healthy" },
        ]);
        assert.deepStrictEqual(uiCa(objects), { namespace: "cert-manager", name: "dataops-local-ca", key: "ca.crt" });
    });

    it("passes healthy UIs and proxied ones that ask for sign-in, with the CA read from its Secret", async () => {
        const exp: Expectations = {
            ...EXPECT,
            uis: [
                { ui: "airflow", url: "https://airflow.localtest.me/api/v2/monitor/health", expect: "healthy" },
                { ui: "prometheus", url: "https://prometheus.localtest.me/", expect: "sign-in" },
            ],
            uiCa: { namespace: "cert-manager", name: "dataops-local-ca", key: "ca.crt" },
        };
        const { get, asked } = fetcher({ "https://airflow.localtest.me/api/v2/monitor/health": 200, "https://prometheus.localtest.me/": 302 });
        const rows = await checkUis(new FakeKube().add("secrets", caSecret), exp, get);
        assert.deepStrictEqual(rows.map((r) => [r.item, r.status, r.detail]), [
            ["airflow", "pass", "https://airflow.localtest.me/api/v2/monitor/health: HTTP 200, expected 200"],
            ["prometheus", "pass", "https://prometheus.localtest.me/: HTTP 302, expected a sign-in redirect or refusal"],
        ]);
        assert.deepStrictEqual(asked.map(([, ca]) => ca), [CA, CA]);
    });

    it("fails a proxied UI open without sign-in, an unhealthy UI, an unreachable one and a missing CA; skips when the front door is off", async () => {
        const exp: Expectations = {
            ...EXPECT,
            uis: [
                { ui: "airflow", url: "https://a/h", expect: "healthy" },
                { ui: "grafana", url: "https://g/h", expect: "healthy" },
                { ui: "prometheus", url: "https://p/", expect: "sign-in" },
            ],
        };
        const { get } = fetcher({ "https://a/h": 503, "https://g/h": new Error("connect ECONNREFUSED 127.0.0.1:443"), "https://p/": 200 });
        assert.deepStrictEqual((await checkUis(new FakeKube(), exp, get)).map((r) => [r.item, r.status, r.detail]), [
            ["airflow", "fail", "https://a/h: HTTP 503, expected 200"],
            ["grafana", "fail", "https://g/h: connect ECONNREFUSED 127.0.0.1:443"],
            ["prometheus", "fail", "https://p/: HTTP 200, expected a sign-in redirect or refusal"],
        ]);
        const withCa = { ...exp, uiCa: { namespace: "cert-manager", name: "dataops-local-ca", key: "ca.crt" } };
        assert.deepStrictEqual((await checkUis(new FakeKube(), withCa, get)).map((r) => r.status), ["fail"]);
        assert.deepStrictEqual((await checkUis(new FakeKube(), EXPECT, get)).map((r) => [r.status, r.detail]), [["skip", "the front door is off (dataops:access)"]]);
    });
});

describe("verify: the dev stack end to end against a fake cluster", function () {
    this.timeout(120_000);

    /** Runs verify's access check on the dev stack against a cluster answering reviews with `answer`. */
    async function verifyAccess(answer: (review: K8sObject) => boolean): Promise<{ code: number; out: { stack: string; results: { status: string; item: string }[]; summary: Record<string, number> }; reviews: number }> {
        const lines: string[] = [];
        const [log, err] = [console.log, console.error];
        console.log = (s: string) => lines.push(s);
        console.error = () => undefined;
        let kube: FakeKube | undefined;
        try {
            const code = await main(["--stack", "dev", "--json", "--checks", "access"], () => {
                kube = new FakeKube({ create: (o) => ({ ...o, status: { allowed: answer(o) } }) });
                return kube;
            });
            assert.ok(kube!.created.every((o) => o.kind === "SubjectAccessReview"));
            return { code, out: JSON.parse(lines.join("\n")), reviews: kube!.created.length };
        } finally {
            console.log = log;
            console.error = err;
        }
    }

    it("on a cluster whose RBAC is what the rendered model holds, finds exactly what the offline check finds", async () => {
        const objects = (await stackModel("dev")).objects.map((o) => o.object);
        const offline = evaluateAccess(objects, accessJourneys(objects));
        const { code, out, reviews } = await verifyAccess((review) => {
            const { user, groups, resourceAttributes: a } = review.spec;
            const sa = /^system:serviceaccount:([^:]+):(.+)$/.exec(user);
            const subject: Subject = sa ? { kind: "ServiceAccount", namespace: sa[1], name: sa[2] } : { kind: "User", name: user, groups };
            return can(objects, subject, a.verb, a.group, a.subresource ? `${a.resource}/${a.subresource}` : a.resource, a.namespace);
        });
        assert.strictEqual(out.stack, "dev");
        assert.strictEqual(reviews, offline.length);
        const broken = offline.filter((r) => r.status === "broken").map((r) => r.journey.name);
        assert.deepStrictEqual(out.results.filter((r) => r.status === "fail").map((r) => r.item), broken);
        assert.deepStrictEqual(out.summary, { pass: offline.length - broken.length, fail: broken.length, skip: 0 });
        assert.strictEqual(code, broken.length === 0 ? 0 : 1);
    });

    it("fails and exits 1 on a cluster that denies everything (every needed permission breaks)", async () => {
        const { code, out } = await verifyAccess(() => false);
        assert.ok(out.summary.fail > 0);
        assert.strictEqual(out.summary.fail, out.results.filter((r) => r.status === "fail").length);
        assert.strictEqual(code, 1);
    });
});
