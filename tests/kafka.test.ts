// Kafka tenancy: authenticated listeners and simple authorization, one KafkaUser per team with exactly its prefix
// ACLs, topics from config validated before any resource, credentials in the team's namespaces (secret in state), every
// custom resource checked against Strimzi 1.2.0's schemas, and the TLS listener reachable only where credentials are.
import * as assert from "assert";
import * as k8s from "@pulumi/kubernetes";
import { localClusterInfo } from "../components/cluster/local";
import { Kafka } from "../components/workloads/kafka";
import { kafkaSpec, KafkaSpecInput, REBALANCE_TEMPLATES } from "../components/workloads/kafka/cluster";
import { caCertGeneration, clientSecretData } from "../components/workloads/kafka/credentials";
import { teamAcls } from "../components/workloads/kafka/tenancy";
import { KAFKA_JMX_EXPORTER_CONFIG } from "../components/workloads/kafka-metrics";
import { EXPOSED_METRICS } from "../components/observability/metrics";
import { isolationReport, IsolationReport } from "../scripts/isolation";
import { loadConfig } from "../stacks/config";
import { ConfigError } from "../stacks/problems";
import { chartKeys } from "./chart-values";
import { brief, configProblems } from "./config-problems";
import { RecordedResource, Resources, Run, runIndex, runMocked } from "./harness";

const SECRET = "kubernetes:core/v1:Secret";
const CR = (kind: string) => `kubernetes:kafka.strimzi.io/v1:${kind}`;
const KINDS = ["Kafka", "KafkaNodePool", "KafkaUser", "KafkaTopic", "KafkaRebalance"];

const TEAMS = [
    {
        name: "analytics",
        role: "edit",
        groups: ["analytics-devs"],
        ownNamespaces: ["analytics-jobs", "analytics-stream"],
        kafka: {
            topics: [
                { name: "orders", partitions: 6, retentionHours: 48 },
                { name: "orders.dlq", config: { "cleanup.policy": "compact", "max.message.bytes": 2097152 } },
            ],
            clientNamespaces: ["spark-jobs"],
        },
    },
    { name: "ml", role: "edit", groups: ["ml-team"], ownNamespaces: ["ml-jobs"] },
];
const WITH_TEAMS = { "dataops:cloud": "local", "dataops:teams": JSON.stringify(TEAMS) };
const PROD_TEAMS = [{ ...TEAMS[0], kafka: { topics: [{ name: "orders", partitions: 12, replicas: 3, config: { "min.insync.replicas": 2 } }] } }, TEAMS[1]];
const PROD = { "dataops:cloud": "local", "dataops:teams": JSON.stringify(PROD_TEAMS) };

const input = (brokers: number, profile: "dev" | "prod" = "prod"): KafkaSpecInput => ({
    profile,
    clusterName: "dataops",
    version: "4.3.1",
    metadataVersion: "4.3-IV0",
    brokers,
    storageGi: 100,
    zoneTopologyKey: "topology.kubernetes.io/zone",
});

