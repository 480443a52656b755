// The checks on the rendered model, on small fixtures: each check passes on a sound fixture and fails, with an exact
// finding, on a seeded defect.
import * as assert from "assert";
import { can, clusterSecretReaders, permissions, subjectName, whoCan } from "../model/access";
import { runChecks } from "../model/findings";
import { accessJourneys, evaluateAccess, evaluateJourneys, Journey, samplePods } from "../model/journeys";
import { monitorTargets } from "../model/monitors";
import { podTemplates } from "../model/pods";
import { checkPodSecurity } from "../model/psa";
import { cpuMillis, parseQuantity } from "../model/quantity";
import { checkQuotas } from "../model/quota";
import { canReach, canReachCidr, explainReach, PodRef } from "../model/reach";
import type { K8sObject } from "../model/types";

const ns = (name: string, enforce?: string, labels: Record<string, string> = {}): K8sObject => ({
    apiVersion: "v1",
    kind: "Namespace",
    metadata: { name, labels: { ...(enforce ? { "pod-security.kubernetes.io/enforce": enforce } : {}), ...labels } },
});

const RESTRICTED = { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] }, runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } };

function deployment(namespace: string, name: string, opts: { replicas?: number; labels?: Record<string, string>; containers?: any[]; strategy?: any; podSecurity?: any } = {}): K8sObject {
    return {
        apiVersion: "apps/v1",
        kind: "Deployment",
        metadata: { name, namespace },
        spec: {
            ...(opts.replicas !== undefined ? { replicas: opts.replicas } : {}),
            ...(opts.strategy ? { strategy: opts.strategy } : {}),
            template: {
                metadata: { labels: opts.labels ?? { app: name } },
                spec: {
                    ...(opts.podSecurity ? { securityContext: opts.podSecurity } : {}),
                    containers: opts.containers ?? [{ name: "main", securityContext: RESTRICTED, resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { cpu: "200m", memory: "256Mi" } } }],
                },
            },
        },
    };
}

const policy = (namespace: string, name: string, spec: Record<string, unknown>): K8sObject => ({
    apiVersion: "networking.k8s.io/v1",
    kind: "NetworkPolicy",
    metadata: { name, namespace },
    spec,
});

describe("model checks: quantities", () => {
    it("parses CPU and memory quantities as the API server does", () => {
        assert.deepStrictEqual([cpuMillis("250m"), cpuMillis("2"), cpuMillis(0.5), cpuMillis("1.5")], [250, 2000, 500, 1500]);
        assert.deepStrictEqual([parseQuantity("1Gi"), parseQuantity("512Mi"), parseQuantity("1G"), parseQuantity("100k")], [2 ** 30, 2 ** 29, 1e9, 1e5]);
        assert.throws(() => parseQuantity("1 GB"), /^Error: not a Kubernetes quantity: "1 GB"$/);
    });
});

