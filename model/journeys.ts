// The one list of network flows the platform needs open and the ones that must stay closed, as pod selectors
// (namespace + labels) and a port. Tests evaluate it on the rendered model, the plan prints it, and a later live
// `verify` can probe the same list on a cluster. Pods that exist only at run time (Spark drivers and executors, a
// team's Kafka client) are described by sample labels and ports, taken from what launches them.
import { DATA_SERVICE_ACCOUNTS, LABELS, NAMESPACES, PORTS } from "../stacks/catalog";
import { firstHost } from "../stacks/cidr";
import type { PlatformConfig } from "../stacks/config";
import { can, Subject, subjectName } from "./access";
import { monitorTargets } from "./monitors";
import { ContainerPort, PodTemplate, podTemplates } from "./pods";
import { matches } from "./selectors";
import { explainReach, explainReachCidr, podRef, PodRef, Protocol, resolvePort } from "./reach";
import type { K8sObject } from "./types";
import { clientSecretName } from "../components/workloads/kafka/tenancy";

export interface Endpoint {
    namespace: string;
    /** Labels the pods carry (a subset selects them among the rendered pods). */
    labels: Record<string, string>;
    /** For pods no object in the model describes: the sample's container ports (the sample stands in for them). */
    sample?: ContainerPort[];
    describe: string;
}

export interface AddressEndpoint {
    ip: string;
    describe: string;
}

export interface Journey {
    name: string;
    from: Endpoint;
    to: Endpoint | AddressEndpoint;
    /** A number, or a container port name resolved on each target pod. */
    port: number | string;
    protocol: Protocol;
    expect: "open" | "closed";
    why: string;
}

/** Addresses outside the pod network the journeys need; flows to an address left out are not listed. */
export interface JourneyContext {
    /** What pods dial for the API server (the kubernetes Service IP and, after DNAT, the control plane). */
    apiServer?: { ip: string; port: number }[];
    /** Where an external Airflow metadata database would be (used when the model has no bundled PostgreSQL pod). */
    metadataDb?: { ip: string; port: number };
    /** A node address (kubelet and node-exporter scrapes). */
    node?: string;
    /** A public address no namespace without internet egress may reach, and the ports checked. */
    internet?: { ip: string; ports: number[] };
    /** Namespaces configured with internet egress (their internet journey is skipped). */
    internetNamespaces?: string[];
}

/** kind's default Docker network, where a local cluster's nodes live unless dataops:local.apiServerCidrs says otherwise. */
const KIND_NODE = "172.18.0.2";
/** A public address that stands for "the internet". */
const PUBLIC_ADDRESS = "1.1.1.1";

function apiAddressUnknown(cfg: PlatformConfig): boolean {
    return cfg.cloud === "local" ? cfg.local.apiServerCidrs.length === 0 : cfg.cloud === "azure" && cfg.cluster.endpointAccess === "public";
}

/** The addresses of a stack's config the journeys use. */
export function journeyContext(cfg: PlatformConfig): JourneyContext {
    const local = cfg.cloud === "local";
    return {
        // The kubernetes Service's ClusterIP is what clients dial.
        apiServer: [{ ip: firstHost(cfg.cluster.serviceCidr), port: PORTS.apiServer }],
        // An external database's address is known only when the config names its ranges (a managed one gets its
        // address from the cloud at `up`): without them its journeys are not listed.
        ...(cfg.airflow.databaseCidrs?.[0] ? { metadataDb: { ip: firstHost(cfg.airflow.databaseCidrs[0]), port: cfg.airflow.databasePort } } : {}),
        node: local ? (cfg.local.apiServerCidrs[0] ? firstHost(cfg.local.apiServerCidrs[0]) : KIND_NODE) : firstHost(cfg.cluster.networkCidr),
        // Where the API server's address is not known in advance (a local cluster without dataops:local.apiServerCidrs,
        // a public AKS endpoint) the API egress rule opens 443 to every address by design: only port 80 is checked there.
        internet: { ip: PUBLIC_ADDRESS, ports: apiAddressUnknown(cfg) ? [80] : [80, PORTS.apiServer] },
        internetNamespaces: Object.entries(cfg.namespaces).filter(([, o]) => o.internetEgress === true).map(([n]) => n),
    };
}

const isAddress = (e: Endpoint | AddressEndpoint): e is AddressEndpoint => (e as AddressEndpoint).ip !== undefined;