describe("kafka: cluster security (pure)", () => {
    it("has one listener, TLS with SCRAM-SHA-512, and simple authorization with no extra super users", () => {
        const spec = kafkaSpec(input(3)) as any;
        assert.deepStrictEqual(spec.kafka.listeners, [{ name: "tls", port: 9093, type: "internal", tls: true, authentication: { type: "scram-sha-512" } }]);
        for (const l of spec.kafka.listeners) {
            assert.strictEqual(l.tls, true, `${l.name} uses TLS`);
            assert.strictEqual(l.authentication?.type, "scram-sha-512", `${l.name} authenticates clients`);
        }
        assert.deepStrictEqual(spec.kafka.authorization, { type: "simple" });
        assert.deepStrictEqual(spec.clusterCa, { generateCertificateAuthority: false });
        assert.strictEqual(spec.kafka.config["auto.create.topics.enable"], false);
    });

    it("runs Cruise Control with the rebalance templates for adding and removing brokers, except on a single broker", () => {
        assert.deepStrictEqual((kafkaSpec(input(3)) as any).cruiseControl, {
            resources: { requests: { cpu: "250m", memory: "1Gi" }, limits: { cpu: "1", memory: "2Gi" } },
            autoRebalance: [
                { mode: "add-brokers", template: { name: "rebalance-add-brokers" } },
                { mode: "remove-brokers", template: { name: "rebalance-remove-brokers" } },
            ],
        });
        assert.strictEqual((kafkaSpec(input(1, "dev")) as any).cruiseControl, undefined);
        assert.deepStrictEqual(
            REBALANCE_TEMPLATES.map((t) => t.name),
            ["rebalance-add-brokers", "rebalance-remove-brokers"],
        );
    });

    it("gives a team exactly its prefix: its topics, consumer groups and transactional ids, no create or delete", () => {
        assert.deepStrictEqual(teamAcls("analytics"), [
            { resource: { type: "topic", name: "analytics.", patternType: "prefix" }, operations: ["Describe", "DescribeConfigs", "Read", "Write"] },
            { resource: { type: "group", name: "analytics.", patternType: "prefix" }, operations: ["Describe", "Read"] },
            { resource: { type: "transactionalId", name: "analytics.", patternType: "prefix" }, operations: ["Describe", "Write"] },
        ]);
    });

    it("builds the client configuration around the TLS listener and the mounted CA", () => {
        const d = clientSecretData("dataops", "team-analytics", "pw", "CERT");
        assert.deepStrictEqual(Object.keys(d), ["bootstrap.servers", "sasl.mechanism", "username", "password", "sasl.jaas.config", "ca.crt", "client.properties"]);
        assert.strictEqual(d["sasl.jaas.config"], 'org.apache.kafka.common.security.scram.ScramLoginModule required username="team-analytics" password="pw";');
        assert.strictEqual(
            d["client.properties"],
            [
                "bootstrap.servers=dataops-kafka-bootstrap.kafka.svc:9093",
                "security.protocol=SASL_SSL",
                "sasl.mechanism=SCRAM-SHA-512",
                `sasl.jaas.config=${d["sasl.jaas.config"]}`,
                "ssl.truststore.type=PEM",
                "ssl.truststore.location=/etc/kafka-client/ca.crt",
                "",
            ].join("\n"),
        );
    });

    it("exports the brokers' failed-authentication counter under the name the alert queries", () => {
        // The JMX exporter matches `domain<properties><>attribute: value` against each rule in turn (first match wins),
        // each pattern wrapped as ^.*(?:pattern).*$.
        const bean = "kafka.server<type=socket-server-metrics, listener=TLS-9093, networkProcessor=3><>failed-authentication-total: 4.0";
        const rule = KAFKA_JMX_EXPORTER_CONFIG.rules.find((r) => new RegExp(`^.*(?:${r.pattern}).*$`).test(bean));
        assert.strictEqual(rule?.name, "kafka_server_socket_server_metrics_failed_authentication_total");
        assert.strictEqual(rule?.type, "COUNTER");
        const m = new RegExp(`^.*(?:${rule!.pattern}).*$`).exec(bean)!;
        assert.deepStrictEqual(
            Object.fromEntries(Object.entries(rule!.labels ?? {}).map(([k, v]) => [k, v.replace(/\$(\d)/g, (_, i) => m[Number(i)])])),
            { listener: "TLS-9093", networkprocessor: "3" },
        );
        assert.ok(EXPOSED_METRICS.kafka.includes(rule!.name));
    });

    it("raises the CA certificate generation with every renewal", () => {
        assert.strictEqual(caCertGeneration("2026-12-01T09:00:00Z"), "498921");
        assert.ok(Number(caCertGeneration("2031-06-01T00:00:00Z")) > Number(caCertGeneration("2026-12-01T09:00:00Z")));
    });
});

