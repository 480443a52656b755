// Apache Airflow 3 from the official chart. Secrets are generated once by Pulumi and referenced by name, so an
// unchanged `pulumi up` rotates nothing; migrations and user creation run as plain Jobs (no Helm hooks, which never
// run while the release waits for readiness).
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { CHARTS, commonLabels, DATA_SERVICE_ACCOUNTS, NAMESPACES, PORTS, SERVICES } from "../../stacks/catalog";
import type { PlatformConfig } from "../../stacks/config";
import type { Profile } from "../../stacks/schema";
import { AIRFLOW_SSO_SECRET, airflowAccessValues, mergeValues } from "../access/sso";
import { placementValues } from "../cluster/placement";
import type { ClusterInfo, DataStore, MetadataDatabase, Placement } from "../cluster/types";
import { releaseArgs } from "./release";
import { Resources, RESTRICTED_CONTAINER, restrictedPod, SIZING } from "./sizing";

/** Secret names the chart is pointed at; keys are the ones the chart reads. */
export const AIRFLOW_SECRETS = {
    fernetKey: { name: "airflow-fernet-key", key: "fernet-key" },
    jwt: { name: "airflow-jwt-secret", key: "jwt-secret" },
    apiSecretKey: { name: "airflow-api-secret-key", key: "api-secret-key" },
    metadata: { name: "airflow-metadata", key: "connection" },
    postgres: { name: "airflow-postgresql-auth", key: "postgres-password" },
    redisPassword: { name: "airflow-redis-password", key: "password" },
    brokerUrl: { name: "airflow-broker-url", key: "connection" },
    /** The generated admin login (keys `username` and `password`), named in the stack outputs. */
    admin: { name: "airflow-admin", key: "password" },
} as const;

/** The admin the create-user Job makes; its password is generated into AIRFLOW_SECRETS.admin. */
export const AIRFLOW_ADMIN = { username: "admin", email: "admin@dataops.invalid", firstName: "Platform", lastName: "Admin", role: "Admin" } as const;

/** The Airflow image runs as uid 50000 with gid 0; statsd-exporter as nobody; git-sync as 65533. */
export const AIRFLOW_UID = 50000;
export const STATSD_UID = 65534;
export const GIT_SYNC_UID = 65533;

/** KubernetesExecutor task pods the namespace quota leaves room for at once. */
export const AIRFLOW_TASK_SLOTS: Record<Profile, number> = { dev: 4, prod: 16 };

/**
 * Scheduler limits derived from the task slots the quota is sized for: no more running tasks than pods the quota
 * admits, and no single DAG taking more than half of them. `[core] parallelism` counts per scheduler, so the slots are
 * shared among the schedulers. A task the quota still refuses (a burst of retries, a rolling update holding headroom)
 * is requeued until there is room instead of failing (-1: retry without limit).
 */
export function airflowCapacityConfig(profile: Profile, schedulers: number): Record<string, Record<string, unknown>> {
    const slots = AIRFLOW_TASK_SLOTS[profile];
    return {
        core: {
            parallelism: String(Math.max(1, Math.floor(slots / Math.max(1, schedulers)))),
            max_active_tasks_per_dag: String(Math.max(1, Math.floor(slots / 2))),
        },
        kubernetes_executor: { task_publish_max_retries: "-1" },
    };
}
/** Log volumes of the triggerer (and of Celery workers): the chart's 100Gi default is more than a dev quota holds. */
export const AIRFLOW_LOG_VOLUME_GI: Record<Profile, number> = { dev: 5, prod: 20 };
/** The bundled PostgreSQL's volume size (the subchart's default; Airflow's values cannot change it). */
export const BUNDLED_POSTGRES_GI = 8;
export const REDIS_VOLUME_GI = 1;

/** The HPAs' target (API server, Celery workers): average CPU use, as a share of the request. */
export const API_SERVER_HPA_CPU_PERCENT = 80;

/**
 * API server replicas: fixed in dev; in prod an HPA scales from the configured replicas to twice as many (at most 10),
 * and the namespace quota is sized for the maximum.
 */
export function apiServerReplicas(cfg: PlatformConfig): { min: number; max: number } {
    const min = cfg.airflow.replicas;
    return { min, max: cfg.profile === "prod" ? Math.max(min, Math.min(2 * min, 10)) : min };
}

