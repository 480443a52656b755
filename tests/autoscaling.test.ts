// Node autoscaling and placement on every cloud: pool purposes and names (pure), each target's autoscaler and its
// identity (under mocks), Karpenter and ComputeClass objects against their CRD schemas, and the placement of every pod
// the platform's charts really render (the rendered model of each shipped cloud stack).
import * as assert from "assert";
import { aksAutoscalerProfile, aksPlacement } from "../components/cluster/aks/autoscaling";
import { ec2NodeClassSpec, INTERRUPTION_EVENTS, karpenterControllerPolicy, karpenterPools, nodePoolSpec } from "../components/cluster/eks/karpenter";
import { clusterAutoscaling, COMPUTE_CLASS_KEY, EXECUTOR_COMPUTE_CLASS, executorComputeClassSpec, gkePoolName } from "../components/cluster/gke/autoscaling";
import { clusterPlacement } from "../components/cluster/placement";
import type { Placement } from "../components/cluster/types";
import { demands, jobQuota } from "../components/isolation/quota";
import { airflowValues } from "../components/workloads/airflow";
import { SIZING } from "../components/workloads/sizing";
import { MAX_EXECUTORS, sparkDefaults } from "../components/workloads/spark";
import { stackModel } from "../model";
import { poolRows } from "../scripts/plan-pools";
import { crdProblems } from "../model/crd-schema";
import type { K8sObject } from "../model/types";
import { CLUSTER_CHARTS, NAMESPACES } from "../stacks/catalog";
import { loadConfig } from "../stacks/config";
import { defaultNodePools } from "../stacks/profiles";
import { CRITICAL_ADDONS_ONLY, DEDICATED_TAINT, POOL_NAME_RULES, resolvePools } from "../stacks/pools";
import { formatProblem } from "../stacks/problems";
import type { NodePoolInput } from "../stacks/schema";
import { configProblems as problemsOf } from "./config-problems";
import { Resources, valueOf } from "./harness";

const PROVIDERS: Record<string, Record<string, string>> = {
    aws: { "aws:region": "eu-west-1" },
    gcp: { "gcp:project": "acme-dataops-dev", "gcp:region": "europe-west1" },
    azure: { "azure-native:location": "westeurope" },
};
const configProblems = (raw: Record<string, string>) => problemsOf(raw).map(formatProblem);
const config = (cloud: string, extra: Record<string, string> = {}) =>
    ({ "dataops:cloud": cloud, ...PROVIDERS[cloud], ...extra }) as Record<string, string>;
const pools = (list: object[]) => ({ "dataops:cluster": JSON.stringify({ nodePools: list }) });