describe("kafka: team config validation", () => {
    const problemsOf = (teams: unknown[], extra: Record<string, string> = {}, stack = "dev") =>
        configProblems({ "dataops:cloud": "local", "dataops:teams": JSON.stringify(teams), ...extra }, stack).map(brief);
    const team = (kafka: unknown, more: Record<string, unknown> = {}) => ({ name: "analytics", role: "edit", groups: ["g"], ownNamespaces: ["analytics-jobs"], kafka, ...more });

    it("accepts topics and resolves them under the team prefix", () => {
        const { config } = loadConfig(WITH_TEAMS, "dev");
        assert.deepStrictEqual(config.teams[0].kafka, TEAMS[0].kafka);
    });

    it("names the key, the value and the fix for every bad topic field, all at once", () => {
        assert.deepStrictEqual(
            problemsOf([
                team({
                    topics: [
                        { name: "Orders_V1", partitions: 0, replicas: 2, retentionHours: 9000 },
                        { name: "analytics.clicks", partitions: 5000, config: { "retention.ms": 1000, "cleanup.polcy": "compact", "unclean.leader.election.enable": true } },
                        { name: "events", config: { "min.insync.replicas": 2 } },
                        { name: "events" },
                    ],
                }),
            ]),
            [
                "dataops:teams[0].kafka.topics[0].name: must be lowercase letters, digits, '-' and '.', starting and ending with a letter or digit. Fix: rename it, e.g. orders-v1; it is created as analytics.<name>.",
                "dataops:teams[0].kafka.topics[0].partitions: must be between 1 and 1000. Fix: set it to the number of consumers you want to run in parallel (default 3); partitions can be added later, never removed.",
                "dataops:teams[0].kafka.topics[0].replicas: is more than the 1 broker of the cluster (dataops:kafka.brokers); each replica needs its own broker. Fix: set it to at most 1, or raise dataops:kafka.brokers.",
                "dataops:teams[0].kafka.topics[0].retentionHours: must be between 1 and 8760 hours (365 days). Fix: pick a retention in that range, or bound the topic by size with config.retention.bytes.",
                'dataops:teams[0].kafka.topics[1].name: already starts with the team prefix "analytics."; the topic would be "analytics.analytics.clicks". Fix: write only the part after the prefix: clicks.',
                "dataops:teams[0].kafka.topics[1].partitions: must be between 1 and 1000. Fix: set it to the number of consumers you want to run in parallel (default 3); partitions can be added later, never removed.",
                'dataops:teams[0].kafka.topics[1].config["retention.ms"]: is set through retentionHours. Fix: remove it and set dataops:teams[0].kafka.topics[1].retentionHours instead.',
                'dataops:teams[0].kafka.topics[1].config["cleanup.polcy"]: is not a Kafka topic configuration. Did you mean "cleanup.policy"? Fix: use a topic-level config from https://kafka.apache.org/documentation/#topicconfigs, e.g. cleanup.policy or retention.bytes.',
                'dataops:teams[0].kafka.topics[1].config["unclean.leader.election.enable"]: is managed by the platform, not per topic. Fix: remove it.',
                'dataops:teams[0].kafka.topics[2].config["min.insync.replicas"]: must be a whole number from 1 to 1 for 1 replica: otherwise producers with acks=all are refused as soon as one replica is down. Fix: remove it (the cluster default is 1) or lower it below replicas.',
                "dataops:teams[0].kafka.topics[3].name: duplicates dataops:teams[0].kafka.topics[2].name; each topic is listed once. Fix: merge the two entries or rename one.",
            ],
        );
    });

    it("shows the offending value, and catches unknown fields and wrong types through the schema", () => {
        const [p] = configProblems({ "dataops:cloud": "local", "dataops:teams": JSON.stringify([team({ topics: [{ name: "orders", partitions: 0 }] })]) });
        assert.deepStrictEqual([p.key, p.value], ["dataops:teams[0].kafka.topics[0].partitions", 0]);
        assert.deepStrictEqual(problemsOf([team({ topics: [{ name: "orders", partition: 3, replicas: "3" }] })]), [
            "dataops:teams[0].kafka.topics[0].replicas: must be a number (write it unquoted in YAML, e.g. 3).",
            'dataops:teams[0].kafka.topics[0].partition: is not a known field. Did you mean "partitions"? Fix: use one of: name, partitions, replicas, retentionHours, config.',
        ]);
    });

    it("asks prod topics for three replicas and a min.insync.replicas below them", () => {
        assert.deepStrictEqual(problemsOf([team({ topics: [{ name: "a", replicas: 2 }, { name: "b", replicas: 3, config: { "min.insync.replicas": 3 } }] })], {}, "prod"), [
            "dataops:teams[0].kafka.topics[0].replicas: must be at least 3 in the prod profile, so the topic keeps its data and accepts writes when a broker is down. Fix: set it to 3 or more, or remove it to use the cluster default (3).",
            'dataops:teams[0].kafka.topics[1].config["min.insync.replicas"]: must be a whole number from 1 to 2 for 3 replicas: otherwise producers with acks=all are refused as soon as one replica is down. Fix: remove it (the cluster default is 2) or lower it below replicas.',
        ]);
        assert.deepStrictEqual(problemsOf(PROD_TEAMS, {}, "prod"), []);
    });

    it("delivers credentials only to the team's own namespaces or shared job namespaces, and needs Kafka enabled", () => {
        const ml = { name: "ml", role: "edit", groups: ["m"], ownNamespaces: ["ml-jobs"] };
        assert.deepStrictEqual(problemsOf([team({ clientNamespaces: ["ml-jobs", "monitoring", "spark-job", "analytics-jobs"] }), ml]), [
            'dataops:teams[0].kafka.clientNamespaces[0]: is owned by team "ml": team analytics\'s Kafka credentials there would be readable by that team. Fix: run team analytics\'s clients in its own namespaces (analytics-jobs).',
            "dataops:teams[0].kafka.clientNamespaces[1]: is not a namespace where the platform runs Kafka clients. Fix: use airflow or spark-jobs; the team's own namespaces get its credentials anyway.",
            'dataops:teams[0].kafka.clientNamespaces[2]: is not a namespace where the platform runs Kafka clients. Did you mean "spark-jobs"? Fix: use airflow or spark-jobs; the team\'s own namespaces get its credentials anyway.',
        ]);
        assert.deepStrictEqual(problemsOf([team({ topics: [{ name: "orders" }] })], { "dataops:kafka": '{"enabled":false}' }), [
            "dataops:teams[0].kafka: is set but dataops:kafka.enabled is false: there is no cluster for the team's topics and user. Fix: remove dataops:teams[0].kafka, or enable Kafka.",
        ]);
    });

    it("fails a bad topic before any resource exists", async () => {
        const run = await runIndex("dev", { "dataops:cloud": "local", "dataops:teams": JSON.stringify([team({ topics: [{ name: "orders", replicas: 3 }] })]) });
        assert.ok(run.error instanceof ConfigError, String(run.error));
        assert.match(run.error.message, /dataops:teams\[0\]\.kafka\.topics\[0\]\.replicas = 3: is more than the 1 broker/);
        assert.deepStrictEqual(run.resources, []);
    });
});