/** Only `dataops:airflow.database: bundled` runs the chart's PostgreSQL; managed and external databases are outside the cluster. */
export function usesBundledPostgres(cfg: PlatformConfig): boolean {
    return cfg.airflow.database === "bundled";
}

/** The URL Airflow reads from the metadata Secret, built from the managed instance's outputs; TLS is required. */
export function managedConnectionUrl(db: MetadataDatabase): pulumi.Output<string> {
    return pulumi.secret(pulumi.interpolate`postgresql://${db.username}:${db.password}@${db.host}:${db.port}/${db.database}?sslmode=require`);
}

/** Every volume the Airflow chart claims for this config, for the namespace quota. */
export function airflowVolumes(cfg: PlatformConfig): { name: string; sizeGi: number }[] {
    const logs = AIRFLOW_LOG_VOLUME_GI[cfg.profile];
    const celery = cfg.airflow.executor === "CeleryExecutor";
    return [
        { name: "triggerer-logs", sizeGi: logs },
        ...(celery ? [{ name: "worker-logs", sizeGi: logs }, { name: "redis", sizeGi: REDIS_VOLUME_GI }] : []),
        ...(usesBundledPostgres(cfg) ? [{ name: "postgresql", sizeGi: BUNDLED_POSTGRES_GI }] : []),
    ];
}

const REMOTE_LOG_CONNECTIONS: Record<DataStore["kind"], string> = {
    s3: "aws_default",
    gcs: "google_cloud_default",
    azureBlob: "wasb_default",
};

/**
 * Remote task logging to the cluster's object store. Credentials come from workload identity; Azure additionally needs
 * the container name and a `wasb_default` connection that names the account and carries no key (the account refuses
 * shared keys, so the provider falls back to DefaultAzureCredential).
 */
export function remoteLoggingValues(store: DataStore): Record<string, unknown> {
    const logging = { remote_logging: "True", remote_base_log_folder: store.logsUrl, remote_log_conn_id: REMOTE_LOG_CONNECTIONS[store.kind] };
    if (store.kind !== "azureBlob") {
        return { config: { logging } };
    }
    return {
        config: { logging, azure_remote_logging: { remote_wasb_log_container: store.bucket } },
        env: [
            {
                name: "AIRFLOW_CONN_WASB_DEFAULT",
                value: pulumi.interpolate`{"conn_type": "wasb", "host": "https://${store.account}.blob.core.windows.net"}`,
            },
        ],
    };
}

export interface AirflowValuesInput {
    config: PlatformConfig;
    /** Service-account annotations and pod labels for workload identity (cloud targets). */
    identity?: { serviceAccountAnnotations: Record<string, pulumi.Input<string>>; podLabels: Record<string, string> };
    /** Where task logs go, when the cluster provides an object store and the namespace may reach it. */
    remoteLogs?: DataStore;
    storageClass?: pulumi.Input<string>;
    /** Where every Airflow pod runs (the chart's global placement; KubernetesExecutor task pods too). */
    placement?: Placement;
}

const serviceAccount = (name: string, annotations: Record<string, pulumi.Input<string>>) => ({ create: true, name, annotations });

function component(resources: Resources, saName: string, annotations: Record<string, pulumi.Input<string>>, extra: Record<string, unknown> = {}) {
    return { resources, serviceAccount: serviceAccount(saName, annotations), ...extra };
}

/**
 * The create-user Job's command with the password read from the generated Secret at run time, so it is never in the
 * chart values (and so never in Pulumi state or the Helm release). The chart's default args would pass its literal
 * default password instead.
 */
export function adminUserJob(): { args: string[]; env: Record<string, unknown>[] } {
    const u = AIRFLOW_ADMIN;
    return {
        args: [
            "bash",
            "-c",
            'exec airflow users create "$@" --password "$ADMIN_PASSWORD"',
            "--",
            "--role",
            u.role,
            "--username",
            u.username,
            "--email",
            u.email,
            "--firstname",
            u.firstName,
            "--lastname",
            u.lastName,
        ],
        env: [{ name: "ADMIN_PASSWORD", valueFrom: { secretKeyRef: { name: AIRFLOW_SECRETS.admin.name, key: AIRFLOW_SECRETS.admin.key } } }],
    };
}