describe("model checks: pod templates", () => {
    it("counts replicas and a Deployment's surge (25% rounded up by default, none for Recreate)", () => {
        const pods = podTemplates([
            deployment("a", "web", { replicas: 4 }),
            deployment("a", "one"),
            deployment("a", "recreate", { replicas: 3, strategy: { type: "Recreate" } }),
            deployment("a", "fixed", { replicas: 2, strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: 2 } } }),
        ]);
        assert.deepStrictEqual(
            pods.map((p) => [p.object, p.replicas, p.surge]),
            [["Deployment/web", 4, 1], ["Deployment/one", 1, 1], ["Deployment/recreate", 3, 0], ["Deployment/fixed", 2, 2]],
        );
    });

    it("counts Airflow's task pods from the chart's pod template: [core] parallelism per scheduler", () => {
        const cfg = "[core]\nexecutor = KubernetesExecutor\nparallelism = 6\n[scheduler]\nparallelism = 99\n";
        const template = "apiVersion: v1\nkind: Pod\nmetadata:\n  labels: {tier: airflow, component: worker, release: airflow}\nspec:\n  containers: [{name: base}]\n";
        const cm: K8sObject = { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "airflow-config", namespace: "airflow", labels: { release: "airflow" } }, data: { "airflow.cfg": cfg, "pod_template_file.yaml": template } };
        const scheduler = deployment("airflow", "airflow-scheduler", { replicas: 2, labels: { component: "scheduler", release: "airflow" } });
        const [tasks] = podTemplates([cm, scheduler]).filter((p) => p.role === "task pods");
        assert.deepStrictEqual([tasks.object, tasks.replicas, tasks.labels.component], ["ConfigMap/airflow-config", 12, "worker"]);
        const celery = { ...cm, data: { ...cm.data, "airflow.cfg": "[core]\nexecutor = CeleryExecutor\n" } };
        assert.deepStrictEqual(podTemplates([celery, scheduler]).filter((p) => p.role === "task pods"), []);
    });

    it("models Strimzi's broker and controller pods with its labels, ports and restricted security provider", () => {
        const operator = deployment("kafka", "strimzi-cluster-operator", {
            containers: [{ name: "op", image: "quay.io/strimzi/operator:1.2.0", env: [{ name: "STRIMZI_POD_SECURITY_PROVIDER_CLASS", value: "restricted" }] }],
        });
        const kafka: K8sObject = {
            apiVersion: "kafka.strimzi.io/v1",
            kind: "Kafka",
            metadata: { name: "c1", namespace: "kafka" },
            spec: {
                kafka: { listeners: [{ name: "plain", port: 9092, type: "internal", tls: false }, { name: "tls", port: 9093, type: "internal", tls: true }], metricsConfig: { type: "jmxPrometheusExporter" } },
                kafkaExporter: { resources: { requests: { cpu: "50m", memory: "64Mi" } } },
            },
        };
        const pool = (name: string, roles: string[]): K8sObject => ({
            apiVersion: "kafka.strimzi.io/v1",
            kind: "KafkaNodePool",
            metadata: { name, namespace: "kafka", labels: { "strimzi.io/cluster": "c1" } },
            spec: { replicas: 3, roles, storage: { type: "jbod", volumes: [{ id: 0, type: "persistent-claim", size: "20Gi" }] } },
        });
        const pods = podTemplates([operator, kafka, pool("controllers", ["controller"]), pool("brokers", ["broker"])]).filter((p) => p.object === "Kafka/c1");
        assert.deepStrictEqual(pods.map((p) => p.role), ["pool controllers", "pool brokers", "kafka-exporter"]);
        const [controllers, brokers, exporter] = pods;
        assert.deepStrictEqual(controllers.spec.containers[0].ports!.map((p) => `${p.name}:${p.containerPort}`), ["tcp-kafkaagent:8443", "tcp-ctrlplane:9090", "tcp-prometheus:9404"]);
        assert.deepStrictEqual(brokers.spec.containers[0].ports!.map((p) => `${p.name}:${p.containerPort}`), [
            "tcp-kafkaagent:8443",
            "tcp-replication:9091",
            "tcp-clients:9092",
            "tcp-clientstls:9093",
            "tcp-prometheus:9404",
        ]);
        assert.deepStrictEqual(
            Object.fromEntries(Object.entries(brokers.labels).filter(([k]) => k.startsWith("strimzi.io/"))),
            {
                "strimzi.io/cluster": "c1",
                "strimzi.io/kind": "Kafka",
                "strimzi.io/name": "c1-kafka",
                "strimzi.io/component-type": "kafka",
                "strimzi.io/pool-name": "brokers",
                "strimzi.io/broker-role": "true",
                "strimzi.io/controller-role": "false",
                "strimzi.io/controller": "strimzipodset",
                "strimzi.io/controller-name": "c1-brokers",
            },
        );
        assert.deepStrictEqual([brokers.replicas, brokers.claims], [3, ["20Gi"]]);
        assert.deepStrictEqual(brokers.spec.containers[0].securityContext, RESTRICTED_STRIMZI);
        assert.strictEqual(exporter.labels["strimzi.io/name"], "c1-kafka-exporter");
    });

    it("models Prometheus pods from the CR, with config reloaders sized by the operator's flags", () => {
        const operator = deployment("monitoring", "op", {
            containers: [{ name: "op", image: "quay.io/prometheus-operator/prometheus-operator:v0.93.1", args: ["--config-reloader-cpu-request=10m", "--config-reloader-memory-limit=0"] }],
        });
        const prom: K8sObject = {
            apiVersion: "monitoring.coreos.com/v1",
            kind: "Prometheus",
            metadata: { name: "p", namespace: "monitoring" },
            spec: { replicas: 2, resources: { requests: { cpu: "1" } }, storage: { volumeClaimTemplate: { spec: { resources: { requests: { storage: "50Gi" } } } } } },
        };
        const [p] = podTemplates([operator, prom]).filter((x) => x.object === "Prometheus/p");
        assert.deepStrictEqual(p.labels, {
            "app.kubernetes.io/managed-by": "prometheus-operator",
            "app.kubernetes.io/name": "prometheus",
            "app.kubernetes.io/instance": "p",
            "operator.prometheus.io/name": "p",
            prometheus: "p",
            "operator.prometheus.io/shard": "0",
        });
        assert.deepStrictEqual([p.replicas, p.claims], [2, ["50Gi"]]);
        assert.deepStrictEqual(p.spec.initContainers!.map((c) => c.name), ["init-config-reloader"]);
        assert.deepStrictEqual(p.spec.containers.map((c) => [c.name, c.resources]), [
            ["prometheus", { requests: { cpu: "1" } }],
            ["config-reloader", { requests: { cpu: "10m" }, limits: {} }],
        ]);
    });
});

