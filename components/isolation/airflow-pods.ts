// Least privilege inside the airflow namespace, whose pods must not trust each other: task pods run users' DAG code, so
// they reach only the API server (Airflow 3's execution API) and statsd, never the metadata database or Redis. Only
// the components that Airflow 3 designs to use the database reach it. Pure: config in, NetworkPolicy specs out.
import type * as pulumi from "@pulumi/pulumi";
import { AIRFLOW_PODS, PORTS } from "../../stacks/catalog";
import type { PlatformConfig } from "../../stacks/config";
import type { EgressRule, Port } from "./plan";

export interface PodPolicy {
    name: string;
    spec: {
        podSelector: Record<string, unknown>;
        policyTypes: ("Ingress" | "Egress")[];
        ingress?: { from?: Record<string, unknown>[]; ports?: Port[] }[];
        egress?: { to?: Record<string, unknown>[]; ports?: Port[] }[];
    };
}

const component = (...names: string[]) =>
    names.length === 1
        ? { matchLabels: { [AIRFLOW_PODS.label]: names[0] } }
        : { matchExpressions: [{ key: AIRFLOW_PODS.label, operator: "In", values: names }] };
const tcp = (port: number): Port => ({ port, protocol: "TCP" });

/**
 * Who may use the metadata database: the scheduler, API server, DAG processor, triggerer and the migration and
 * create-user Jobs. Celery workers too, since Celery's result backend is the metadata database; with the
 * KubernetesExecutor the task pods (`worker`) are left out.
 */
export function databaseClients(cfg: Pick<PlatformConfig, "airflow">): string[] {
    const p = AIRFLOW_PODS;
    return [
        p.scheduler,
        p.apiServer,
        p.dagProcessor,
        p.triggerer,
        p.migrations,
        p.createUser,
        ...(cfg.airflow.executor === "CeleryExecutor" ? [p.worker] : []),
    ];
}

/** A flow between two groups of pods of the namespace, as the ingress and egress policies that let it through. */
function flow(name: string, from: Record<string, unknown>, to: Record<string, unknown>, ports: Port[]): PodPolicy[] {
    return [
        { name: `${name}-in`, spec: { podSelector: to, policyTypes: ["Ingress"], ingress: [{ from: [{ podSelector: from }], ports }] } },
        { name: `${name}-out`, spec: { podSelector: from, policyTypes: ["Egress"], egress: [{ to: [{ podSelector: to }], ports }] } },
    ];
}

/** The flows inside the airflow namespace; they replace the namespace-wide allow of other namespaces. */
export function airflowPodPolicies(cfg: Pick<PlatformConfig, "airflow">, bundledPostgres: boolean): PodPolicy[] {
    const p = AIRFLOW_PODS;
    const any = {};
    const out: PodPolicy[] = [
        // Every Airflow pod talks to the API server (task pods: the execution API) and sends metrics to statsd.
        ...flow("allow-api-server", any, component(p.apiServer), [tcp(PORTS.airflowApiServer)]),
        ...flow("allow-statsd", any, component(p.statsd), [{ port: PORTS.airflowStatsdIngest, protocol: "UDP" }]),
        // The UI reads running tasks' and triggers' logs from their log servers.
        ...flow("allow-task-logs", component(p.apiServer), component(p.worker, p.triggerer), [tcp(PORTS.airflowWorkerLogs), tcp(PORTS.airflowTriggererLogs)]),
    ];
    if (bundledPostgres) {
        out.push(...flow("allow-metadata-db", component(...databaseClients(cfg)), { matchLabels: { ...p.postgres } }, [tcp(PORTS.airflowPostgres)]));
    }
    if (cfg.airflow.executor === "CeleryExecutor") {
        out.push(...flow("allow-redis", component(p.scheduler, p.worker), component(p.redis), [tcp(PORTS.airflowRedis)]));
    }
    return out;
}

/** The egress rule to a database outside the namespace (managed or external), limited to the database clients. */
export function databaseEgress(cfg: Pick<PlatformConfig, "airflow">, cidrs: pulumi.Input<string>[], port: number): EgressRule {
    return {
        name: "allow-metadata-db",
        podSelector: component(...databaseClients(cfg)),
        to: [{ cidrs, ports: [tcp(port)] }],
    };
}