/** Paths of a spec with list items as `[]`, as in the CRD key list; maps end in their keys. */
function specPaths(v: unknown, prefix: string): string[] {
    if (Array.isArray(v)) {
        return v.length === 0 ? [prefix] : v.flatMap((x) => specPaths(x, `${prefix}[]`));
    }
    if (v !== null && typeof v === "object" && Object.keys(v).length > 0) {
        return [prefix, ...Object.entries(v).flatMap(([k, x]) => specPaths(x, `${prefix}.${k}`))];
    }
    return [prefix];
}

const CRD_KEYS = chartKeys("strimzi-1.2.0-crds.txt");

/** Fields the Strimzi 1.2.0 CRD does not have (the API server would drop them without a word). */
function unknownFields(r: RecordedResource): string[] {
    return specPaths(r.inputs.spec, `${r.inputs.kind}.spec`).filter((p) => {
        if (CRD_KEYS.has(p)) {
            return false;
        }
        const parts = p.split(".");
        return !parts.some((_, i) => i > 0 && CRD_KEYS.has(`${parts.slice(0, i).join(".")}.*`));
    });
}

async function modelProblems(r: RecordedResource): Promise<string | undefined> {
    const models = (await import("@kubernetes-models/strimzi-kafka-operator/kafka.strimzi.io/v1")) as unknown as Record<string, new (o: unknown) => { validate(): void }>;
    try {
        new models[r.inputs.kind](r.inputs).validate();
        return undefined;
    } catch (e) {
        return `${r.name}: ${(e as Error).message}`;
    }
}

