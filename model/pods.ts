// Every pod the platform would run, from the model's objects: the pod templates of workload objects (charts' and the
// program's), and the pods operators create from custom resources (Strimzi from Kafka/KafkaNodePool, the Prometheus
// operator from Prometheus/Alertmanager). Operator pods are built from the operators' source at the versions the
// platform pins (references next to each fact), so Pod Security, quotas and reachability see what would really run.
import { parse as parseYaml } from "yaml";
import type { K8sObject } from "./types";

export interface ContainerPort {
    name?: string;
    containerPort: number;
    protocol?: string;
}

export interface ResourceList {
    cpu?: string | number;
    memory?: string | number;
    [k: string]: string | number | undefined;
}

export interface Container {
    name: string;
    image?: string;
    ports?: ContainerPort[];
    resources?: { requests?: ResourceList; limits?: ResourceList };
    securityContext?: Record<string, any>;
    [k: string]: any;
}

/** The PodSpec fields the checks read (the rest passes through untyped). */
export interface PodSpec {
    containers: Container[];
    initContainers?: Container[];
    ephemeralContainers?: Container[];
    securityContext?: Record<string, any>;
    volumes?: Record<string, any>[];
    hostNetwork?: boolean;
    hostPID?: boolean;
    hostIPC?: boolean;
    serviceAccountName?: string;
    [k: string]: any;
}

export interface PodTemplate {
    /** `Kind/name` of the object that defines the pods (a Deployment, or the Kafka CR for its node pools). */
    object: string;
    namespace: string;
    /** Distinguishes several pod shapes of one object (Kafka node pools, entity operator, exporter). */
    role?: string;
    labels: Record<string, string>;
    annotations: Record<string, string>;
    /** Pods running at once in steady state (a DaemonSet counts `nodes`, a Job its parallelism). */
    replicas: number;
    /** Extra pods a rolling update creates beside them (a Deployment's maxSurge). */
    surge: number;
    spec: PodSpec;
    /** Storage request of each volume claim one pod gets from a claim template (StatefulSets, operator CRs). */
    claims: string[];
    /** Whether an operator creates the pods from a custom resource (modelled from the operator's source). */
    fromOperator: boolean;
}

export interface PodOptions {
    /** Nodes a DaemonSet runs on (the cluster's maximum size when checking quotas). */
    nodes?: number;
}

const str = (o: K8sObject) => `${o.kind}/${o.metadata.name}`;

/** A percentage or absolute IntOrString resolved against `replicas`, rounding up as Kubernetes does for maxSurge. */
function intOrPercent(v: unknown, replicas: number, dflt: string): number {
    const val = v ?? dflt;
    if (typeof val === "number") {
        return val;
    }
    const s = String(val);
    return s.endsWith("%") ? Math.ceil((Number(s.slice(0, -1)) / 100) * replicas) : Number(s);
}

function claimSizes(templates: any[] | undefined): string[] {
    return (templates ?? []).map((t) => t?.spec?.resources?.requests?.storage).filter((s): s is string => typeof s === "string");
}

function fromTemplate(o: K8sObject, template: any, replicas: number, surge: number, claims: string[] = []): PodTemplate {
    return {
        object: str(o),
        namespace: o.metadata.namespace ?? "default",
        labels: { ...(template?.metadata?.labels ?? {}) },
        annotations: { ...(template?.metadata?.annotations ?? {}) },
        replicas,
        surge,
        spec: (template?.spec ?? { containers: [] }) as PodSpec,
        claims,
        fromOperator: false,
    };
}