const RESTRICTED_STRIMZI = { allowPrivilegeEscalation: false, runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" }, capabilities: { drop: ["ALL"] } };

describe("model checks: Pod Security Standards", () => {
    it("passes a restricted pod and flags a container without allowPrivilegeEscalation: false in a restricted namespace", () => {
        const ok = deployment("r", "ok");
        const bad = deployment("r", "bad", { containers: [{ name: "app", securityContext: { capabilities: { drop: ["ALL"] }, runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } } }] });
        assert.deepStrictEqual(checkPodSecurity([ns("r", "restricted"), ok]), []);
        assert.deepStrictEqual(checkPodSecurity([ns("r", "restricted"), bad]), [
            { namespace: "r", object: "Deployment/bad", container: "app", level: "restricted", rule: "allowPrivilegeEscalation", message: "securityContext.allowPrivilegeEscalation must be false" },
        ]);
    });

    it("takes runAsNonRoot and seccomp from the pod when containers leave them unset, and checks init containers", () => {
        const d = deployment("r", "pod-level", {
            podSecurity: { runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } },
            containers: [{ name: "app", securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } } }],
        });
        d.spec.template.spec.initContainers = [{ name: "init", securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"], add: ["SYS_ADMIN"] } } }];
        assert.deepStrictEqual(
            checkPodSecurity([ns("r", "restricted"), d]).map((f) => `${f.container} ${f.rule}`),
            ["init capabilities_baseline", "init capabilities_restricted"],
        );
    });

    it("applies baseline's host rules, and nothing in privileged or unlabelled namespaces", () => {
        const host = deployment("b", "host", { containers: [{ name: "c", ports: [{ containerPort: 9100, hostPort: 9100 }], securityContext: { privileged: true } }] });
        host.spec.template.spec.hostNetwork = true;
        host.spec.template.spec.volumes = [{ name: "proc", hostPath: { path: "/proc" } }];
        assert.deepStrictEqual(
            checkPodSecurity([ns("b", "baseline"), host]).map((f) => `${f.container ?? "-"} ${f.rule}: ${f.message}`),
            ["- hostNamespaces: hostNetwork=true", "c privileged: securityContext.privileged=true", '- hostPathVolumes: hostPath volume "proc"', "c hostPorts: hostPort 9100"],
        );
        const probe = deployment("b", "probe", { containers: [{ name: "c", livenessProbe: { httpGet: { host: "10.0.0.1", port: 80 } }, readinessProbe: { tcpSocket: { port: 80 } } }] });
        assert.deepStrictEqual(checkPodSecurity([ns("b", "baseline"), probe]).map((f) => `${f.container} ${f.rule}: ${f.message}`), [
            "c hostProbesAndHostLifecycleHooks: livenessProbe.httpGet.host=10.0.0.1",
        ]);
        assert.deepStrictEqual(checkPodSecurity([ns("b", "privileged"), host]), []);
        assert.deepStrictEqual(checkPodSecurity([ns("b"), host]), []);
    });
});