/** Spark 3/4 on Kubernetes: driver RPC 7078 and block manager 7079 (spark.driver.port, spark.blockManager.port defaults
 * set by the Kubernetes submission client), UI 4040; the Spark operator's metrics port "jmx-exporter" (PORTS.sparkMetrics). */
const SPARK_LAUNCHED = { "sparkoperator.k8s.io/launched-by-spark-operator": "true" };
const SPARK_DRIVER_PORTS: ContainerPort[] = [
    { name: "driver-rpc-port", containerPort: 7078, protocol: "TCP" },
    { name: "blockmanager", containerPort: 7079, protocol: "TCP" },
    { name: "spark-ui", containerPort: 4040, protocol: "TCP" },
    { name: "jmx-exporter", containerPort: PORTS.sparkMetrics, protocol: "TCP" },
];
const SPARK_EXECUTOR_PORTS: ContainerPort[] = [
    { name: "blockmanager", containerPort: 7079, protocol: "TCP" },
    { name: "jmx-exporter", containerPort: PORTS.sparkMetrics, protocol: "TCP" },
];

export function sparkDriver(namespace: string): Endpoint {
    return { namespace, labels: { ...SPARK_LAUNCHED, "spark-role": "driver" }, sample: SPARK_DRIVER_PORTS, describe: `Spark driver in ${namespace}` };
}

export function sparkExecutor(namespace: string): Endpoint {
    return { namespace, labels: { ...SPARK_LAUNCHED, "spark-role": "executor" }, sample: SPARK_EXECUTOR_PORTS, describe: `Spark executor in ${namespace}` };
}

/** Pods that only exist at run time (Spark drivers and executors in every job namespace), as samples for monitors. */
export function samplePods(objects: K8sObject[]): PodTemplate[] {
    return sparkJobNamespaces(objects).flatMap((ns) =>
        [sparkDriver(ns), sparkExecutor(ns)].map((e) => ({
            object: `SparkApplication/*`,
            namespace: ns,
            role: `sample ${e.labels["spark-role"]}`,
            labels: e.labels,
            annotations: {},
            replicas: 0,
            surge: 0,
            spec: { containers: [{ name: `spark-kubernetes-${e.labels["spark-role"]}`, ports: e.sample }] },
            claims: [],
            fromOperator: true,
        })),
    );
}

const anyPod = (namespace: string): Endpoint => ({ namespace, labels: {}, sample: [], describe: `a pod in ${namespace}` });

/** Namespaces where Spark jobs run: those holding the job service account the Spark operator chart creates. */
export function sparkJobNamespaces(objects: K8sObject[]): string[] {
    return objects
        .filter((o) => o.kind === "ServiceAccount" && o.metadata.name === DATA_SERVICE_ACCOUNTS.sparkJobs[0] && o.metadata.namespace)
        .map((o) => o.metadata.namespace as string)
        .sort();
}

const hasNamespace = (objects: K8sObject[], ns: string) => objects.some((o) => o.kind === "Namespace" && o.metadata.name === ns);

/** Every flow the platform needs (expect "open") and a set that must stay closed, for the components in the model. */
/** Namespaces holding a team's Kafka client Secret (`kafka-<team>`, labelled with the team). */
export function kafkaClientSecretNamespaces(objects: K8sObject[]): string[] {
    return objects
        .filter((o) => o.kind === "Secret" && o.apiVersion === "v1" && o.metadata.labels?.[LABELS.team] && o.metadata.name === clientSecretName(o.metadata.labels[LABELS.team]))
        .map((o) => o.metadata.namespace ?? "default");
}