/** Pod templates of the built-in workload kinds. */
function workloadPods(o: K8sObject, opts: PodOptions): PodTemplate[] {
    const spec = o.spec ?? {};
    switch (o.kind) {
        case "Deployment": {
            const replicas = spec.replicas ?? 1;
            // DeploymentSpec defaults: RollingUpdate with maxSurge 25%; Recreate never surges.
            const surge = spec.strategy?.type === "Recreate" ? 0 : intOrPercent(spec.strategy?.rollingUpdate?.maxSurge, replicas, "25%");
            return [fromTemplate(o, spec.template, replicas, surge)];
        }
        case "StatefulSet":
            // StatefulSets replace pods one at a time without surge (maxSurge is not a StatefulSet field in 1.34).
            return [fromTemplate(o, spec.template, spec.replicas ?? 1, 0, claimSizes(spec.volumeClaimTemplates))];
        case "ReplicaSet":
            return [fromTemplate(o, spec.template, spec.replicas ?? 1, 0)];
        case "DaemonSet": {
            const nodes = opts.nodes ?? 1;
            const surge = spec.updateStrategy?.type === "OnDelete" ? 0 : intOrPercent(spec.updateStrategy?.rollingUpdate?.maxSurge, nodes, "0");
            return [fromTemplate(o, spec.template, nodes, surge)];
        }
        case "Job":
            return [fromTemplate(o, spec.template, spec.parallelism ?? 1, 0)];
        case "CronJob": {
            const job = spec.jobTemplate?.spec ?? {};
            // Forbid keeps one run at a time; Allow/Replace can overlap a run still finishing: count two.
            const runs = (spec.concurrencyPolicy ?? "Allow") === "Forbid" ? 1 : 2;
            return [fromTemplate(o, job.template, (job.parallelism ?? 1) * runs, 0)];
        }
        case "Pod":
            return [fromTemplate(o, { metadata: o.metadata, spec: o.spec }, 1, 0)];
        default:
            return [];
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Strimzi. Source: github.com/strimzi/strimzi-kafka-operator at tag 1.2.0 (the operator the pinned chart 1.2.0 installs).
// ---------------------------------------------------------------------------------------------------------------

/** strimzi-kafka-operator 1.2.0 api/.../RestrictedPodSecurityProvider.java: the container context of every operand. */
const STRIMZI_RESTRICTED_CONTAINER = {
    allowPrivilegeEscalation: false,
    runAsNonRoot: true,
    seccompProfile: { type: "RuntimeDefault" },
    capabilities: { drop: ["ALL"] },
};

/** Which pod security provider the cluster operator uses: STRIMZI_POD_SECURITY_PROVIDER_CLASS on its Deployment. */
function strimziProvider(objects: K8sObject[], namespace: string): "restricted" | "baseline" {
    const operators = objects.filter(
        (o) => o.kind === "Deployment" && (o.spec?.template?.spec?.containers ?? []).some((c: Container) => /strimzi\/operator/.test(c.image ?? "")),
    );
    const op = operators.find((o) => o.metadata.namespace === namespace) ?? operators[0];
    const env = (op?.spec?.template?.spec?.containers ?? []).flatMap((c: Container) => c.env ?? []);
    const v = env.find((e: { name: string }) => e.name === "STRIMZI_POD_SECURITY_PROVIDER_CLASS")?.value ?? "baseline";
    return /restricted/i.test(String(v)) ? "restricted" : "baseline";
}

/**
 * Labels.generateDefaultLabels (operator-common Labels.java) and KafkaPool's constructor: every operand carries the
 * CR's own labels, strimzi.io/{kind,name,cluster,component-type} and app.kubernetes.io/{name,instance,part-of,managed-by}.
 */
function strimziLabels(kafka: K8sObject, name: string, componentType: string): Record<string, string> {
    const cluster = kafka.metadata.name;
    return {
        ...(kafka.metadata.labels ?? {}),
        "strimzi.io/kind": kafka.kind,
        "strimzi.io/name": name,
        "strimzi.io/cluster": cluster,
        "strimzi.io/component-type": componentType,
        "app.kubernetes.io/name": componentType,
        "app.kubernetes.io/instance": cluster,
        "app.kubernetes.io/part-of": `strimzi-${cluster}`,
        "app.kubernetes.io/managed-by": "strimzi-cluster-operator",
    };
}

/** ListenersUtils.backwardsCompatiblePortName: the container port name of a listener. */
function listenerPortName(l: { name: string; port: number; type: string }): string {
    if (l.port === 9092 && l.name === "plain" && l.type === "internal") return "tcp-clients";
    if (l.port === 9093 && l.name === "tls" && l.type === "internal") return "tcp-clientstls";
    if (l.port === 9094 && l.name === "external") return "tcp-external";
    return `tcp-${l.name}`;
}

function strimziPodSpec(provider: "restricted" | "baseline", containers: Container[], initContainers: Container[] = [], persistent = false): PodSpec {
    const sc = provider === "restricted" ? STRIMZI_RESTRICTED_CONTAINER : undefined;
    const withSc = (c: Container): Container => (sc ? { ...c, securityContext: sc } : c);
    return {
        containers: containers.map(withSc),
        ...(initContainers.length > 0 ? { initContainers: initContainers.map(withSc) } : {}),
        // BaselinePodSecurityProvider: fsGroup 0 on pods with persistent storage, nothing else at pod level.
        ...(persistent ? { securityContext: { fsGroup: 0 } } : {}),
    };
}

function kafkaPods(objects: K8sObject[], kafka: K8sObject): PodTemplate[] {
    const ns = kafka.metadata.namespace ?? "default";
    const cluster = kafka.metadata.name;
    const provider = strimziProvider(objects, ns);
    const k = kafka.spec?.kafka ?? {};
    const listeners: { name: string; port: number; type: string }[] = k.listeners ?? [];
    const pools = objects.filter((o) => o.kind === "KafkaNodePool" && o.metadata.namespace === ns && o.metadata.labels?.["strimzi.io/cluster"] === cluster);
    const out: PodTemplate[] = [];
    for (const pool of pools) {
        const roles: string[] = pool.spec?.roles ?? [];
        const broker = roles.includes("broker");
        const controller = roles.includes("controller");
        const resources = pool.spec?.resources ?? k.resources;
        // KafkaCluster.getContainerPortList: agent 8443 always, control plane 9090 on controllers, replication 9091 and
        // the listeners on brokers, metrics 9404 when metricsConfig is set.
        const ports: ContainerPort[] = [
            { name: "tcp-kafkaagent", containerPort: 8443, protocol: "TCP" },
            ...(controller ? [{ name: "tcp-ctrlplane", containerPort: 9090, protocol: "TCP" }] : []),
            ...(broker
                ? [{ name: "tcp-replication", containerPort: 9091, protocol: "TCP" }, ...listeners.map((l) => ({ name: listenerPortName(l), containerPort: l.port, protocol: "TCP" }))]
                : []),
            ...(k.metricsConfig ? [{ name: "tcp-prometheus", containerPort: 9404, protocol: "TCP" }] : []),
        ];
        // KafkaCluster.createInitContainer: kafka-init (with the pool's resources) only for rack awareness or node ports.
        const needsInit = k.rack !== undefined || listeners.some((l) => l.type === "nodeport");
        const volumes: any[] = pool.spec?.storage?.type === "jbod" ? pool.spec.storage.volumes ?? [] : pool.spec?.storage ? [pool.spec.storage] : [];
        const claims = volumes.filter((v) => v.type === "persistent-claim").map((v) => String(v.size));
        const poolName = pool.metadata.name;
        out.push({
            object: str(kafka),
            namespace: ns,
            role: `pool ${poolName}`,
            labels: {
                ...strimziLabels(pool, `${cluster}-kafka`, "kafka"),
                // KafkaPool: the node pool's labels, Kafka's kind/cluster, plus pool name and (KafkaCluster) node roles.
                "strimzi.io/kind": kafka.kind,
                "strimzi.io/cluster": cluster,
                "app.kubernetes.io/instance": cluster,
                "app.kubernetes.io/part-of": `strimzi-${cluster}`,
                "strimzi.io/pool-name": poolName,
                "strimzi.io/broker-role": String(broker),
                "strimzi.io/controller-role": String(controller),
                "strimzi.io/controller": "strimzipodset",
                "strimzi.io/controller-name": `${cluster}-${poolName}`,
            },
            annotations: {},
            replicas: pool.spec?.replicas ?? 0,
            // StrimziPodSets roll one pod at a time, deleting before recreating.
            surge: 0,
            spec: strimziPodSpec(
                provider,
                [{ name: "kafka", ports, resources }],
                needsInit ? [{ name: "kafka-init", resources }] : [],
                claims.length > 0,
            ),
            claims,
            fromOperator: true,
        });
    }
    const eo = kafka.spec?.entityOperator;
    if (eo && (eo.topicOperator || eo.userOperator)) {
        // EntityTopicOperator / EntityUserOperator: healthcheck ports 8080 and 8081; EntityOperator uses Recreate.
        const containers: Container[] = [
            ...(eo.topicOperator ? [{ name: "topic-operator", ports: [{ name: "healthcheck-to", containerPort: 8080, protocol: "TCP" }], resources: eo.topicOperator.resources }] : []),
            ...(eo.userOperator ? [{ name: "user-operator", ports: [{ name: "healthcheck-uo", containerPort: 8081, protocol: "TCP" }], resources: eo.userOperator.resources }] : []),
        ];
        out.push({
            object: str(kafka),
            namespace: ns,
            role: "entity-operator",
            labels: strimziLabels(kafka, `${cluster}-entity-operator`, "entity-operator"),
            annotations: {},
            replicas: 1,
            surge: 0,
            spec: strimziPodSpec(provider, containers),
            claims: [],
            fromOperator: true,
        });
    }
    const ke = kafka.spec?.kafkaExporter;
    if (ke) {
        // KafkaExporter: metrics on 9404 (MetricsModel.METRICS_PORT_NAME tcp-prometheus); RollingUpdate maxSurge 1
        // (WorkloadUtils.deploymentStrategy).
        out.push({
            object: str(kafka),
            namespace: ns,
            role: "kafka-exporter",
            labels: strimziLabels(kafka, `${cluster}-kafka-exporter`, "kafka-exporter"),
            annotations: {},
            replicas: 1,
            surge: 1,
            spec: strimziPodSpec(provider, [{ name: "kafka-exporter", ports: [{ name: "tcp-prometheus", containerPort: 9404, protocol: "TCP" }], resources: ke.resources }]),
            claims: [],
            fromOperator: true,
        });
    }
    const cc = kafka.spec?.cruiseControl;
    if (cc) {
        // CruiseControl: REST API 9090 (rest-api), metrics 9404 when metricsConfig is set; RollingUpdate maxSurge 1.
        out.push({
            object: str(kafka),
            namespace: ns,
            role: "cruise-control",
            labels: strimziLabels(kafka, `${cluster}-cruise-control`, "cruise-control"),
            annotations: {},
            replicas: 1,
            surge: 1,
            spec: strimziPodSpec(provider, [
                {
                    name: "cruise-control",
                    ports: [{ name: "rest-api", containerPort: 9090, protocol: "TCP" }, ...(cc.metricsConfig ? [{ name: "tcp-prometheus", containerPort: 9404, protocol: "TCP" }] : [])],
                    resources: cc.resources,
                },
            ]),
            claims: [],
            fromOperator: true,
        });
    }
    return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Prometheus operator. Source: github.com/prometheus-operator/prometheus-operator at v0.93.0 (kube-prometheus-stack
// 88.5.3 runs v0.93.1, a patch release of it).
// ---------------------------------------------------------------------------------------------------------------

/**
 * Config reloader resources: the operator's --config-reloader-{cpu,memory}-{request,limit} flags; "0" sets none
 * (pkg/operator/config.go ContainerConfig.ResourceRequirements).
 */
function reloaderResources(objects: K8sObject[]): { requests?: ResourceList; limits?: ResourceList } {
    const op = objects.find(
        (o) => o.kind === "Deployment" && (o.spec?.template?.spec?.containers ?? []).some((c: Container) => /prometheus-operator\/prometheus-operator/.test(c.image ?? "")),
    );
    const args: string[] = (op?.spec?.template?.spec?.containers ?? []).flatMap((c: Container) => c.args ?? []);
    const flag = (name: string): string | undefined => {
        const a = args.find((x) => x.startsWith(`--config-reloader-${name}=`));
        const v = a?.slice(a.indexOf("=") + 1);
        return v === undefined || v === "0" ? undefined : v;
    };
    const requests: ResourceList = {};
    const limits: ResourceList = {};
    const set = (l: ResourceList, k: string, v: string | undefined) => v !== undefined && (l[k] = v);
    set(requests, "cpu", flag("cpu-request"));
    set(requests, "memory", flag("memory-request"));
    set(limits, "cpu", flag("cpu-limit"));
    set(limits, "memory", flag("memory-limit"));
    return { requests, limits };
}

/** Operator-built containers' context: pkg/prometheus/server/statefulset.go and pkg/operator/config_reloader.go. */
const PROMOP_CONTAINER = { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] } };

function reloader(objects: K8sObject[], init: boolean): Container {
    // config_reloader.go: port 8080 "reloader-web", the init container 8081 "reloader-init".
    return {
        name: init ? "init-config-reloader" : "config-reloader",
        ports: [{ name: init ? "reloader-init" : "reloader-web", containerPort: init ? 8081 : 8080, protocol: "TCP" }],
        resources: reloaderResources(objects),
        securityContext: PROMOP_CONTAINER,
    };
}

function prometheusOperatorPods(objects: K8sObject[], cr: K8sObject): PodTemplate {
    const ns = cr.metadata.namespace ?? "default";
    const name = cr.metadata.name;
    const spec = cr.spec ?? {};
    const isProm = cr.kind === "Prometheus";
    // makeSelectorLabels in pkg/prometheus/server/operator.go and pkg/alertmanager/operator.go; Prometheus adds the
    // shard label (statefulset.go); both merge spec.podMetadata.labels under them.
    const selector: Record<string, string> = isProm
        ? {
              "app.kubernetes.io/managed-by": "prometheus-operator",
              "app.kubernetes.io/name": "prometheus",
              "app.kubernetes.io/instance": name,
              "operator.prometheus.io/name": name,
              prometheus: name,
              "operator.prometheus.io/shard": "0",
          }
        : {
              "app.kubernetes.io/name": "alertmanager",
              "app.kubernetes.io/managed-by": "prometheus-operator",
              "app.kubernetes.io/instance": name,
              alertmanager: name,
          };
    const portName = spec.portName ?? "web";
    const main: Container = isProm
        ? // common.go MakeContainerPorts: 9090 named spec.portName (default "web").
          { name: "prometheus", ports: spec.listenLocal ? [] : [{ name: portName, containerPort: 9090, protocol: "TCP" }], resources: spec.resources, securityContext: PROMOP_CONTAINER }
        : // alertmanager/statefulset.go: web 9093, cluster mesh 9094 TCP and UDP.
          {
              name: "alertmanager",
              ports: [
                  { name: portName, containerPort: 9093, protocol: "TCP" },
                  { name: "mesh-tcp", containerPort: 9094, protocol: "TCP" },
                  { name: "mesh-udp", containerPort: 9094, protocol: "UDP" },
              ],
              resources: spec.resources,
              securityContext: PROMOP_CONTAINER,
          };
    const claim = spec.storage?.volumeClaimTemplate?.spec?.resources?.requests?.storage;
    const shards = isProm ? spec.shards ?? 1 : 1;
    return {
        object: str(cr),
        namespace: ns,
        labels: { ...(spec.podMetadata?.labels ?? {}), ...selector },
        annotations: { ...(spec.podMetadata?.annotations ?? {}) },
        replicas: (spec.replicas ?? 1) * shards,
        // StatefulSets: no surge.
        surge: 0,
        spec: {
            serviceAccountName: spec.serviceAccountName,
            securityContext: spec.securityContext,
            initContainers: [reloader(objects, true), ...(spec.initContainers ?? [])],
            containers: [main, reloader(objects, false), ...(spec.containers ?? [])],
            ...(spec.hostNetwork ? { hostNetwork: true } : {}),
            volumes: spec.volumes ?? [],
        },
        claims: claim ? [String(claim)] : [],
        fromOperator: true,
    };
}

// ---------------------------------------------------------------------------------------------------------------
// Airflow's KubernetesExecutor task pods: the chart renders their template into the config ConfigMap
// (`pod_template_file.yaml`) beside airflow.cfg. Each scheduler launches at most [core] parallelism tasks at once
// (Airflow's config.yml: "maximum number of task instances that can run concurrently per scheduler", default 32).
// ---------------------------------------------------------------------------------------------------------------

export const AIRFLOW_DEFAULT_PARALLELISM = 32;

/** A key of an INI section (`[core]` `parallelism = 16`) in airflow.cfg text. */
export function iniValue(text: string, section: string, key: string): string | undefined {
    let current = "";
    for (const raw of text.split("\n")) {
        const line = raw.trim();
        const s = /^\[(.+)\]$/.exec(line);
        if (s) {
            current = s[1];
            continue;
        }
        const kv = /^([^=#;]+?)\s*=\s*(.*)$/.exec(line);
        if (kv && current === section && kv[1] === key) {
            return kv[2];
        }
    }
    return undefined;
}

function airflowTaskPods(objects: K8sObject[], cm: K8sObject): PodTemplate[] {
    const cfg: string = cm.data?.["airflow.cfg"] ?? "";
    const executor = iniValue(cfg, "core", "executor") ?? "";
    if (!executor.includes("KubernetesExecutor")) {
        return [];
    }
    const pod = parseYaml(cm.data["pod_template_file.yaml"]) as K8sObject;
    const ns = cm.metadata.namespace ?? "default";
    const parallelism = Number(iniValue(cfg, "core", "parallelism") ?? AIRFLOW_DEFAULT_PARALLELISM);
    const release = cm.metadata.labels?.release;
    const schedulers = objects
        .filter((o) => o.kind === "Deployment" && o.metadata.namespace === ns && o.spec?.template?.metadata?.labels?.component === "scheduler" && o.spec?.template?.metadata?.labels?.release === release)
        .reduce((acc, o) => acc + (o.spec.replicas ?? 1), 0);
    return [
        {
            object: str(cm),
            namespace: ns,
            role: "task pods",
            labels: { ...(pod.metadata?.labels ?? {}) },
            annotations: { ...(pod.metadata?.annotations ?? {}) },
            replicas: parallelism * Math.max(1, schedulers),
            surge: 0,
            spec: (pod.spec ?? { containers: [] }) as PodSpec,
            claims: [],
            fromOperator: true,
        },
    ];
}

/** Every pod template in the objects, operator-created pods included. */
export function podTemplates(objects: K8sObject[], opts: PodOptions = {}): PodTemplate[] {
    const out: PodTemplate[] = [];
    for (const o of objects) {
        out.push(...workloadPods(o, opts));
        if (o.kind === "Kafka" && o.apiVersion.startsWith("kafka.strimzi.io/")) {
            out.push(...kafkaPods(objects, o));
        }
        if ((o.kind === "Prometheus" || o.kind === "Alertmanager") && o.apiVersion.startsWith("monitoring.coreos.com/")) {
            out.push(prometheusOperatorPods(objects, o));
        }
        if (o.kind === "ConfigMap" && typeof o.data?.["pod_template_file.yaml"] === "string" && typeof o.data?.["airflow.cfg"] === "string") {
            out.push(...airflowTaskPods(objects, o));
        }
    }
    return out;
}

/** Every container of a pod, init and ephemeral ones included, with which list it came from. */
export function allContainers(spec: PodSpec): { container: Container; kind: "container" | "initContainer" | "ephemeralContainer" }[] {
    return [
        ...(spec.initContainers ?? []).map((container) => ({ container, kind: "initContainer" as const })),
        ...(spec.containers ?? []).map((container) => ({ container, kind: "container" as const })),
        ...(spec.ephemeralContainers ?? []).map((container) => ({ container, kind: "ephemeralContainer" as const })),
    ];
}

/** A short name for a pod template in findings: `Deployment/x` or `Kafka/dataops (pool dual)`. */
export function podName(p: PodTemplate): string {
    return p.role ? `${p.object} (${p.role})` : p.object;
}