describe("model checks: quotas", () => {
    const quota = (namespace: string, hard: Record<string, string>): K8sObject => ({ apiVersion: "v1", kind: "ResourceQuota", metadata: { name: "q", namespace }, spec: { hard } });
    const limits: K8sObject = {
        apiVersion: "v1",
        kind: "LimitRange",
        metadata: { name: "l", namespace: "q" },
        spec: { limits: [{ type: "Container", defaultRequest: { cpu: "100m", memory: "128Mi" }, default: { cpu: "500m", memory: "512Mi" } }] },
    };

    it("sums replicas plus surge, with LimitRange defaults for unsized containers", () => {
        const sized = deployment("q", "sized", { replicas: 2 }); // 2 + surge 1, 100m each
        const unsized = deployment("q", "unsized", { containers: [{ name: "c" }], strategy: { type: "Recreate" } });
        const r = checkQuotas([ns("q"), limits, quota("q", { "requests.cpu": "1", "limits.cpu": "2", pods: "4" }), sized, unsized]);
        assert.deepStrictEqual(
            r.rows.filter((x) => x.hard !== undefined).map((x) => [x.resource, x.used, x.hard]),
            [["requests.cpu", "400m", "1"], ["limits.cpu", "1100m", "2"], ["pods", "4", "4"]],
        );
        assert.deepStrictEqual(r.findings, []);
    });

    it("reports a replica count that breaks the quota, naming the largest users", () => {
        const big = deployment("q", "big", { replicas: 9 }); // 9 + surge 3 = 12 pods of 100m
        const r = checkQuotas([ns("q"), limits, quota("q", { "requests.cpu": "1", pods: "10" }), big]);
        assert.deepStrictEqual(r.findings, [
            { namespace: "q", object: "ResourceQuota/q", resource: "requests.cpu", message: "requests.cpu needs 1200m at peak but the quota allows 1 (largest: Deployment/big 1200m)" },
            { namespace: "q", object: "ResourceQuota/q", resource: "pods", message: "pods needs 12 at peak but the quota allows 10 (largest: Deployment/big 12)" },
        ]);
    });

    it("counts volume claim templates per replica and refuses unsized pods where limits are quota'd without defaults", () => {
        const sts: K8sObject = {
            apiVersion: "apps/v1",
            kind: "StatefulSet",
            metadata: { name: "db", namespace: "s" },
            spec: { replicas: 3, template: { metadata: { labels: { app: "db" } }, spec: { containers: [{ name: "db" }] } }, volumeClaimTemplates: [{ spec: { resources: { requests: { storage: "10Gi" } } } }] },
        };
        const r = checkQuotas([ns("s"), quota("s", { "limits.memory": "1Gi", persistentvolumeclaims: "3", "requests.storage": "20Gi" }), sts]);
        assert.deepStrictEqual(r.findings.map((f) => f.message), [
            "requests.storage needs 30Gi at peak but the quota allows 20Gi (largest: StatefulSet/db 30Gi)",
            "container db has no cpu/memory limit and no LimitRange default: the quota refuses the pod",
        ]);
    });
});