/** Values for the airflow chart. Pure: config in, plain object out. */
export function airflowValues(input: AirflowValuesInput): Record<string, unknown> {
    const { config: cfg } = input;
    const a = cfg.airflow;
    const sizing = SIZING[cfg.profile];
    const prod = cfg.profile === "prod";
    const bundledPostgres = usesBundledPostgres(cfg);
    const celery = a.executor === "CeleryExecutor";
    const ann = input.identity?.serviceAccountAnnotations ?? {};
    const [worker, scheduler, triggerer, apiServer, dagProcessor] = DATA_SERVICE_ACCOUNTS.airflow;
    const pdb = { enabled: prod, config: { maxUnavailable: 1 } };
    const cpuTarget = { type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: API_SERVER_HPA_CPU_PERCENT } } };
    const logVolume = (enabled: boolean) => ({
        enabled,
        size: `${AIRFLOW_LOG_VOLUME_GI[cfg.profile]}Gi`,
        ...(input.storageClass ? { storageClassName: input.storageClass } : {}),
    });
    const values: Record<string, unknown> = {
        executor: a.executor,
        fernetKeySecretName: AIRFLOW_SECRETS.fernetKey.name,
        jwtSecretName: AIRFLOW_SECRETS.jwt.name,
        apiSecretKeySecretName: AIRFLOW_SECRETS.apiSecretKey.name,
        data: {
            metadataSecretName: a.metadataSecretName ?? AIRFLOW_SECRETS.metadata.name,
            ...(celery ? { brokerUrlSecretName: AIRFLOW_SECRETS.brokerUrl.name } : {}),
        },
        postgresql: bundledPostgres
            ? {
                  enabled: true,
                  auth: { existingSecret: AIRFLOW_SECRETS.postgres.name },
                  // Sized and on a volume of the size the quota admits (the subchart asks for 20Gi by default).
                  primary: {
                      resources: sizing.airflowPostgres,
                      persistence: { size: `${BUNDLED_POSTGRES_GI}Gi`, ...(input.storageClass ? { storageClass: input.storageClass } : {}) },
                      ...(input.placement ? { nodeSelector: input.placement.nodeSelector, tolerations: input.placement.tolerations } : {}),
                  },
              }
            : { enabled: false },
        redis: celery
            ? {
                  enabled: true,
                  passwordSecretName: AIRFLOW_SECRETS.redisPassword.name,
                  resources: sizing.airflowRedis,
                  persistence: { enabled: true, size: `${REDIS_VOLUME_GI}Gi` },
              }
            : { enabled: false },
        // Finished Jobs are removed at once, so an upgrade never patches the immutable template of a Job kept for its
        // TTL; the release does not wait on them (every Airflow pod's wait-for-migrations init container does).
        migrateDatabaseJob: { enabled: true, useHelmHooks: false, applyCustomEnv: false, resources: sizing.airflowJob, ttlSecondsAfterFinished: 0 },
        createUserJob: {
            useHelmHooks: false,
            applyCustomEnv: false,
            resources: sizing.airflowJob,
            ttlSecondsAfterFinished: 0,
            defaultUser: { enabled: a.defaultUser },
            ...(a.defaultUser ? adminUserJob() : {}),
        },
        // The schema documents `container`; the chart's templates read `containers`: set both.
        securityContexts: { pod: restrictedPod(AIRFLOW_UID, 0), container: RESTRICTED_CONTAINER, containers: RESTRICTED_CONTAINER },
        // Components with their own security contexts do not inherit the global ones.
        statsd: {
            enabled: true,
            resources: sizing.airflowStatsd,
            securityContexts: { pod: restrictedPod(STATSD_UID), container: RESTRICTED_CONTAINER },
        },
        // The platform's NetworkPolicies govern traffic; the chart's would add allow rules of their own.
        networkPolicies: { enabled: false },
        multiNamespaceMode: false,
        enableServiceLinks: false,
        scheduler: component(sizing.airflowScheduler, scheduler, ann, { replicas: a.replicas, podDisruptionBudget: pdb }),
        apiServer: component(sizing.airflowApiServer, apiServer, ann, {
            replicas: a.replicas,
            podDisruptionBudget: pdb,
            ...(apiServerReplicas(cfg).max > a.replicas
                ? {
                      hpa: {
                          enabled: true,
                          minReplicaCount: apiServerReplicas(cfg).min,
                          maxReplicaCount: apiServerReplicas(cfg).max,
                          metrics: [cpuTarget],
                      },
                  }
                : {}),
        }),
        workers: component(sizing.airflowWorker, worker, ann, {
            persistence: logVolume(celery),
            // Celery workers follow the load in prod, up to the task slots the namespace quota is sized for.
            ...(celery && prod ? { hpa: { enabled: true, minReplicaCount: 1, maxReplicaCount: AIRFLOW_TASK_SLOTS[cfg.profile], metrics: [cpuTarget] } } : {}),
        }),
        triggerer: component(sizing.airflowTriggerer, triggerer, ann, { persistence: logVolume(true) }),
        dagProcessor: component(sizing.airflowDagProcessor, dagProcessor, ann),
    };
    Object.assign(values, placementValues(input.placement));
    if (input.identity && Object.keys(input.identity.podLabels).length > 0) {
        values.labels = input.identity.podLabels;
    }
    if (a.dags) {
        values.dags = {
            gitSync: {
                enabled: true,
                repo: a.dags.gitRepo,
                branch: a.dags.branch,
                subPath: a.dags.subPath,
                resources: sizing.airflowGitSync,
                securityContexts: { container: { ...RESTRICTED_CONTAINER, runAsUser: GIT_SYNC_UID } },
                ...(a.dags.sshKeySecretName ? { sshKeySecret: a.dags.sshKeySecretName } : {}),
            },
        };
    } else {
        // Said explicitly: a chart whose default turns git-sync on would add unsized containers syncing a repository nobody chose.
        values.dags = { gitSync: { enabled: false } };
    }
    const config = airflowCapacityConfig(cfg.profile, a.replicas);
    if (input.remoteLogs) {
        const remote = remoteLoggingValues(input.remoteLogs) as { config: Record<string, Record<string, unknown>>; env?: unknown[] };
        Object.assign(config, remote.config);
        if (remote.env) {
            values.env = remote.env;
        }
    } else if (a.executor === "KubernetesExecutor") {
        // Without an object store a task's log lives only in its pod: finished pods are kept so the UI can still read
        // them through the API (terminated pods count against no quota; docs/teams.md says how to prune them).
        config.kubernetes_executor = { ...config.kubernetes_executor, delete_worker_pods: "False" };
    }
    values.config = config;
    // Behind the front door: its public URL, and sign-in through the identity provider when dataops:access.sso is set.
    return mergeValues(values, airflowAccessValues(cfg));
}