export function platformJourneys(objects: K8sObject[], ctx: JourneyContext = {}, pods: PodTemplate[] = podTemplates(objects)): Journey[] {
    const out: Journey[] = [];
    const open = (name: string, from: Endpoint, to: Endpoint | AddressEndpoint, port: number | string, why: string, protocol: Protocol = "TCP") =>
        out.push({ name, from, to, port, protocol, expect: "open", why });
    const closed = (name: string, from: Endpoint, to: Endpoint | AddressEndpoint, port: number | string, why: string, protocol: Protocol = "TCP") =>
        out.push({ name, from, to, port, protocol, expect: "closed", why });
    const api = (name: string, from: Endpoint, why: string) => {
        for (const a of ctx.apiServer ?? []) open(`${name} -> API server ${a.ip}:${a.port}`, from, { ip: a.ip, describe: "Kubernetes API server" }, a.port, why);
    };
    const managed = objects.filter((o) => o.kind === "Namespace" && o.metadata.labels?.[LABELS.managed] === "true").map((o) => o.metadata.name);
    const dns: Endpoint = { namespace: "kube-system", labels: { "k8s-app": "kube-dns" }, sample: [{ name: "dns", containerPort: PORTS.dns, protocol: "UDP" }], describe: "cluster DNS" };
    for (const ns of managed) {
        open(`${ns} -> DNS`, anyPod(ns), dns, PORTS.dns, "name resolution", "UDP");
    }

    const teamNamespaces = objects.filter((o) => o.kind === "Namespace" && o.metadata.labels?.[LABELS.team]).map((o) => o.metadata.name);
    const jobNamespaces = sparkJobNamespaces(objects);
    const af = NAMESPACES.airflow;
    const airflow = (component: string): Endpoint => ({ namespace: af, labels: { tier: "airflow", component }, describe: `Airflow ${component}` });
    const hasAirflow = hasNamespace(objects, af);
    const postgres: Endpoint = { namespace: af, labels: { "app.kubernetes.io/name": "postgresql" }, describe: "bundled PostgreSQL" };
    // The bundled PostgreSQL when the chart renders it, else the external database's address.
    const bundledDb = pods.some((p) => p.namespace === af && matches({ matchLabels: postgres.labels }, p.labels));
    if (hasAirflow) {
        // Celery workers run as a StatefulSet and use the database; KubernetesExecutor task pods run users' DAG code and, in
        // Airflow 3, talk only to the API server's execution API, so the database stays closed to them.
        const celery = objects.some((o) => o.kind === "StatefulSet" && o.metadata.namespace === af && o.metadata.labels?.component === "worker");
        const components = ["scheduler", "api-server", "dag-processor", "triggerer", "run-airflow-migrations", ...(celery ? ["worker"] : [])];
        const db = bundledDb ? { to: postgres, port: PORTS.airflowPostgres } : ctx.metadataDb ? { to: { ip: ctx.metadataDb.ip, describe: "external metadata database" }, port: ctx.metadataDb.port } : undefined;
        if (db) {
            for (const c of components) {
                open(`airflow ${c} -> metadata DB`, airflow(c), db.to, db.port, "Airflow keeps its state in the metadata database");
            }
            if (!celery) {
                closed("airflow task pods -> metadata DB", airflow("worker"), db.to, db.port, "task pods run DAG code and reach only the execution API");
            }
        }
        for (const c of ["scheduler", "dag-processor", "triggerer", "worker"]) {
            open(`airflow ${c} -> statsd`, airflow(c), airflow("statsd"), 9125, "metrics are pushed to statsd-exporter", "UDP");
        }
        for (const c of ["worker", "scheduler", "triggerer", "dag-processor"]) {
            open(`airflow ${c} -> api-server`, airflow(c), airflow("api-server"), PORTS.airflowApiServer, "Airflow 3 tasks and components talk to the execution API");
        }
        api("airflow scheduler", airflow("scheduler"), "the KubernetesExecutor launches task pods");
        api("airflow task pod", airflow("worker"), "tasks launch and watch SparkApplications");
        for (const ns of [...jobNamespaces, ...teamNamespaces.filter((t) => !jobNamespaces.includes(t))]) {
            closed(`${ns} -> airflow api-server`, anyPod(ns), airflow("api-server"), PORTS.airflowApiServer, "job namespaces do not call Airflow");
            if (bundledDb) {
                closed(`${ns} -> airflow metadata DB`, anyPod(ns), postgres, PORTS.airflowPostgres, "only Airflow reads its database");
            } else if (ctx.metadataDb) {
                closed(`${ns} -> airflow metadata DB`, anyPod(ns), { ip: ctx.metadataDb.ip, describe: "external metadata database" }, ctx.metadataDb.port, "only Airflow reads its database");
            }
        }
    }

    const kafkas = objects.filter((o) => o.kind === "Kafka" && o.apiVersion.startsWith("kafka.strimzi.io/"));
    for (const k of kafkas) {
        const ns = k.metadata.namespace ?? NAMESPACES.kafka;
        const c = k.metadata.name;
        const node = (role: "broker" | "controller"): Endpoint => ({ namespace: ns, labels: { "strimzi.io/cluster": c, [`strimzi.io/${role}-role`]: "true" }, describe: `Kafka ${role}s` });
        const operand = (name: string): Endpoint => ({ namespace: ns, labels: { "strimzi.io/name": `${c}-${name}` }, describe: `Strimzi ${name}` });
        const operator: Endpoint = { namespace: ns, labels: { "strimzi.io/kind": "cluster-operator" }, describe: "Strimzi cluster operator" };
        const kafkaPods: Endpoint = { namespace: ns, labels: { "strimzi.io/cluster": c, "strimzi.io/name": `${c}-kafka` }, describe: "Kafka nodes" };
        open("strimzi operator -> brokers (replication/admin)", operator, node("broker"), 9091, "the operator administers brokers over the internal TLS listener");
        open("strimzi operator -> controllers", operator, node("controller"), 9090, "the operator administers KRaft controllers");
        open("strimzi operator -> kafka agent", operator, kafkaPods, 8443, "rolling restarts read broker state from the Kafka agent");
        api("strimzi operator", operator, "the operator reconciles Kafka resources");
        open("brokers -> controllers", node("broker"), node("controller"), 9090, "KRaft metadata quorum");
        open("controllers -> controllers", node("controller"), node("controller"), 9090, "KRaft quorum between controllers");
        open("brokers -> brokers", node("broker"), node("broker"), 9091, "replication");
        if (k.spec?.entityOperator) {
            open("entity operator -> brokers", operand("entity-operator"), node("broker"), 9091, "topic and user operators manage topics, users and ACLs");
            api("entity operator", operand("entity-operator"), "topic and user operators watch KafkaTopic/KafkaUser");
        }
        if (k.spec?.kafkaExporter) {
            open("kafka exporter -> brokers", operand("kafka-exporter"), node("broker"), 9091, "the exporter reads consumer group offsets");
        }
        // Kafka clients run where a team's client Secret is (docs/kafka.md); elsewhere the listener stays closed.
        const withCredentials = new Set(kafkaClientSecretNamespaces(objects));
        const candidates = [...(hasAirflow ? [af] : []), ...jobNamespaces, ...teamNamespaces.filter((t) => !jobNamespaces.includes(t))];
        for (const ns2 of candidates) {
            if (withCredentials.has(ns2)) {
                open(`${ns2} client -> kafka TLS listener`, anyPod(ns2), node("broker"), PORTS.kafkaTls, "a team's clients produce and consume over TLS with its credentials");
            } else {
                closed(`${ns2} -> kafka TLS listener`, anyPod(ns2), node("broker"), PORTS.kafkaTls, "no team's Kafka credentials are delivered here");
            }
            closed(`${ns2} client -> kafka controllers`, anyPod(ns2), node("controller"), 9090, "clients never talk to the KRaft quorum");
            closed(`${ns2} client -> kafka replication port`, anyPod(ns2), node("broker"), 9091, "the replication listener is for brokers and operators only");
        }
        if (hasNamespace(objects, NAMESPACES.monitoring)) {
            closed("monitoring -> kafka TLS listener", anyPod(NAMESPACES.monitoring), node("broker"), PORTS.kafkaTls, "monitoring scrapes metrics, it is not a Kafka client");
        }
        if (ctx.internet && !(ctx.internetNamespaces ?? []).includes(ns)) {
            for (const port of ctx.internet.ports) {
                closed(`kafka -> internet :${port}`, kafkaPods, { ip: ctx.internet.ip, describe: "the internet" }, port, "Kafka needs no internet egress");
            }
        }
    }

    const prometheus: Endpoint = { namespace: NAMESPACES.monitoring, labels: { "app.kubernetes.io/name": "prometheus" }, describe: "Prometheus" };
    if (objects.some((o) => o.kind === "Prometheus")) {
        for (const t of monitorTargets(objects, pods).targets) {
            if (t.pod.hostNetwork) {
                // The pod listens on its node's address (node-exporter): Prometheus dials the node.
                if (ctx.node) open(`prometheus -> ${t.pod.name} :${t.portName} on the node (${t.monitor})`, prometheus, { ip: ctx.node, describe: `${t.pod.name} on a node` }, t.port, "Prometheus scrapes every port its monitors name");
                continue;
            }
            const target: Endpoint = { namespace: t.pod.namespace, labels: t.pod.labels, describe: t.pod.name ?? t.monitor };
            open(`prometheus -> ${t.pod.name} :${t.portName} (${t.monitor})`, prometheus, target, t.port, "Prometheus scrapes every port its monitors name");
        }
        if (objects.some((o) => o.kind === "Alertmanager")) {
            open("prometheus -> alertmanager", prometheus, { namespace: NAMESPACES.monitoring, labels: { "app.kubernetes.io/name": "alertmanager" }, describe: "Alertmanager" }, 9093, "alerts are delivered to Alertmanager");
        }
        for (const ns of jobNamespaces) {
            open(`prometheus -> spark driver metrics in ${ns}`, prometheus, sparkDriver(ns), "jmx-exporter", "the spark-applications PodMonitor scrapes drivers");
            open(`prometheus -> spark executor metrics in ${ns}`, prometheus, sparkExecutor(ns), "jmx-exporter", "the spark-applications PodMonitor scrapes executors");
        }
        if (ctx.node) {
            open("prometheus -> kubelet", prometheus, { ip: ctx.node, describe: "a node" }, PORTS.kubelet, "kubelet and cAdvisor metrics");
            open("prometheus -> node-exporter", prometheus, { ip: ctx.node, describe: "a node" }, PORTS.nodeExporter, "node-exporter runs on the host network");
        }
        api("prometheus", prometheus, "service discovery");
        api("prometheus operator", { namespace: NAMESPACES.monitoring, labels: { "app.kubernetes.io/name": "kube-prometheus-stack-prometheus-operator" }, describe: "Prometheus operator" }, "the operator reconciles monitors");
        for (const ns of jobNamespaces) {
            closed(`${ns} -> prometheus`, anyPod(ns), prometheus, PORTS.prometheus, "jobs have no business querying Prometheus");
        }
    }
    if (objects.some((o) => o.kind === "Deployment" && o.spec?.template?.metadata?.labels?.["app.kubernetes.io/name"] === "grafana")) {
        open("grafana -> prometheus", { namespace: NAMESPACES.monitoring, labels: { "app.kubernetes.io/name": "grafana" }, describe: "Grafana" }, prometheus, PORTS.prometheus, "Grafana's data source is Prometheus");
    }

    frontDoorJourneys(objects, pods, { open, closed, api }, [...jobNamespaces, ...teamNamespaces.filter((t) => !jobNamespaces.includes(t))]);

    const sparkOperator = objects.some((o) => o.kind === "Deployment" && o.metadata.namespace === NAMESPACES.sparkOperator);
    if (sparkOperator) {
        api("spark operator controller", { namespace: NAMESPACES.sparkOperator, labels: { "app.kubernetes.io/component": "controller" }, describe: "Spark operator controller" }, "the operator creates drivers");
    }
    for (const ns of jobNamespaces) {
        open(`${ns}: executor -> driver RPC`, sparkExecutor(ns), sparkDriver(ns), "driver-rpc-port", "executors register with the driver");
        open(`${ns}: executor -> driver block manager`, sparkExecutor(ns), sparkDriver(ns), "blockmanager", "executors fetch broadcast blocks from the driver");
        open(`${ns}: driver -> executor block manager`, sparkDriver(ns), sparkExecutor(ns), "blockmanager", "the driver and executors exchange blocks");
        api(`${ns}: spark driver`, sparkDriver(ns), "the driver creates its executors");
        for (const other of jobNamespaces.filter((o) => o !== ns)) {
            closed(`${ns} driver -> ${other} executor`, sparkDriver(ns), sparkExecutor(other), "blockmanager", "job namespaces are isolated from each other");
        }
        if (ctx.internet && !(ctx.internetNamespaces ?? []).includes(ns)) {
            for (const port of ctx.internet.ports) {
                closed(`${ns} -> internet :${port}`, sparkDriver(ns), { ip: ctx.internet.ip, describe: "the internet" }, port, "jobs reach only the object store, not the internet");
            }
        }
    }
    return out;
}