describe("pool purposes (pure)", () => {
    it("defaults give every cloud a layout: prod add-ons alone on a tainted system pool, Spot executors from zero", () => {
        for (const cloud of ["aws", "gcp", "azure"] as const) {
            const prod = resolvePools(defaultNodePools(cloud, "prod"), "prod");
            assert.deepStrictEqual(
                prod.map((p) => [p.name, p.purposes, p.spot, p.minNodes, p.maxNodes]),
                [
                    ["system", ["system"], false, 3, 6],
                    ["platform", ["platform", "spark-driver"], false, cloud === "aws" ? 0 : 2, 8],
                    ["kafka", ["kafka"], false, cloud === "aws" ? 0 : 3, 6],
                    ["spark", ["spark-executor"], true, 0, 20],
                ],
            );
            assert.deepStrictEqual(prod[0].taints, [{ key: CRITICAL_ADDONS_ONLY, value: "true", effect: "NoSchedule" }]);
            assert.deepStrictEqual(prod[2].taints, [{ key: DEDICATED_TAINT, value: "kafka", effect: "NoSchedule" }]);
            assert.deepStrictEqual(prod[3].taints, [{ key: DEDICATED_TAINT, value: "spark-executor", effect: "NoSchedule" }]);
            assert.strictEqual(prod[1].taints, undefined);
            assert.deepStrictEqual(prod[3].labels, { "dataops.io/pool": "spark", "purpose.dataops.io/spark-executor": "true" });
            // dev: the system pool also runs the platform, so it is not tainted.
            const dev = resolvePools(defaultNodePools(cloud, "dev"), "dev");
            assert.deepStrictEqual(dev.map((p) => [p.name, p.purposes, p.minNodes]), [["general", ["system", "platform", "kafka", "spark-driver"], 1], ["spark", ["spark-executor"], 0]]);
            assert.strictEqual(dev[0].taints, undefined);
        }
    });

    it("derives purposes for pools configured without them (system, Spot, the rest)", () => {
        const derived = resolvePools(
            [
                { name: "system", minNodes: 3, maxNodes: 6, system: true },
                { name: "data", minNodes: 3, maxNodes: 12 },
                { name: "spark", minNodes: 0, maxNodes: 20, spot: true, taints: [{ key: "dataops.io/spark", value: "true", effect: "NoSchedule" }] },
            ],
            "prod",
        );
        assert.deepStrictEqual(derived.map((p) => p.purposes), [["system"], ["platform", "kafka", "spark-driver"], ["spark-executor"]]);
        // Executors tolerate the pool's own taint, the dedicated taint and AKS's Spot taint.
        assert.deepStrictEqual(aksPlacement(derived).sparkExecutor, {
            nodeSelector: { "purpose.dataops.io/spark-executor": "true" },
            tolerations: [
                { key: "dataops.io/spark", operator: "Equal", value: "true", effect: "NoSchedule" },
                { key: DEDICATED_TAINT, operator: "Equal", value: "spark-executor", effect: "NoSchedule" },
                { key: "kubernetes.azure.com/scalesetpriority", operator: "Equal", value: "spot", effect: "NoSchedule" },
            ],
        });
    });

    it("a GKE pool named spark-executors-spot yields names within GKE's 40 characters, changing with create-only settings", () => {
        const pool: NodePoolInput = { name: "spark-executors-spot", machineType: "n2-standard-8", minNodes: 0, maxNodes: 20, spot: true };
        const name = gkePoolName(pool);
        assert.match(name, /^spark-executors-spot-[0-9a-f]{8}$/);
        assert.ok(name.length <= 40);
        const longest = gkePoolName({ ...pool, name: "a".repeat(POOL_NAME_RULES.gcp.max) });
        assert.strictEqual(longest.length, 40);
        assert.notStrictEqual(gkePoolName({ ...pool, machineType: "n2d-standard-8" }), name);
        assert.strictEqual(gkePoolName({ ...pool, maxNodes: 5 }), name);
        assert.deepStrictEqual(configProblems(config("gcp", pools([{ name: "spark-executors-spot", minNodes: 0, maxNodes: 20, spot: true, purposes: ["spark-executor"] }]))), []);
    });

    it("a pool name over the cloud's limit fails validation naming the limit", () => {
        const long = "spark-executors-spot-europe-west";
        assert.deepStrictEqual(configProblems(config("gcp", pools([{ name: long, minNodes: 0, maxNodes: 2, spot: true }]))), [
            `dataops:cluster.nodePools[0].name = "${long}": is 32 characters; pool names on gcp may have at most 31 (GKE node pool names are at most 40 characters ` +
                'and the program adds a 9-character replacement suffix (-xxxxxxxx)). Fix: shorten it, e.g. to "spark-executors-spot-europe-wes".',
        ]);
        const aws = "x".repeat(43);
        assert.deepStrictEqual(configProblems(config("aws", pools([{ name: aws, minNodes: 1, maxNodes: 2, system: true }]))), [
            `dataops:cluster.nodePools[0].name = "${aws}": is 43 characters; pool names on aws may have at most 42 (EKS node group names are at most 63 characters ` +
                `and the program adds 21 (cluster-pool-…-xxxxxxx)). Fix: shorten it, e.g. to "${"x".repeat(42)}".`,
        ]);
    });

    it("refuses Kafka, drivers or the platform on Spot in prod, not in dev", () => {
        const list = [
            { name: "system", minNodes: 3, maxNodes: 6, system: true },
            { name: "kafka", minNodes: 3, maxNodes: 6, spot: true, purposes: ["kafka"] },
        ];
        assert.deepStrictEqual(configProblems(config("gcp", { ...pools(list), "dataops:profile": "prod" })).filter((p) => p.includes("nodePools")), [
            "dataops:cluster.nodePools[1].spot = true: puts kafka on Spot capacity in prod; a reclaimed node would take them down (only spark-executor tolerates that). " +
                "Fix: set spot: false, or purposes: [spark-executor] on this pool and run the rest on an on-demand pool.",
        ]);
        assert.deepStrictEqual(configProblems(config("gcp", pools(list))), []);
    });

    it("Spark defaults: dynamic allocation with shuffle tracking, decommissioning, pod templates within the job quota", () => {
        const placement = clusterPlacement(resolvePools(defaultNodePools("aws", "prod"), "prod"));
        const files = sparkDefaults("prod", placement.sparkDriver, placement.sparkExecutor);
        assert.deepStrictEqual(files["spark-defaults.conf"].trim().split("\n"), [
            "spark.dynamicAllocation.enabled true",
            "spark.dynamicAllocation.shuffleTracking.enabled true",
            "spark.dynamicAllocation.minExecutors 0",
            "spark.dynamicAllocation.maxExecutors 31",
            "spark.dynamicAllocation.executorIdleTimeout 60s",
            "spark.decommission.enabled true",
            "spark.storage.decommission.enabled true",
            "spark.storage.decommission.shuffleBlocks.enabled true",
            "spark.storage.decommission.rddBlocks.enabled true",
            "spark.kubernetes.driver.podTemplateFile /etc/spark-defaults/driver-pod-template.yaml",
            "spark.kubernetes.executor.podTemplateFile /etc/spark-defaults/executor-pod-template.yaml",
        ]);
        assert.deepStrictEqual(JSON.parse(files["executor-pod-template.yaml"]), {
            apiVersion: "v1",
            kind: "Pod",
            spec: {
                nodeSelector: { "purpose.dataops.io/spark-executor": "true" },
                tolerations: [{ key: DEDICATED_TAINT, operator: "Equal", value: "spark-executor", effect: "NoSchedule" }],
                terminationGracePeriodSeconds: 90,
            },
        });
        assert.deepStrictEqual(JSON.parse(files["driver-pod-template.yaml"]).spec, { nodeSelector: { "purpose.dataops.io/spark-driver": "true" }, tolerations: [] });
        // Executors of one application at their maximum (one core each) and the driver fit the job namespace's quota.
        for (const profile of ["dev", "prod"] as const) {
            assert.strictEqual(MAX_EXECUTORS[profile] + 1, Number(jobQuota(profile).requestsCpu));
        }
        // Local clusters: no templates, the same scaling defaults.
        assert.deepStrictEqual(Object.keys(sparkDefaults("dev")), ["spark-defaults.conf"]);
    });
});