describe("model checks: reachability", () => {
    const monitoring = ns("monitoring", "restricted");
    const grafana: PodRef = { namespace: "monitoring", labels: { "app.kubernetes.io/name": "grafana" } };
    const prometheus: PodRef = { namespace: "monitoring", labels: { "app.kubernetes.io/name": "prometheus" }, ports: [{ name: "http-web", containerPort: 9090 }] };
    const deny = policy("monitoring", "default-deny", { podSelector: {}, policyTypes: ["Ingress", "Egress"] });
    const same = policy("monitoring", "allow-same-namespace", { podSelector: {}, policyTypes: ["Ingress", "Egress"], ingress: [{ from: [{ podSelector: {} }] }], egress: [{ to: [{ podSelector: {} }] }] });

    it("lets Grafana reach Prometheus within the namespace, and a NetworkPolicy change blocks it", () => {
        assert.strictEqual(canReach([monitoring, deny, same], grafana, prometheus, 9090), true);
        assert.deepStrictEqual(explainReach([monitoring, deny], grafana, prometheus, 9090), {
            allowed: false,
            egress: "egress denied (policies selecting the source: default-deny)",
            ingress: "ingress denied (policies selecting the target: default-deny)",
        });
        const onlyAlertmanager = policy("monitoring", "allow-same-namespace", {
            podSelector: {},
            policyTypes: ["Ingress", "Egress"],
            ingress: [{ from: [{ podSelector: { matchLabels: { "app.kubernetes.io/name": "alertmanager" } } }] }],
            egress: [{ to: [{ podSelector: {} }] }],
        });
        assert.strictEqual(canReach([monitoring, deny, onlyAlertmanager], grafana, prometheus, 9090), false);
    });

    it("resolves named ports on the target, endPort ranges, namespace selectors and matchExpressions", () => {
        const kafka = ns("kafka", "restricted");
        const airflow = ns("airflow", "baseline");
        const broker: PodRef = { namespace: "kafka", labels: { "strimzi.io/broker-role": "true" }, ports: [{ name: "tcp-clients", containerPort: 9092 }] };
        const client: PodRef = { namespace: "airflow", labels: { component: "worker" } };
        const objs = [
            kafka,
            airflow,
            policy("kafka", "deny", { podSelector: {}, policyTypes: ["Ingress"] }),
            policy("kafka", "clients", {
                podSelector: { matchExpressions: [{ key: "strimzi.io/broker-role", operator: "In", values: ["true"] }] },
                policyTypes: ["Ingress"],
                ingress: [{ from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "airflow" } } }], ports: [{ port: "tcp-clients" }, { port: 9400, endPort: 9410 }] }],
            }),
        ];
        assert.deepStrictEqual(
            [canReach(objs, client, broker, 9092), canReach(objs, client, broker, 9093), canReach(objs, client, broker, 9404), canReach(objs, client, broker, 9092, "UDP")],
            [true, false, true, false],
        );
        assert.strictEqual(canReach(objs, { namespace: "monitoring", labels: {} }, broker, 9092), false);
    });

    it("reaches host-network pods at their node's address, outside NetworkPolicy", () => {
        const objs = [
            monitoring,
            deny,
            policy("monitoring", "allow-to-nodes", { podSelector: {}, policyTypes: ["Egress"], egress: [{ to: [{ ipBlock: { cidr: "10.0.0.0/16" } }], ports: [{ port: 9100 }] }] }),
        ];
        const exporter = (ip: string): PodRef => ({ namespace: "node-exporter", labels: { app: "node-exporter" }, hostNetwork: true, ip });
        assert.deepStrictEqual([canReach(objs, prometheus, exporter("10.0.3.4"), 9100), canReach(objs, prometheus, exporter("192.168.1.1"), 9100)], [true, false]);
    });

    it("evaluates egress to addresses against ipBlocks with exceptions", () => {
        const objs = [
            policy("jobs", "deny", { podSelector: {}, policyTypes: ["Egress"] }),
            policy("jobs", "internet", { podSelector: {}, policyTypes: ["Egress"], egress: [{ to: [{ ipBlock: { cidr: "0.0.0.0/0", except: ["10.0.0.0/8"] } }], ports: [{ port: 443 }] }] }),
        ];
        const pod: PodRef = { namespace: "jobs", labels: {} };
        assert.deepStrictEqual([canReachCidr(objs, pod, "52.1.2.3", 443), canReachCidr(objs, pod, "10.0.0.1", 443), canReachCidr(objs, pod, "52.1.2.3", 80)], [true, false, false]);
    });

    it("reports a journey broken when a policy blocks Grafana from Prometheus", () => {
        const pods = [
            deployment("monitoring", "grafana", { labels: { "app.kubernetes.io/name": "grafana" } }),
            deployment("monitoring", "prometheus", { labels: { "app.kubernetes.io/name": "prometheus" }, containers: [{ name: "p", ports: [{ name: "http-web", containerPort: 9090 }] }] }),
        ];
        const journey: Journey = {
            name: "grafana -> prometheus",
            from: { namespace: "monitoring", labels: { "app.kubernetes.io/name": "grafana" }, describe: "Grafana" },
            to: { namespace: "monitoring", labels: { "app.kubernetes.io/name": "prometheus" }, describe: "Prometheus" },
            port: "http-web",
            protocol: "TCP",
            expect: "open",
            why: "data source",
        };
        assert.deepStrictEqual(evaluateJourneys([monitoring, deny, same, ...pods], [journey]).map((r) => r.status), ["ok"]);
        const [broken] = evaluateJourneys([monitoring, deny, ...pods], [journey]);
        assert.deepStrictEqual([broken.status, broken.detail], [
            "broken",
            "Deployment/grafana -> Deployment/prometheus:9090: egress denied (policies selecting the source: default-deny); ingress denied (policies selecting the target: default-deny)",
        ]);
    });
});