/**
 * Envoy's proxy pods, which Envoy Gateway creates at run time for a Gateway (labels from its proxy Deployment), with
 * the container ports it binds the listeners to (443 and 80 plus 10000: Envoy runs without privileged ports).
 */
export function envoyProxy(gateway: K8sObject): Endpoint {
    const namespace = gateway.metadata.namespace ?? NAMESPACES.gateway;
    return {
        namespace,
        labels: {
            "app.kubernetes.io/name": "envoy",
            "app.kubernetes.io/component": "proxy",
            "app.kubernetes.io/managed-by": "envoy-gateway",
            "gateway.envoyproxy.io/owning-gateway-name": gateway.metadata.name,
            "gateway.envoyproxy.io/owning-gateway-namespace": namespace,
        },
        sample: [
            { name: "https", containerPort: PORTS.envoyHttps, protocol: "TCP" },
            { name: "http", containerPort: PORTS.envoyHttp, protocol: "TCP" },
        ],
        describe: `Envoy proxy of Gateway ${namespace}/${gateway.metadata.name}`,
    };
}

/** The pods and pod port a route's first backend Service leads to, from the Service in the model. */
function routeBackend(objects: K8sObject[], route: K8sObject): { to: Endpoint; port: number | string; service: string } | undefined {
    const ref = route.spec?.rules?.[0]?.backendRefs?.[0] as { name: string; namespace?: string; port: number } | undefined;
    const namespace = ref?.namespace ?? route.metadata.namespace ?? "default";
    const svc = ref && objects.find((o) => o.kind === "Service" && o.metadata.name === ref.name && (o.metadata.namespace ?? "default") === namespace);
    const port = svc?.spec?.ports?.find((p: { port: number }) => p.port === ref!.port);
    if (!svc?.spec?.selector || !port) return undefined;
    return {
        to: { namespace, labels: svc.spec.selector, describe: `Service ${namespace}/${svc.metadata.name}` },
        port: port.targetPort ?? port.port,
        service: `${namespace}/${svc.metadata.name}:${ref!.port}`,
    };
}