describe("autoscaler objects against their CRD schemas", () => {
    const prodPools = resolvePools(defaultNodePools("aws", "prod"), "prod");
    const node = (kind: string, spec: Record<string, unknown>): K8sObject => ({
        apiVersion: kind === "NodePool" ? "karpenter.sh/v1" : "karpenter.k8s.aws/v1",
        kind,
        metadata: { name: "spark" },
        spec,
    });
    const classArgs = { profile: "prod" as const, role: "node-role", subnets: { ids: ["subnet-0a", "subnet-0b"] }, securityGroupId: "sg-01", tags: { "dataops:cluster": "dataops-prod" } };

    it("every Karpenter NodePool and EC2NodeClass built from the default pools validates against the 1.13.0 CRDs", () => {
        const pools = karpenterPools(prodPools);
        assert.deepStrictEqual(pools.map((p) => p.name), ["platform", "kafka", "spark"]);
        for (const p of pools) {
            assert.deepStrictEqual(crdProblems(node("NodePool", nodePoolSpec(p))), []);
            assert.deepStrictEqual(crdProblems(node("EC2NodeClass", ec2NodeClassSpec(p, classArgs))), []);
            assert.deepStrictEqual(crdProblems(node("EC2NodeClass", ec2NodeClassSpec(p, { ...classArgs, subnets: { discovery: "dataops-prod" } }))), []);
        }
    });

    it("the schema check is not vacuous: it finds unknown fields, bad enums, patterns and missing fields", () => {
        const spec = nodePoolSpec(prodPools[3]) as any;
        spec.disruption.consolidationPolicy = "Always";
        spec.disruption.consolidateAfter = "soon";
        spec.template.spec.nodeClassRef.color = "blue";
        delete spec.template.spec.requirements;
        assert.deepStrictEqual(crdProblems(node("NodePool", spec)), [
            "spec.template.spec.requirements: is required",
            "spec.template.spec.nodeClassRef.color: is not a field of this kind",
            'spec.disruption.consolidationPolicy: "Always" is not one of "WhenEmpty", "WhenEmptyOrUnderutilized"',
            'spec.disruption.consolidateAfter: "soon" does not match ^(([0-9]+(s|m|h))+|Never)$',
        ]);
    });

    it("the executor NodePool is Spot from zero over many c/m/r types; Kafka nodes go only when empty, one at a time", () => {
        const spark = nodePoolSpec(prodPools[3]) as any;
        assert.deepStrictEqual(spark.template.spec.requirements, [
            { key: "karpenter.sh/capacity-type", operator: "In", values: ["spot"] },
            { key: "kubernetes.io/arch", operator: "In", values: ["amd64"] },
            { key: "karpenter.k8s.aws/instance-category", operator: "In", values: ["c", "m", "r"] },
            { key: "karpenter.k8s.aws/instance-generation", operator: "Gt", values: ["5"] },
            { key: "node.kubernetes.io/instance-type", operator: "Exists", minValues: 5 },
        ]);
        assert.deepStrictEqual(spark.limits, { nodes: "20" });
        assert.deepStrictEqual(spark.disruption, { consolidationPolicy: "WhenEmptyOrUnderutilized", consolidateAfter: "1m", budgets: [{ nodes: "10%" }] });
        assert.deepStrictEqual(spark.template.spec.taints, [{ key: DEDICATED_TAINT, value: "spark-executor", effect: "NoSchedule" }]);
        assert.deepStrictEqual((nodePoolSpec(prodPools[2]) as any).disruption, { consolidationPolicy: "WhenEmpty", consolidateAfter: "10m", budgets: [{ nodes: "1" }] });
        assert.deepStrictEqual((nodePoolSpec(prodPools[2]) as any).template.spec.requirements[0], { key: "karpenter.sh/capacity-type", operator: "In", values: ["on-demand"] });
    });

    it("the GKE executor ComputeClass validates and falls back to Spot families only", () => {
        const pools = resolvePools(defaultNodePools("gcp", "prod"), "prod");
        const spec = executorComputeClassSpec(pools, "nodes@p.iam.gserviceaccount.com") as any;
        assert.deepStrictEqual(crdProblems({ apiVersion: "cloud.google.com/v1", kind: "ComputeClass", metadata: { name: EXECUTOR_COMPUTE_CLASS }, spec }), []);
        assert.deepStrictEqual(spec.priorities, [
            { nodepools: [gkePoolName(pools[3])] },
            { machineFamily: "n2d", spot: true, minCores: 8 },
            { machineFamily: "n2", spot: true, minCores: 8 },
            { machineFamily: "e2", spot: true, minCores: 8 },
        ]);
        assert.strictEqual(spec.whenUnsatisfiable, "DoNotScaleUp");
        const autoscaling = clusterAutoscaling(pools, "prod", "sa");
        // 6 x 2 + (8 + 6 + 20) x 8 vCPUs: node auto-provisioning adds nothing the pools could not reach.
        assert.deepStrictEqual(autoscaling.resourceLimits, [
            { resourceType: "cpu", minimum: 0, maximum: 284 },
            { resourceType: "memory", minimum: 0, maximum: 2272 },
        ]);
        assert.strictEqual(clusterAutoscaling(pools, "dev", "sa").autoscalingProfile, "OPTIMIZE_UTILIZATION");
    });
});