describe("model checks: access", () => {
    const binding = (namespace: string, role: string, group: string, kind = "ClusterRole"): K8sObject => ({
        apiVersion: "rbac.authorization.k8s.io/v1",
        kind: "RoleBinding",
        metadata: { name: `team-${role}`, namespace, labels: { "dataops.io/team": "analytics" } },
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind, name: role },
        subjects: [{ apiGroup: "rbac.authorization.k8s.io", kind: "Group", name: group }],
    });
    const team = { kind: "Group" as const, name: "analytics" };

    it("expands the built-in aggregated roles: view reads but not Secrets, edit writes Secrets, admin adds RBAC", () => {
        const objs = [binding("a", "view", "analytics"), binding("b", "edit", "analytics"), binding("c", "admin", "analytics")];
        assert.deepStrictEqual(
            [
                can(objs, team, "list", "", "pods", "a"),
                can(objs, team, "get", "", "secrets", "a"),
                can(objs, team, "get", "", "secrets", "b"),
                can(objs, team, "create", "rbac.authorization.k8s.io", "rolebindings", "b"),
                can(objs, team, "create", "rbac.authorization.k8s.io", "rolebindings", "c"),
                can(objs, team, "get", "", "pods/log", "c"),
                can(objs, team, "list", "", "pods", "d"),
            ],
            [true, false, true, false, true, true, false],
        );
    });

    it("fails a team journey when a role misses a verb, and passes once an aggregated ClusterRole adds it", () => {
        const sparkRole = (verbs: string[]): K8sObject => ({
            apiVersion: "rbac.authorization.k8s.io/v1",
            kind: "ClusterRole",
            metadata: { name: "spark-edit", labels: { "rbac.authorization.k8s.io/aggregate-to-edit": "true" } },
            rules: [{ apiGroups: ["sparkoperator.k8s.io"], resources: ["sparkapplications"], verbs }],
        });
        const team1 = ns("analytics-jobs", "restricted", { "dataops.io/team": "analytics" });
        const objs = [team1, binding("analytics-jobs", "admin", "analytics")];
        const submit = (o: K8sObject[]) => evaluateAccess(o, accessJourneys(o)).find((r) => r.journey.name === "team analytics submits Spark jobs in analytics-jobs")!;
        assert.deepStrictEqual([submit([...objs, sparkRole(["get", "list"])]).status, submit([...objs, sparkRole(["get", "list"])]).detail], [
            "broken",
            "Group analytics cannot create sparkapplications.sparkoperator.k8s.io in analytics-jobs",
        ]);
        assert.strictEqual(submit([...objs, sparkRole(["get", "list", "create"])]).status, "ok");
    });

    it("gives service accounts their implicit groups and lists cluster-wide Secret readers and escalations", () => {
        const objs: K8sObject[] = [
            { apiVersion: "rbac.authorization.k8s.io/v1", kind: "ClusterRole", metadata: { name: "reader" }, rules: [{ apiGroups: [""], resources: ["secrets"], verbs: ["list"] }] },
            {
                apiVersion: "rbac.authorization.k8s.io/v1",
                kind: "ClusterRoleBinding",
                metadata: { name: "all-sas" },
                roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "reader" },
                subjects: [{ kind: "Group", name: "system:serviceaccounts:monitoring" }],
            },
            {
                apiVersion: "rbac.authorization.k8s.io/v1",
                kind: "RoleBinding",
                metadata: { name: "ops", namespace: "jobs" },
                roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "edit" },
                subjects: [{ kind: "ServiceAccount", name: "runner" }],
            },
        ];
        const sa = { kind: "ServiceAccount" as const, namespace: "monitoring", name: "x" };
        assert.deepStrictEqual([can(objs, sa, "list", "", "secrets", "kafka"), can(objs, sa, "list", "", "secrets")], [true, true]);
        assert.deepStrictEqual(clusterSecretReaders(objs).map(subjectName), ["Group system:serviceaccounts:monitoring"]);
        assert.deepStrictEqual(whoCan(objs, "create", "", "pods", "jobs").map(subjectName), ["ServiceAccount jobs/runner"]);
        assert.deepStrictEqual(
            permissions(objs, { kind: "ServiceAccount", namespace: "jobs", name: "runner" }).find((p) => p.resource === "serviceaccounts" && p.verbs.includes("impersonate")),
            { namespace: "jobs", apiGroup: "", resource: "serviceaccounts", verbs: ["create", "delete", "deletecollection", "get", "impersonate", "list", "patch", "update", "watch"] },
        );
    });
});