describe("kafka: tenants under mocks", () => {
    let dev: Run;
    let prod: Run;
    let res: Resources;
    let report: IsolationReport;
    before(async () => {
        // One mocked program at a time: the mocks are process-wide.
        dev = await runIndex("dev", WITH_TEAMS);
        prod = await runIndex("prod", PROD);
        assert.strictEqual(dev.error, undefined, dev.error?.message);
        assert.strictEqual(prod.error, undefined, prod.error?.message);
        res = new Resources(dev.resources);
        report = isolationReport(dev.resources);
    });

    it("creates one KafkaUser per team with Kafka, with SCRAM from the program's password and exactly its prefix ACLs", () => {
        const users = res.ofType(CR("KafkaUser"));
        assert.deepStrictEqual(
            users.map((u) => u.name),
            ["platform-kafka-user-analytics"],
        );
        const [u] = users;
        assert.deepStrictEqual(u.inputs.metadata, {
            name: "team-analytics",
            namespace: "kafka",
            labels: { "app.kubernetes.io/part-of": "dataops", "app.kubernetes.io/managed-by": "pulumi", "dataops.io/team": "analytics", "strimzi.io/cluster": "dataops" },
        });
        assert.deepStrictEqual(u.inputs.spec, {
            authentication: { type: "scram-sha-512", password: { valueFrom: { secretKeyRef: { name: "kafka-password-analytics", key: "password" } } } },
            authorization: {
                type: "simple",
                acls: [
                    { type: "allow", resource: { type: "topic", name: "analytics.", patternType: "prefix" }, operations: ["Describe", "DescribeConfigs", "Read", "Write"] },
                    { type: "allow", resource: { type: "group", name: "analytics.", patternType: "prefix" }, operations: ["Describe", "Read"] },
                    { type: "allow", resource: { type: "transactionalId", name: "analytics.", patternType: "prefix" }, operations: ["Describe", "Write"] },
                ],
            },
        });
        const password = res.get(SECRET, "platform-kafka-user-analytics-password");
        assert.deepStrictEqual([password.inputs.metadata.name, password.inputs.metadata.namespace, password.secretPaths], ["kafka-password-analytics", "kafka", ["stringData"]]);
        assert.ok(u.dependencies.includes(password.urn), "the user waits for its password Secret");
        assert.ok(u.dependencies.includes(res.get(CR("Kafka"), "platform-kafka-cluster").urn), "and for the cluster");
    });

    it("creates the team's topics under its prefix", () => {
        const topics = res.ofType(CR("KafkaTopic"));
        assert.deepStrictEqual(
            topics.map((t) => [t.inputs.metadata.name, t.inputs.metadata.labels["dataops.io/team"], t.inputs.metadata.labels["strimzi.io/cluster"], t.inputs.spec, t.protect]),
            [
                ["analytics.orders", "analytics", "dataops", { partitions: 6, replicas: 1, config: { "retention.ms": 172800000 } }, false],
                ["analytics.orders.dlq", "analytics", "dataops", { partitions: 3, replicas: 1, config: { "cleanup.policy": "compact", "max.message.bytes": 2097152 } }, false],
            ],
        );
        const prodTopics = new Resources(prod.resources).ofType(CR("KafkaTopic"));
        assert.deepStrictEqual(
            prodTopics.map((t) => [t.inputs.metadata.name, t.inputs.spec, t.protect]),
            [["analytics.orders", { partitions: 12, replicas: 3, config: { "min.insync.replicas": 2 } }, true]],
        );
    });

    it("validates every Strimzi resource against the 1.2.0 CRDs: schema and no unknown field", async () => {
        const crs = [...dev.resources, ...prod.resources].filter((r) => r.type.startsWith("kubernetes:kafka.strimzi.io/"));
        assert.deepStrictEqual([...new Set(crs.map((r) => r.inputs.kind))].sort(), [...KINDS].sort());
        const problems = [...(await Promise.all(crs.map(modelProblems))).filter((p) => p !== undefined), ...crs.flatMap((r) => unknownFields(r).map((p) => `${r.name}: ${p}`))];
        assert.deepStrictEqual(problems, []);
        // The check is real: a misspelt field and a bad enum are both caught.
        const user = res.get(CR("KafkaUser"), "platform-kafka-user-analytics");
        const broken = { ...user, inputs: { ...user.inputs, spec: { ...user.inputs.spec, authentication: { type: "scram-sha-256" }, quota: {} } } };
        assert.deepStrictEqual(unknownFields(broken), ["KafkaUser.spec.quota"]);
        assert.match((await modelProblems(broken)) ?? "", /authentication\/type must be equal to one of the allowed values/);
    });

    it("puts the team's client Secret in its own and designated namespaces only, secret in state", () => {
        const clients = res.ofType(SECRET).filter((s) => s.inputs.metadata.name === "kafka-analytics");
        assert.deepStrictEqual(clients.map((s) => s.inputs.metadata.namespace), ["analytics-jobs", "analytics-stream", "spark-jobs"]);
        assert.deepStrictEqual(res.ofType(SECRET).filter((s) => s.inputs.metadata.namespace === "ml-jobs"), []);
        const caCert = res.get(SECRET, "platform-kafka-cluster-ca-cert").inputs.stringData["ca.crt"];
        const password = res.get(SECRET, "platform-kafka-user-analytics-password").inputs.stringData.password;
        for (const s of clients) {
            assert.deepStrictEqual(s.secretPaths, ["stringData"], `${s.name} is secret in state`);
            assert.deepStrictEqual(s.inputs.stringData, clientSecretData("dataops", "team-analytics", password, caCert));
        }
        assert.strictEqual(password, "mock-password-platform-kafka-user-analytics-password");
        // The password appears nowhere but in secret inputs.
        const leaks = dev.resources.filter((r) => JSON.stringify(r.inputs).includes(password) && !r.secretPaths.includes("stringData"));
        assert.deepStrictEqual(leaks.map((r) => r.name), []);
    });

    it("provides the cluster CA to Strimzi under its names, labels and generations, before the cluster", () => {
        const cert = res.get(SECRET, "platform-kafka-cluster-ca-cert");
        const key = res.get(SECRET, "platform-kafka-cluster-ca");
        const labels = { "app.kubernetes.io/part-of": "dataops", "app.kubernetes.io/managed-by": "pulumi", "strimzi.io/kind": "Kafka", "strimzi.io/cluster": "dataops" };
        assert.deepStrictEqual(cert.inputs.metadata, { name: "dataops-cluster-ca-cert", namespace: "kafka", labels, annotations: { "strimzi.io/ca-cert-generation": "498921" } });
        assert.deepStrictEqual(key.inputs.metadata, { name: "dataops-cluster-ca", namespace: "kafka", labels, annotations: { "strimzi.io/ca-key-generation": "0" } });
        assert.match(key.inputs.stringData["ca.key"], /^-----BEGIN PRIVATE KEY-----/);
        assert.deepStrictEqual(key.secretPaths, ["stringData"]);
        const ca = res.get("tls:index/selfSignedCert:SelfSignedCert", "platform-kafka-cluster-ca-cert");
        assert.deepStrictEqual(
            [ca.inputs.isCaCertificate, ca.inputs.validityPeriodHours, ca.inputs.earlyRenewalHours, ca.inputs.allowedUses],
            [true, 43800, 4320, ["cert_signing", "crl_signing"]],
        );
        assert.deepStrictEqual(res.get("tls:index/privateKey:PrivateKey", "platform-kafka-cluster-ca-key").inputs, { algorithm: "RSA", rsaBits: 4096 });
        const kafka = res.get(CR("Kafka"), "platform-kafka-cluster");
        assert.ok(kafka.dependencies.includes(cert.urn) && kafka.dependencies.includes(key.urn), "the cluster starts with the CA in place");
    });

    it("reaches the TLS listener from the team's namespaces and designated ones, and from nowhere else", () => {
        const toKafka = report.flows.filter((f) => f.to === "kafka" && f.from !== "kafka").map((f) => `${f.from} ${f.port}`);
        assert.deepStrictEqual(toKafka.sort(), ["analytics-jobs 9093", "analytics-stream 9093", "monitoring 8080", "monitoring 9404", "spark-jobs 9093"]);
        for (const from of ["ml-jobs", "airflow", "spark-operator"]) {
            assert.ok(!report.flows.some((f) => f.from === from && f.to === "kafka"), `${from} cannot reach kafka`);
        }
    });

    it("shows each team's topics and ACLs in the plan's isolation report", () => {
        assert.deepStrictEqual(report.kafka, [
            {
                team: "analytics",
                user: "team-analytics",
                topics: ["analytics.orders (6x1)", "analytics.orders.dlq (3x1)"],
                acls: [
                    "allow Describe,DescribeConfigs,Read,Write on topic analytics.*",
                    "allow Describe,Read on group analytics.*",
                    "allow Describe,Write on transactionalId analytics.*",
                ],
            },
        ]);
    });

    it("adds the rebalance templates Cruise Control scales brokers with, in prod", () => {
        const templates = new Resources(prod.resources).ofType(CR("KafkaRebalance"));
        assert.deepStrictEqual(
            templates.map((t) => [t.inputs.metadata.name, t.inputs.metadata.annotations, t.inputs.spec]),
            [
                ["rebalance-add-brokers", { "strimzi.io/rebalance-template": "true" }, {}],
                ["rebalance-remove-brokers", { "strimzi.io/rebalance-template": "true" }, {}],
            ],
        );
        assert.deepStrictEqual(res.ofType(CR("KafkaRebalance")), []);
        const kafka = new Resources(prod.resources).get(CR("Kafka"), "platform-kafka-cluster");
        assert.ok(templates.every((t) => kafka.dependencies.includes(t.urn)));
    });
});

describe("kafka: the component guards itself", () => {
    it("refuses client namespaces it was not given, before any child exists", async () => {
        const { config } = loadConfig(WITH_TEAMS, "dev");
        const run = await runMocked({
            stack: "dev",
            config: {},
            program: () =>
                new Kafka("kafka", {
                    config,
                    cluster: localClusterInfo({ apiServerCidrs: [], controlPlaneMetrics: true }),
                    namespace: "kafka",
                    clientNamespaces: { "analytics-jobs": "analytics-jobs" },
                    provider: new k8s.Provider("p", {}),
                    dependsOn: [],
                }),
        });
        assert.strictEqual(run.error?.message, "Kafka client namespaces without an isolated namespace: analytics-stream, spark-jobs");
        assert.deepStrictEqual(run.resources.filter((r) => r.type !== "pulumi:providers:kubernetes" && r.type !== "dataops:workloads:Kafka"), []);
    });
});