/** The pod spec of a rendered workload object (or the spec of a Prometheus/Alertmanager CR), undefined for other kinds. */
function podSpec(o: K8sObject): Record<string, any> | undefined {
    switch (o.kind) {
        case "Deployment":
        case "StatefulSet":
        case "Job":
            return o.spec.template.spec;
        case "CronJob":
            return o.spec.jobTemplate.spec.template.spec;
        case "Prometheus":
        case "Alertmanager":
            return o.spec;
        default:
            return undefined;
    }
}

function assertPlaced(what: string, spec: { nodeSelector?: Record<string, string>; tolerations?: unknown[] }, p: Placement) {
    for (const [k, v] of Object.entries(p.nodeSelector)) {
        assert.strictEqual(spec.nodeSelector?.[k], v, `${what} does not select ${k}=${v}`);
    }
    for (const t of p.tolerations) {
        assert.ok((spec.tolerations ?? []).some((x) => JSON.stringify(x) === JSON.stringify(t)), `${what} does not tolerate ${JSON.stringify(t)}`);
    }
}

/** Node affinity terms of a Strimzi pod template, as the nodeSelector they require. */
function requiredLabels(pod: any): Record<string, string> {
    const terms = pod?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? [];
    return Object.fromEntries(terms.flatMap((t: any) => t.matchExpressions.map((m: any) => [m.key, m.values[0]])));
}

