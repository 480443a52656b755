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
import type { ClusterInfo, DataStore } from "../cluster/types";
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
} as const;

/** The Airflow image runs as uid 50000 with gid 0; statsd-exporter as nobody; git-sync as 65533. */
export const AIRFLOW_UID = 50000;
export const STATSD_UID = 65534;
export const GIT_SYNC_UID = 65533;

/** KubernetesExecutor task pods the namespace quota leaves room for at once. */
export const AIRFLOW_TASK_SLOTS: Record<Profile, number> = { dev: 4, prod: 16 };
/** Log volumes of the triggerer (and of Celery workers): the chart's 100Gi default is more than a dev quota holds. */
export const AIRFLOW_LOG_VOLUME_GI: Record<Profile, number> = { dev: 5, prod: 20 };
/** The bundled PostgreSQL's volume size (the subchart's default; Airflow's values cannot change it). */
export const BUNDLED_POSTGRES_GI = 8;
export const REDIS_VOLUME_GI = 1;

/** Without an external database the chart's bundled PostgreSQL holds the metadata. */
export function usesBundledPostgres(cfg: PlatformConfig): boolean {
    return !cfg.airflow.metadataSecretName && !cfg.airflow.metadataConnection;
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
}

const serviceAccount = (name: string, annotations: Record<string, pulumi.Input<string>>) => ({ create: true, name, annotations });

function component(resources: Resources, saName: string, annotations: Record<string, pulumi.Input<string>>, extra: Record<string, unknown> = {}) {
    return { resources, serviceAccount: serviceAccount(saName, annotations), ...extra };
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
        postgresql: bundledPostgres ? { enabled: true, auth: { existingSecret: AIRFLOW_SECRETS.postgres.name } } : { enabled: false },
        redis: celery
            ? {
                  enabled: true,
                  passwordSecretName: AIRFLOW_SECRETS.redisPassword.name,
                  resources: sizing.airflowRedis,
                  persistence: { enabled: true, size: `${REDIS_VOLUME_GI}Gi` },
              }
            : { enabled: false },
        migrateDatabaseJob: { enabled: true, useHelmHooks: false, applyCustomEnv: false, resources: sizing.airflowJob },
        createUserJob: {
            useHelmHooks: false,
            applyCustomEnv: false,
            resources: sizing.airflowJob,
            defaultUser: { enabled: a.defaultUser },
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
        apiServer: component(sizing.airflowApiServer, apiServer, ann, { replicas: a.replicas, podDisruptionBudget: pdb }),
        workers: component(sizing.airflowWorker, worker, ann, { persistence: logVolume(celery) }),
        triggerer: component(sizing.airflowTriggerer, triggerer, ann, { persistence: logVolume(true) }),
        dagProcessor: component(sizing.airflowDagProcessor, dagProcessor, ann),
    };
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
    }
    if (input.remoteLogs) {
        Object.assign(values, remoteLoggingValues(input.remoteLogs));
    }
    // Behind the front door: its public URL, and sign-in through the identity provider when dataops:access.sso is set.
    return mergeValues(values, airflowAccessValues(cfg));
}

export interface AirflowArgs {
    config: PlatformConfig;
    cluster: ClusterInfo;
    namespace: pulumi.Input<string>;
    /** Whether the airflow namespace may reach the internet (object storage for remote logs). */
    internetEgress: boolean;
    provider: k8s.Provider;
    dependsOn: pulumi.Input<pulumi.Resource>[];
}

export class Airflow extends pulumi.ComponentResource {
    readonly release: k8s.helm.v3.Release;
    readonly apiServerUrl: pulumi.Output<string>;

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
        if (cfg.airflow.metadataConnection) {
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
        const store = args.cluster.dataStore;
        const values = airflowValues({
            config: cfg,
            identity: args.cluster.workloadIdentity?.airflow,
            remoteLogs: args.internetEgress ? store : undefined,
            storageClass: args.cluster.storageClass,
        });
        this.release = new k8s.helm.v3.Release(
            `${name}-release`,
            releaseArgs({
                chart: CHARTS.airflow,
                version: cfg.airflow.chartVersion,
                namespace: args.namespace,
                values,
                timeoutSeconds: cfg.releaseTimeoutSeconds,
            }),
            { ...child, dependsOn: [...args.dependsOn, ...secrets] },
        );
        this.apiServerUrl = pulumi.output(`http://${SERVICES.airflowApiServer}.${NAMESPACES.airflow}.svc:${PORTS.airflowApiServer}`);
        this.registerOutputs({ apiServerUrl: this.apiServerUrl });
    }
}