type Add = (name: string, from: Endpoint, to: Endpoint | AddressEndpoint, port: number | string, why: string, protocol?: Protocol) => void;

/**
 * The front door: each HTTPRoute's backend reached from the Envoy proxies through its Service; the same pod ports
 * closed to job and team namespaces (the UIs are reached through the gateway only); and, when their charts are
 * rendered, the proxies' configuration stream from Envoy Gateway and the controllers' API access.
 */
function frontDoorJourneys(objects: K8sObject[], pods: PodTemplate[], add: { open: Add; closed: Add; api: (name: string, from: Endpoint, why: string) => void }, jobAndTeam: string[]): void {
    const gateway = objects.find((o) => o.kind === "Gateway" && o.apiVersion.startsWith("gateway.networking.k8s.io/"));
    if (!gateway) return;
    const proxy = envoyProxy(gateway);
    const rendered = (e: Endpoint) => pods.some((p) => p.namespace === e.namespace && matches({ matchLabels: e.labels }, p.labels));
    for (const route of objects.filter((o) => o.kind === "HTTPRoute" && o.spec?.rules?.[0]?.backendRefs)) {
        const b = routeBackend(objects, route);
        if (!b) continue;
        add.open(`gateway -> ${b.service} (route ${route.metadata.name})`, proxy, b.to, b.port, "users reach the UI through the gateway");
        for (const ns of jobAndTeam) {
            add.closed(`${ns} -> ${b.service}`, anyPod(ns), b.to, b.port, "UIs are reached through the gateway only");
        }
        // A proxied UI (oauth2-proxy) forwards to its upstream once the user is signed in.
        const upstream = b.to.labels["app.kubernetes.io/name"] === "oauth2-proxy" && rendered(b.to) ? oauth2ProxyUpstream(objects, b.to) : undefined;
        if (upstream) add.open(`${b.service} -> ${upstream.describe}`, b.to, upstream.to, upstream.port, "the OIDC proxy forwards signed-in users");
    }
    const controller: Endpoint = { namespace: proxy.namespace, labels: { "control-plane": "envoy-gateway" }, describe: "Envoy Gateway controller" };
    if (rendered(controller)) {
        add.open("envoy proxy -> envoy gateway xDS", proxy, controller, PORTS.envoyGatewayXds, "the proxies get their configuration from the controller");
        add.api("envoy gateway", controller, "the controller watches Gateways and routes and creates the proxies");
    }
    for (const component of ["controller", "cainjector", "webhook"]) {
        const e: Endpoint = { namespace: NAMESPACES.certManager, labels: { "app.kubernetes.io/name": component === "controller" ? "cert-manager" : component, "app.kubernetes.io/component": component }, describe: `cert-manager ${component}` };
        if (rendered(e)) add.api(`cert-manager ${component}`, e, "cert-manager reconciles Certificates and injects CA bundles");
    }
}