for (const stack of ["dev-aws", "prod-aws", "dev-gcp", "prod-gcp", "dev-azure", "prod-azure"]) {
    describe(`placement on what the charts render: ${stack}`, function () {
        this.timeout(300_000);

        it("every rendered platform pod selects the platform pool and tolerates its taints; node-exporter runs everywhere", async () => {
            const model = await stackModel(stack);
            const placement = placementOf(model.run.resources, stack);
            let checked = 0;
            for (const { object: o, origin } of model.objects) {
                const spec = podSpec(o);
                if (!("release" in origin) || !spec) {
                    continue;
                }
                assertPlaced(`${origin.release}: ${o.kind} ${o.metadata.namespace}/${o.metadata.name}`, spec, placement.platform);
                checked++;
            }
            assert.ok(checked >= 10, `only ${checked} pod templates checked`);
            const exporter = model.objects.find((m) => m.object.kind === "DaemonSet" && m.object.metadata.name.includes("node-exporter"))!.object;
            assert.deepStrictEqual(exporter.spec.template.spec.nodeSelector, { "kubernetes.io/os": "linux" });
            assert.deepStrictEqual(exporter.spec.template.spec.tolerations, [{ effect: "NoSchedule", operator: "Exists" }]);
        });

        it("Kafka brokers and controllers select the Kafka pool (spread over zones in prod); the operands the platform pool", async () => {
            const model = await stackModel(stack);
            const placement = placementOf(model.run.resources, stack);
            const pools = model.objects.map((m) => m.object).filter((o) => o.kind === "KafkaNodePool");
            assert.deepStrictEqual(pools.map((p) => p.metadata.name), stack.startsWith("prod") ? ["controllers", "brokers"] : ["dual"]);
            for (const p of pools) {
                assert.deepStrictEqual(requiredLabels(p.spec.template.pod), placement.kafka.nodeSelector);
                assert.deepStrictEqual(p.spec.template.pod.tolerations, placement.kafka.tolerations);
                const spread = p.spec.template.pod.topologySpreadConstraints;
                assert.deepStrictEqual(spread?.[0]?.topologyKey, stack.startsWith("prod") ? "topology.kubernetes.io/zone" : undefined);
            }
            const kafka = model.objects.map((m) => m.object).find((o) => o.kind === "Kafka")!;
            for (const operand of [kafka.spec.entityOperator, kafka.spec.kafkaExporter]) {
                assert.deepStrictEqual(requiredLabels(operand.template.pod), placement.platform.nodeSelector);
            }
        });

        it("Spark jobs start from the executor and driver pool templates in the operator's defaults", async () => {
            const model = await stackModel(stack);
            const placement = placementOf(model.run.resources, stack);
            const cm = model.objects.map((m) => m.object).find((o) => o.kind === "ConfigMap" && o.metadata.name === "spark-defaults")!;
            const executor = JSON.parse(cm.data["executor-pod-template.yaml"]).spec;
            assertPlaced("executor template", executor, placement.sparkExecutor);
            assertPlaced("driver template", JSON.parse(cm.data["driver-pod-template.yaml"]).spec, placement.sparkDriver);
            const controller = model.objects.map((m) => m.object).find((o) => o.kind === "Deployment" && o.metadata.name === "spark-operator-controller")!;
            assert.deepStrictEqual(controller.spec.template.spec.containers[0].env, [
                { name: "SPARK_CONF_DIR", value: "/etc/spark-defaults" },
                { name: "SPARK_SUBMIT_OPTS", value: "-Xmx256m" },
            ]);
        });
    });
}

/** The placement the stack's cluster target reports, recomputed from its resolved config as the target does. */
function placementOf(_resources: unknown, stack: string) {
    const cloud = stack.split("-")[1];
    const { config: cfg } = loadConfigForStack(stack);
    const pools = cfg.cluster.nodePools;
    if (cloud === "gcp") {
        return (require("../components/cluster/gke/autoscaling") as typeof import("../components/cluster/gke/autoscaling")).gkePlacement(pools);
    }
    return cloud === "azure" ? aksPlacement(pools) : clusterPlacement(pools);
}

function loadConfigForStack(stack: string) {
    const { stackFileConfig, PROJECT } = require("./harness") as typeof import("./harness");
    const { config: raw, secretKeys } = stackFileConfig(stack);
    return loadConfig(raw, stack, PROJECT, (k) => secretKeys.includes(k));
}

