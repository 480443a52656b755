// Kafka through the Strimzi operator: CRDs applied by Pulumi, the operator release watching only its namespace, and a
// KRaft cluster (Kafka + KafkaNodePools, kafka.strimzi.io/v1) created after both.
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { CHARTS, commonLabels, NAMESPACES, PORTS } from "../../stacks/catalog";
import type { PlatformConfig } from "../../stacks/config";
import type { Profile } from "../../stacks/schema";
import { placementAffinity, placementValues } from "../cluster/placement";
import type { ClusterInfo, Placement } from "../cluster/types";
import { operatorCrds } from "./crds";
import { KAFKA_JMX_EXPORTER_CONFIG } from "./kafka-metrics";
import { releaseArgs } from "./release";
import { operatorReplicas, SIZING } from "./sizing";

export const KAFKA_METRICS_CONFIGMAP = "kafka-metrics";
export const KAFKA_METRICS_KEY = "kafka-metrics-config.yml";
/** KRaft controllers in prod: three tolerate the loss of one. */
export const PROD_CONTROLLERS = 3;
export const CONTROLLER_STORAGE_GI = 20;

export function strimziValues(profile: Profile, placement?: Placement): Record<string, unknown> {
    const prod = profile === "prod";
    return {
        ...placementValues(placement),
        // The release namespace is always watched; no other namespace is, so the operator needs no cluster-wide RBAC
        // for Kafka resources.
        watchNamespaces: [],
        watchAnyNamespace: false,
        replicas: operatorReplicas(profile),
        podDisruptionBudget: { enabled: prod },
        resources: SIZING[profile].strimziOperator,
        // The platform's own policies govern traffic (README 'Security'); Strimzi's would open listeners to all namespaces.
        generateNetworkPolicy: false,
        operatorNetworkPolicy: { enabled: false },
        // Operands (Kafka, controllers, entity operator, exporter) get restricted-PSS security contexts.
        extraEnvs: [{ name: "STRIMZI_POD_SECURITY_PROVIDER_CLASS", value: "restricted" }],
        dashboards: { enabled: false },
    };
}

interface KafkaSpecInput {
    profile: Profile;
    clusterName: string;
    version: string;
    metadataVersion: string;
    brokers: number;
    storageGi: number;
    storageClass?: pulumi.Input<string>;
    zoneTopologyKey: string;
    /** Brokers and controllers; undefined on clusters without pools (local). */
    kafkaPlacement?: Placement;
    /** Entity operator and exporter. */
    platformPlacement?: Placement;
}

/**
 * Pod template of a KafkaNodePool: its pool's placement and, in prod, an even spread of its pods over the zones (Strimzi
 * merges its rack affinity into this one).
 */
export function nodePoolTemplate(input: KafkaSpecInput, pool: string): Record<string, unknown> | undefined {
    const spread =
        input.profile === "prod"
            ? {
                  topologySpreadConstraints: [
                      {
                          maxSkew: 1,
                          topologyKey: input.zoneTopologyKey,
                          whenUnsatisfiable: "DoNotSchedule",
                          labelSelector: { matchLabels: { "strimzi.io/cluster": input.clusterName, "strimzi.io/pool-name": pool } },
                      },
                  ],
              }
            : {};
    const pod = { ...(input.kafkaPlacement ? placementAffinity(input.kafkaPlacement) : {}), ...spread };
    return Object.keys(pod).length > 0 ? { pod } : undefined;
}

function operandTemplate(p: Placement | undefined): { template?: { pod: Record<string, unknown> } } {
    return p ? { template: { pod: placementAffinity(p) } } : {};
}

function persistentStorage(sizeGi: number, storageClass: pulumi.Input<string> | undefined) {
    return {
        type: "jbod",
        volumes: [
            {
                id: 0,
                type: "persistent-claim",
                size: `${sizeGi}Gi`,
                // Data outlives the cluster resource: deleting the CR must not delete the disks.
                deleteClaim: false,
                kraftMetadata: "shared",
                ...(storageClass ? { class: storageClass } : {}),
            },
        ],
    };
}

/** The KafkaNodePools: dev one dual-role node, prod three controllers plus the brokers. */
export function nodePoolSpecs(input: KafkaSpecInput): { name: string; spec: Record<string, unknown> }[] {
    return kafkaNodePools(input).map((p) => {
        const template = nodePoolTemplate(input, p.name);
        return template ? { name: p.name, spec: { ...p.spec, template } } : p;
    });
}

function kafkaNodePools(input: KafkaSpecInput): { name: string; spec: Record<string, unknown> }[] {
    const sizing = SIZING[input.profile];
    if (input.profile === "dev") {
        return [
            {
                name: "dual",
                spec: {
                    replicas: input.brokers,
                    roles: ["controller", "broker"],
                    storage: persistentStorage(input.storageGi, input.storageClass),
                    resources: sizing.kafkaDual,
                },
            },
        ];
    }
    return [
        {
            name: "controllers",
            spec: {
                replicas: PROD_CONTROLLERS,
                roles: ["controller"],
                storage: persistentStorage(CONTROLLER_STORAGE_GI, input.storageClass),
                resources: sizing.kafkaController,
            },
        },
        {
            name: "brokers",
            spec: {
                replicas: input.brokers,
                roles: ["broker"],
                storage: persistentStorage(input.storageGi, input.storageClass),
                resources: sizing.kafkaBroker,
            },
        },
    ];
}