export interface AirflowArgs {
    config: PlatformConfig;
    cluster: ClusterInfo;
    namespace: pulumi.Input<string>;
    provider: k8s.Provider;
    dependsOn: pulumi.Input<pulumi.Resource>[];
}

export class Airflow extends pulumi.ComponentResource {
    readonly release: k8s.helm.v3.Release;
    readonly apiServerUrl: pulumi.Output<string>;
    /** `<namespace>/<name>` of the Secret with the generated admin login, when the admin user is created. */
    readonly adminSecret?: pulumi.Output<string>;

    constructor(name: string, args: AirflowArgs, opts?: pulumi.ComponentResourceOptions) {
        super("dataops:workloads:Airflow", name, {}, opts);
        const { config: cfg, provider } = args;
        const child = { parent: this, provider };
        const secret = (role: string, ref: { name: string; key: string }, value: pulumi.Input<string>) =>
            new k8s.core.v1.Secret(
                `${name}-${role}`,
                {
                    metadata: { name: ref.name, namespace: args.namespace, labels: commonLabels() },
                    type: "Opaque",
                    stringData: { [ref.key]: pulumi.secret(value) },
                },
                child,
            );
        const password = (role: string, length: number) =>
            new random.RandomPassword(`${name}-${role}`, { length, special: false }, { parent: this });

        // Fernet keys are 32 random bytes in URL-safe base64.
        const fernetBytes = new random.RandomBytes(`${name}-fernet-bytes`, { length: 32 }, { parent: this });
        const secrets = [
            secret("fernet-key", AIRFLOW_SECRETS.fernetKey, fernetBytes.base64.apply((b) => b.replace(/\+/g, "-").replace(/\//g, "_"))),
            secret("jwt-secret", AIRFLOW_SECRETS.jwt, password("jwt-password", 64).result),
            secret("api-secret-key", AIRFLOW_SECRETS.apiSecretKey, password("api-password", 64).result),
        ];
        const managed = args.cluster.metadataDatabase;
        if (cfg.airflow.database === "managed") {
            if (!managed) {
                throw new pulumi.RunError(`dataops:airflow.database is managed, but the ${args.cluster.cloud} cluster target reported no database.`);
            }
            secrets.push(secret("metadata", AIRFLOW_SECRETS.metadata, managedConnectionUrl(managed)));
        } else if (cfg.airflow.metadataConnection) {
            secrets.push(
                secret("metadata", { name: cfg.airflow.metadataSecretName ?? AIRFLOW_SECRETS.metadata.name, key: AIRFLOW_SECRETS.metadata.key }, cfg.airflow.metadataConnection),
            );
        } else if (usesBundledPostgres(cfg)) {
            const pg = password("postgres-password", 32).result;
            const host = `${CHARTS.airflow.releaseName}-postgresql.${NAMESPACES.airflow}.svc`;
            secrets.push(
                secret("postgres-auth", AIRFLOW_SECRETS.postgres, pg),
                secret(
                    "metadata",
                    AIRFLOW_SECRETS.metadata,
                    pulumi.interpolate`postgresql://postgres:${pg}@${host}:${PORTS.airflowPostgres}/postgres?sslmode=disable`,
                ),
            );
        }
        const sso = cfg.access.enabled ? cfg.access.sso : undefined;
        if (sso) {
            secrets.push(
                new k8s.core.v1.Secret(
                    `${name}-sso`,
                    {
                        metadata: { name: AIRFLOW_SSO_SECRET.name, namespace: args.namespace, labels: commonLabels() },
                        type: "Opaque",
                        stringData: { [AIRFLOW_SSO_SECRET.idKey]: sso.clientId, [AIRFLOW_SSO_SECRET.secretKey]: pulumi.secret(sso.clientSecret) },
                    },
                    child,
                ),
            );
        }
        if (cfg.airflow.executor === "CeleryExecutor") {
            const redis = password("redis-password", 32).result;
            secrets.push(
                secret("redis-password", AIRFLOW_SECRETS.redisPassword, redis),
                secret(
                    "broker-url",
                    AIRFLOW_SECRETS.brokerUrl,
                    pulumi.interpolate`redis://:${redis}@${CHARTS.airflow.releaseName}-redis.${NAMESPACES.airflow}.svc:${PORTS.airflowRedis}/0`,
                ),
            );
        }
        if (cfg.airflow.defaultUser) {
            const admin = new k8s.core.v1.Secret(
                `${name}-admin`,
                {
                    metadata: { name: AIRFLOW_SECRETS.admin.name, namespace: args.namespace, labels: commonLabels() },
                    type: "Opaque",
                    stringData: pulumi.secret(password("admin-password", 32).result.apply((p) => ({ username: AIRFLOW_ADMIN.username, [AIRFLOW_SECRETS.admin.key]: p }))),
                },
                child,
            );
            secrets.push(admin);
            this.adminSecret = pulumi.interpolate`${admin.metadata.namespace}/${admin.metadata.name}`;
        }
        const values = airflowValues({
            config: cfg,
            identity: args.cluster.workloadIdentity?.airflow,
            remoteLogs: args.cluster.dataStore,
            storageClass: args.cluster.storageClass,
            placement: args.cluster.placement?.platform,
        });
        this.release = new k8s.helm.v3.Release(
            `${name}-release`,
            releaseArgs({
                chart: CHARTS.airflow,
                version: cfg.airflow.chartVersion,
                namespace: args.namespace,
                values,
                timeoutSeconds: cfg.releaseTimeoutSeconds,
                waitForJobs: false,
            }),
            { ...child, dependsOn: [...args.dependsOn, ...secrets, ...(cfg.airflow.database === "managed" ? (managed?.ready ?? []) : [])] },
        );
        this.apiServerUrl = pulumi.output(`http://${SERVICES.airflowApiServer}.${NAMESPACES.airflow}.svc:${PORTS.airflowApiServer}`);
        this.registerOutputs({ apiServerUrl: this.apiServerUrl, adminSecret: this.adminSecret });
    }
}