describe("horizontal scaling within quotas", () => {
    it("prod scales the Airflow API server (and Celery workers) by CPU; the quota admits the HPA's maximum", () => {
        const prod = loadConfigForStack("prod-aws").config;
        const cpu = [{ type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 80 } } }];
        const values = airflowValues({ config: prod }) as any;
        assert.deepStrictEqual(values.apiServer.hpa, { enabled: true, minReplicaCount: 2, maxReplicaCount: 4, metrics: cpu });
        assert.strictEqual(values.workers.hpa, undefined);
        const celery = { ...prod, airflow: { ...prod.airflow, executor: "CeleryExecutor" as const } };
        assert.deepStrictEqual((airflowValues({ config: celery }) as any).workers.hpa, { enabled: true, minReplicaCount: 1, maxReplicaCount: 16, metrics: cpu });
        assert.strictEqual((airflowValues({ config: loadConfigForStack("dev").config }) as any).apiServer.hpa, undefined);
        const airflow = demands(prod, 10)[NAMESPACES.airflow];
        // The HPA's maximum plus a rolling update's surge (25%, rounded up).
        assert.deepStrictEqual(airflow.containers.filter(([r]) => r === SIZING.prod.airflowApiServer), [[SIZING.prod.airflowApiServer, 5]]);
        // Schedulers 2+1, API servers 4+1, DAG processor 1+1, statsd 1+1, the triggerer and two Jobs, 16 task slots.
        assert.strictEqual(airflow.pods, 3 + 5 + 2 + 2 + 3 + 16);
    });
});

describe("plan: node pools", () => {
    it("shows per pool its purposes, bounds, capacity type, what scales it and what it keeps at idle", () => {
        assert.deepStrictEqual(poolRows(loadConfigForStack("prod-aws").config), [
            ["system", "system", "3..6", "on-demand m6i.large", "managed node group (sized at minNodes)", "3+"],
            ["platform", "platform, spark-driver", "0..8", "on-demand m6i.2xlarge", "Karpenter NodePool", "what its pods need"],
            ["kafka", "kafka", "0..6", "on-demand m6i.2xlarge", "Karpenter NodePool", "what its pods need"],
            ["spark", "spark-executor", "0..20", "spot (flexible types)", "Karpenter NodePool", "0 (scales to zero)"],
        ]);
        assert.deepStrictEqual(poolRows(loadConfigForStack("prod-gcp").config)[3], [
            "spark",
            "spark-executor",
            "0..20",
            "spot n2-standard-8",
            "cluster autoscaler + ComputeClass fallback",
            "0 (scales to zero)",
        ]);
        assert.deepStrictEqual(poolRows(loadConfigForStack("dev").config), []);
    });
});