describe("model checks: monitors", () => {
    const service: K8sObject = {
        apiVersion: "v1",
        kind: "Service",
        metadata: { name: "statsd", namespace: "airflow", labels: { component: "statsd" } },
        spec: { selector: { component: "statsd" }, ports: [{ name: "statsd-scrape", port: 9102, targetPort: "scrape" }] },
    };
    const statsd = deployment("airflow", "statsd", { labels: { component: "statsd" }, containers: [{ name: "s", ports: [{ name: "scrape", containerPort: 9102 }] }] });
    const monitor = (selector: Record<string, string>): K8sObject => ({
        apiVersion: "monitoring.coreos.com/v1",
        kind: "ServiceMonitor",
        metadata: { name: "statsd", namespace: "airflow" },
        spec: { selector: { matchLabels: selector }, endpoints: [{ port: "statsd-scrape" }] },
    });

    it("follows a ServiceMonitor through the Service's named target port to the pod", () => {
        const r = monitorTargets([ns("airflow"), service, statsd, monitor({ component: "statsd" })]);
        assert.deepStrictEqual(r.targets.map((t) => [t.monitor, t.pod.name, t.port]), [["ServiceMonitor/airflow/statsd", "Deployment/statsd", 9102]]);
        assert.deepStrictEqual(r.findings, []);
    });

    it("reports a monitor selecting nothing", () => {
        const r = monitorTargets([ns("airflow"), service, statsd, monitor({ component: "stats" })]);
        assert.deepStrictEqual(r.findings, [
            {
                namespace: "airflow",
                object: "ServiceMonitor/airflow/statsd",
                severity: "error",
                message: 'endpoint port "statsd-scrape" selects no Service with that port name whose pods expose it (selector {"matchLabels":{"component":"stats"}} in airflow)',
            },
        ]);
    });

    it("checks the Spark PodMonitor against sample driver and executor pods", () => {
        const objs: K8sObject[] = [
            ns("jobs"),
            { apiVersion: "v1", kind: "ServiceAccount", metadata: { name: "spark", namespace: "jobs" } },
            {
                apiVersion: "monitoring.coreos.com/v1",
                kind: "PodMonitor",
                metadata: { name: "spark", namespace: "jobs" },
                spec: { selector: { matchLabels: { "sparkoperator.k8s.io/launched-by-spark-operator": "true" } }, podMetricsEndpoints: [{ port: "jmx-exporter" }] },
            },
        ];
        assert.deepStrictEqual(monitorTargets(objs, samplePods(objs)).targets.map((t) => `${t.pod.name} ${t.port}`), [
            "SparkApplication/* (sample driver) 8090",
            "SparkApplication/* (sample executor) 8090",
        ]);
    });
});

describe("model checks: the findings table", () => {
    it("collects every check's findings in one table", () => {
        const bad = deployment("r", "bad", { replicas: 3, containers: [{ name: "app", resources: { requests: { cpu: "1" }, limits: { cpu: "1" } } }] });
        const q: K8sObject = { apiVersion: "v1", kind: "ResourceQuota", metadata: { name: "q", namespace: "r" }, spec: { hard: { "requests.cpu": "2" } } };
        const r = runChecks([ns("r", "restricted"), q, bad]);
        assert.deepStrictEqual(
            r.findings.map((f) => `${f.check} ${f.object}: ${f.message}`),
            [
                "pod-security Deployment/bad container app: restricted: allowPrivilegeEscalation: securityContext.allowPrivilegeEscalation must be false",
                "pod-security Deployment/bad container app: restricted: runAsNonRoot: securityContext.runAsNonRoot must be true (pod or container)",
                "pod-security Deployment/bad container app: restricted: seccompProfile_restricted: securityContext.seccompProfile.type must be RuntimeDefault or Localhost (pod or container)",
                "pod-security Deployment/bad container app: restricted: capabilities_restricted: securityContext.capabilities.drop must include ALL",
                "quota ResourceQuota/q: requests.cpu needs 4 at peak but the quota allows 2 (largest: Deployment/bad 4)",
            ],
        );
    });
});