/** Replication settings: 1 on a dev laptop, RF 3 / min ISR 2 in prod so one broker can fail without data loss. */
export function replicationConfig(profile: Profile): Record<string, number> {
    const rf = profile === "prod" ? 3 : 1;
    const isr = profile === "prod" ? 2 : 1;
    return {
        "default.replication.factor": rf,
        "min.insync.replicas": isr,
        "offsets.topic.replication.factor": rf,
        "transaction.state.log.replication.factor": rf,
        "transaction.state.log.min.isr": isr,
    };
}

export function kafkaSpec(input: KafkaSpecInput): Record<string, unknown> {
    const sizing = SIZING[input.profile];
    return {
        kafka: {
            version: input.version,
            metadataVersion: input.metadataVersion,
            listeners: [
                { name: "plain", port: PORTS.kafkaPlain, type: "internal", tls: false },
                { name: "tls", port: PORTS.kafkaTls, type: "internal", tls: true },
            ],
            config: { ...replicationConfig(input.profile), "auto.create.topics.enable": input.profile !== "prod" },
            ...(input.profile === "prod" ? { rack: { type: "topology-label", topologyKey: input.zoneTopologyKey } } : {}),
            metricsConfig: {
                type: "jmxPrometheusExporter",
                valueFrom: { configMapKeyRef: { name: KAFKA_METRICS_CONFIGMAP, key: KAFKA_METRICS_KEY } },
            },
        },
        entityOperator: {
            topicOperator: { resources: sizing.kafkaEntityOperator },
            userOperator: { resources: sizing.kafkaEntityOperator },
            ...operandTemplate(input.platformPlacement),
        },
        kafkaExporter: { topicRegex: ".*", groupRegex: ".*", resources: sizing.kafkaExporter, ...operandTemplate(input.platformPlacement) },
    };
}

export interface KafkaArgs {
    config: PlatformConfig;
    cluster: ClusterInfo;
    namespace: pulumi.Input<string>;
    provider: k8s.Provider;
    /** Namespace and cluster readiness the operator release waits for. */
    dependsOn: pulumi.Input<pulumi.Resource>[];
}

export class Kafka extends pulumi.ComponentResource {
    readonly release: k8s.helm.v3.Release;
    readonly bootstrapServers: pulumi.Output<string>;
    readonly bootstrapServersTls: pulumi.Output<string>;

    constructor(name: string, args: KafkaArgs, opts?: pulumi.ComponentResourceOptions) {
        super("dataops:workloads:Kafka", name, {}, opts);
        const { config: cfg, provider } = args;
        const child = { parent: this, provider };
        const version = cfg.kafka.chartVersion;
        const crds = operatorCrds(name, "kafka", version, { ...child, dependsOn: args.dependsOn });
        this.release = new k8s.helm.v3.Release(
            `${name}-operator`,
            releaseArgs({
                chart: CHARTS.kafka,
                version,
                namespace: args.namespace,
                values: strimziValues(cfg.profile, args.cluster.placement?.platform),
                timeoutSeconds: cfg.releaseTimeoutSeconds,
                skipCrds: true,
            }),
            { ...child, dependsOn: [...args.dependsOn, crds] },
        );
        const metrics = new k8s.core.v1.ConfigMap(
            `${name}-metrics`,
            {
                metadata: { name: KAFKA_METRICS_CONFIGMAP, namespace: args.namespace, labels: commonLabels() },
                data: { [KAFKA_METRICS_KEY]: JSON.stringify(KAFKA_JMX_EXPORTER_CONFIG, null, 2) },
            },
            child,
        );
        const input: KafkaSpecInput = {
            profile: cfg.profile,
            clusterName: cfg.kafka.clusterName,
            version: cfg.kafka.version,
            metadataVersion: cfg.kafka.metadataVersion,
            brokers: cfg.kafka.brokers,
            storageGi: cfg.kafka.storageGi,
            storageClass: args.cluster.storageClass,
            zoneTopologyKey: args.cluster.zoneTopologyKey,
            kafkaPlacement: args.cluster.placement?.kafka,
            platformPlacement: args.cluster.placement?.platform,
        };
        // In prod the Kafka resources own the data volumes' lifecycle: deleting them needs an explicit unprotect.
        const crOpts = { ...child, dependsOn: [this.release, crds, metrics], protect: cfg.profile === "prod" };
        const pools = nodePoolSpecs(input).map(
            (p) =>
                new k8s.apiextensions.CustomResource(
                    `${name}-pool-${p.name}`,
                    {
                        apiVersion: "kafka.strimzi.io/v1",
                        kind: "KafkaNodePool",
                        metadata: {
                            name: p.name,
                            namespace: args.namespace,
                            labels: { ...commonLabels(), "strimzi.io/cluster": input.clusterName },
                        },
                        spec: p.spec,
                    },
                    crOpts,
                ),
        );
        new k8s.apiextensions.CustomResource(
            `${name}-cluster`,
            {
                apiVersion: "kafka.strimzi.io/v1",
                kind: "Kafka",
                metadata: { name: input.clusterName, namespace: args.namespace, labels: commonLabels() },
                spec: kafkaSpec(input),
            },
            { ...crOpts, dependsOn: [...crOpts.dependsOn, ...pools] },
        );
        const host = `${input.clusterName}-kafka-bootstrap.${NAMESPACES.kafka}.svc`;
        this.bootstrapServers = pulumi.output(`${host}:${PORTS.kafkaPlain}`);
        this.bootstrapServersTls = pulumi.output(`${host}:${PORTS.kafkaTls}`);
        this.registerOutputs({ bootstrapServers: this.bootstrapServers, bootstrapServersTls: this.bootstrapServersTls });
    }
}