describe("autoscalers under mocks", function () {
    this.timeout(300_000);

    it("EKS: Karpenter's release, Pod Identity, interruption queue and rules, node access; the system group tainted in prod", async () => {
        const r = new Resources((await stackModel("prod-aws")).run.resources);
        const release = r.get("kubernetes:helm.sh/v3:Release", "cluster-karpenter");
        assert.deepStrictEqual([release.inputs.chart, release.inputs.version, release.inputs.namespace], [CLUSTER_CHARTS.karpenter.chart, "1.13.0", "kube-system"]);
        const values = (await valueOf(release.inputs.values)) as any;
        assert.deepStrictEqual(values.settings.clusterName, "dataops-prod-aws");
        assert.deepStrictEqual(values.nodeSelector, { "kubernetes.io/os": "linux", "purpose.dataops.io/system": "true" });
        assert.strictEqual(values.replicas, 2);
        const identity = r.get("aws:eks/podIdentityAssociation:PodIdentityAssociation", "cluster-karpenter-pod-identity");
        assert.deepStrictEqual([identity.inputs.namespace, identity.inputs.serviceAccount], ["kube-system", "karpenter"]);
        const policy = JSON.parse(r.get("aws:iam/rolePolicy:RolePolicy", "cluster-karpenter-role-policy").inputs.policy as string);
        assert.deepStrictEqual(
            policy,
            karpenterControllerPolicy({
                partition: "aws",
                region: "eu-west-1",
                accountId: "123456789012",
                clusterName: "dataops-prod-aws",
                nodeRoleArn: "arn:aws:iam::123456789012:role/cluster-karpenter-node-role",
                queueArn: "arn:aws:sqs:eu-west-1:123456789012:cluster-karpenter-interruptions",
            }),
        );
        assert.deepStrictEqual(values.settings.interruptionQueue, "cluster-karpenter-interruptions");
        assert.deepStrictEqual(
            r.ofType("aws:cloudwatch/eventRule:EventRule").map((e) => JSON.parse(e.inputs.eventPattern as string)["detail-type"][0]),
            INTERRUPTION_EVENTS.map((e) => e.detailType),
        );
        assert.strictEqual(r.ofType("aws:cloudwatch/eventTarget:EventTarget").length, INTERRUPTION_EVENTS.length);
        assert.strictEqual(r.get("aws:eks/accessEntry:AccessEntry", "cluster-karpenter-node-access").inputs.type, "EC2_LINUX");
        assert.deepStrictEqual(
            r.ofType("kubernetes:karpenter.sh/v1:NodePool").map((n) => [n.name, n.inputs.spec.limits]),
            [["cluster-karpenter-nodepool-platform", { nodes: "8" }], ["cluster-karpenter-nodepool-kafka", { nodes: "6" }], ["cluster-karpenter-nodepool-spark", { nodes: "20" }]],
        );
        const groups = r.ofType("aws:eks/nodeGroup:NodeGroup");
        assert.deepStrictEqual(groups.map((g) => [g.name, g.inputs.scalingConfig, g.inputs.taints]), [
            ["cluster-pool-system", { minSize: 3, maxSize: 6, desiredSize: 3 }, [{ key: CRITICAL_ADDONS_ONLY, value: "true", effect: "NO_SCHEDULE" }]],
        ]);
        // No ignoreChanges on the size: raising minNodes raises the group with it.
        assert.deepStrictEqual(groups[0].ignoreChanges, []);
    });

    it("GKE: autoscaler profile, node auto-provisioning, Spot executors from zero, the ComputeClass, names within 40", async () => {
        const r = new Resources((await stackModel("prod-gcp")).run.resources);
        const cluster = r.ofType("gcp:container/cluster:Cluster")[0];
        const autoscaling = (await valueOf(cluster.inputs.clusterAutoscaling)) as any;
        assert.deepStrictEqual([autoscaling.enabled, autoscaling.autoscalingProfile], [true, "BALANCED"]);
        const pools = r.ofType("gcp:container/nodePool:NodePool");
        for (const p of pools) {
            assert.ok((p.inputs.name as string).length <= 40, p.inputs.name as string);
        }
        const spark = pools.find((p) => p.name === "cluster-pool-spark")!;
        assert.deepStrictEqual([spark.inputs.autoscaling, spark.inputs.nodeConfig.spot, spark.inputs.nodeConfig.labels[COMPUTE_CLASS_KEY]], [
            { totalMinNodeCount: 0, totalMaxNodeCount: 20, locationPolicy: "ANY" },
            true,
            EXECUTOR_COMPUTE_CLASS,
        ]);
        const system = pools.find((p) => p.name === "cluster-pool-system")!;
        assert.deepStrictEqual(system.inputs.nodeConfig.taints, [{ key: CRITICAL_ADDONS_ONLY, value: "true", effect: "NO_SCHEDULE" }]);
        assert.strictEqual(r.ofType("kubernetes:cloud.google.com/v1:ComputeClass")[0].inputs.metadata.name, EXECUTOR_COMPUTE_CLASS);
    });

    it("AKS: autoscaler profile; Spot user pool from zero; the System pool tainted CriticalAddonsOnly in prod", async () => {
        const r = new Resources((await stackModel("prod-azure")).run.resources);
        const cluster = r.ofType("azure-native:containerservice:ManagedCluster")[0];
        assert.deepStrictEqual(cluster.inputs.autoScalerProfile, aksAutoscalerProfile("prod"));
        const system = (cluster.inputs.agentPoolProfiles as any[])[0];
        assert.deepStrictEqual([system.name, system.mode, system.nodeTaints], ["system", "System", [`${CRITICAL_ADDONS_ONLY}=true:NoSchedule`]]);
        const spark = r.get("azure-native:containerservice:AgentPool", "cluster-pool-spark");
        assert.deepStrictEqual([spark.inputs.enableAutoScaling, spark.inputs.minCount, spark.inputs.maxCount, spark.inputs.scaleSetPriority], [true, 0, 20, "Spot"]);
    });
});