/**
 * The upstream an oauth2-proxy forwards to: the Service URL in the `upstreams` line of the config file its Deployment
 * mounts (the chart writes `config.upstreams` there), resolved through the Service in the model.
 */
function oauth2ProxyUpstream(objects: K8sObject[], proxy: Endpoint): { to: Endpoint; port: number | string; describe: string } | undefined {
    const deployment = objects.find((o) => o.kind === "Deployment" && o.metadata.namespace === proxy.namespace && matches({ matchLabels: proxy.labels }, o.spec?.template?.metadata?.labels ?? {}));
    const mounted = new Set<string>((deployment?.spec?.template?.spec?.volumes ?? []).flatMap((v: { configMap?: { name: string } }) => (v.configMap ? [v.configMap.name] : [])));
    const files = objects
        .filter((o) => o.kind === "ConfigMap" && o.metadata.namespace === proxy.namespace && mounted.has(o.metadata.name))
        .flatMap((o) => Object.values((o.data ?? {}) as Record<string, string>));
    const url = files.map((text) => /upstreams\s*=\s*\[\s*"http:\/\/([^.]+)\.([^.]+)\.svc:(\d+)/.exec(text)).find((m) => m !== null);
    if (!url) return undefined;
    const b = routeBackend(objects, { apiVersion: "v1", kind: "HTTPRoute", metadata: { name: "upstream", namespace: url[2] }, spec: { rules: [{ backendRefs: [{ name: url[1], port: Number(url[3]) }] }] } });
    return b && { to: b.to, port: b.port, describe: b.service };
}

export interface JourneyResult {
    journey: Journey;
    /** ok: as expected; broken: the opposite; missing: an endpoint matches no rendered pod. */
    status: "ok" | "broken" | "missing";
    detail: string;
}

function resolve(e: Endpoint, pods: PodTemplate[]): PodRef[] {
    const found = pods.filter((p) => p.namespace === e.namespace && matches({ matchLabels: e.labels }, p.labels)).map(podRef);
    if (found.length > 0 || !e.sample) return found;
    return [{ namespace: e.namespace, labels: e.labels, ports: e.sample, name: e.describe }];
}

/** Evaluates every journey on the model: each pair of matching source and target pods must agree with `expect`. */
export function evaluateJourneys(objects: K8sObject[], journeys: Journey[], pods: PodTemplate[] = podTemplates(objects)): JourneyResult[] {
    return journeys.map((j) => {
        const froms = resolve(j.from, pods);
        if (froms.length === 0) return { journey: j, status: "missing", detail: `no rendered pod matches ${j.from.describe} ${JSON.stringify(j.from.labels)} in ${j.from.namespace}` };
        const verdicts: { allowed: boolean; text: string }[] = [];
        if (isAddress(j.to)) {
            if (typeof j.port !== "number") return { journey: j, status: "missing", detail: "a named port needs a pod target" };
            for (const f of froms) {
                const r = explainReachCidr(objects, f, j.to.ip, j.port, j.protocol);
                verdicts.push({ allowed: r.allowed, text: `${f.name ?? f.namespace}: ${r.egress}` });
            }
        } else {
            const tos = resolve(j.to, pods);
            if (tos.length === 0) return { journey: j, status: "missing", detail: `no rendered pod matches ${j.to.describe} ${JSON.stringify(j.to.labels)} in ${j.to.namespace}` };
            for (const t of tos) {
                const port = resolvePort(t, j.port, j.protocol);
                if (port === undefined) {
                    verdicts.push({ allowed: false, text: `${t.name}: no container port named ${j.port}` });
                    continue;
                }
                for (const f of froms) {
                    const r = explainReach(objects, f, t, port, j.protocol);
                    verdicts.push({ allowed: r.allowed, text: `${f.name ?? f.namespace} -> ${t.name ?? t.namespace}:${port}: ${r.egress}; ${r.ingress}` });
                }
            }
        }
        const wrong = verdicts.filter((v) => v.allowed !== (j.expect === "open"));
        return wrong.length === 0
            ? { journey: j, status: "ok", detail: verdicts[0]?.text ?? "" }
            : { journey: j, status: "broken", detail: wrong.map((w) => w.text).join(" | ") };
    });
}

/** A permission a user journey needs (allow) or that must stay refused (deny). */
export interface AccessJourney {
    name: string;
    subject: Subject;
    verb: string;
    apiGroup: string;
    resource: string;
    namespace: string;
    expect: "allow" | "deny";
    why: string;
}

const SPARK_GROUP = "sparkoperator.k8s.io";

/** The groups a team's RoleBindings name, per team (RoleBindings labelled with the team). */
function teamGroups(objects: K8sObject[]): Map<string, string[]> {
    const out = new Map<string, string[]>();
    for (const b of objects.filter((o) => o.kind === "RoleBinding" && o.metadata.labels?.[LABELS.team])) {
        const team = b.metadata.labels![LABELS.team];
        const groups = ((b.subjects ?? []) as { kind: string; name: string }[]).filter((x) => x.kind === "Group").map((x) => x.name);
        out.set(team, [...new Set([...(out.get(team) ?? []), ...groups])]);
    }
    return out;
}

/** Permissions the platform's journeys need, and ones that must stay refused, for the components in the model. */
export function accessJourneys(objects: K8sObject[]): AccessJourney[] {
    const out: AccessJourney[] = [];
    const add = (expect: "allow" | "deny", name: string, subject: Subject, verb: string, apiGroup: string, resource: string, namespace: string, why: string) =>
        out.push({ name, subject, verb, apiGroup, resource, namespace, expect, why });
    const jobNamespaces = sparkJobNamespaces(objects);
    const sa = (namespace: string, name: string): Subject => ({ kind: "ServiceAccount", namespace, name });
    if (hasNamespace(objects, NAMESPACES.airflow)) {
        const [worker, scheduler] = DATA_SERVICE_ACCOUNTS.airflow;
        add("allow", "airflow scheduler launches task pods", sa(NAMESPACES.airflow, scheduler), "create", "", "pods", NAMESPACES.airflow, "the KubernetesExecutor runs each task in a pod");
        // The platform's own job namespace (a job namespace no team owns): team namespaces run their teams' jobs.
        const teamOwned = new Set(objects.filter((o) => o.kind === "Namespace" && o.metadata.labels?.[LABELS.team]).map((o) => o.metadata.name));
        for (const ns of jobNamespaces.filter((n) => !teamOwned.has(n))) {
            add("allow", `airflow tasks submit Spark jobs to ${ns}`, sa(NAMESPACES.airflow, worker), "create", SPARK_GROUP, "sparkapplications", ns, "a DAG launches Spark");
            add("allow", `airflow tasks follow Spark jobs in ${ns}`, sa(NAMESPACES.airflow, worker), "get", SPARK_GROUP, "sparkapplications", ns, "a DAG waits for its Spark job");
        }
    }
    for (const ns of jobNamespaces) {
        const spark = sa(ns, DATA_SERVICE_ACCOUNTS.sparkJobs[0]);
        add("allow", `spark driver in ${ns} creates executors`, spark, "create", "", "pods", ns, "drivers create their executor pods");
        add("allow", `spark driver in ${ns} creates its service`, spark, "create", "", "services", ns, "executors reach the driver through a headless service");
        add("deny", `spark jobs in ${ns} read Airflow's secrets`, spark, "get", "", "secrets", NAMESPACES.airflow, "jobs never see Airflow's credentials");
    }
    const owned = objects.filter((o) => o.kind === "Namespace" && o.metadata.labels?.[LABELS.team]);
    const groups = teamGroups(objects);
    for (const nsObj of owned) {
        const team = nsObj.metadata.labels![LABELS.team];
        for (const g of groups.get(team) ?? []) {
            const group: Subject = { kind: "Group", name: g };
            const ns = nsObj.metadata.name;
            add("allow", `team ${team} submits Spark jobs in ${ns}`, group, "create", SPARK_GROUP, "sparkapplications", ns, "a team submits a Spark job in its namespace");
            add("allow", `team ${team} reads driver logs in ${ns}`, group, "get", "", "pods/log", ns, "a team debugs its jobs");
            for (const platformNs of [NAMESPACES.airflow, NAMESPACES.kafka, NAMESPACES.monitoring, NAMESPACES.sparkOperator]) {
                if (!hasNamespace(objects, platformNs)) continue;
                add("deny", `team ${team} reads Secrets in ${platformNs}`, group, "get", "", "secrets", platformNs, "platform credentials stay with the platform");
                add("deny", `team ${team} creates pods in ${platformNs}`, group, "create", "", "pods", platformNs, "a pod in an operator namespace runs with its service accounts");
            }
        }
    }
    return out;
}

export interface AccessResult {
    journey: AccessJourney;
    status: "ok" | "broken";
    detail: string;
}

export function evaluateAccess(objects: K8sObject[], journeys: AccessJourney[]): AccessResult[] {
    return journeys.map((j) => {
        const allowed = can(objects, j.subject, j.verb, j.apiGroup, j.resource, j.namespace);
        const ok = allowed === (j.expect === "allow");
        const what = `${subjectName(j.subject)} ${allowed ? "can" : "cannot"} ${j.verb} ${j.apiGroup ? `${j.resource}.${j.apiGroup}` : j.resource} in ${j.namespace}`;
        return { journey: j, status: ok ? "ok" : "broken", detail: what };
    });
}
