// The Kafka cluster as plain data: Strimzi chart values, the KRaft node pools and the Kafka spec (one TLS listener
// with SCRAM-SHA-512, simple authorization, a cluster CA this program provides, Cruise Control with rebalance
// templates for scaling brokers).
import type * as pulumi from "@pulumi/pulumi";
import { PORTS } from "../../../stacks/catalog";
import type { Profile } from "../../../stacks/schema";
import { defaultReplicas } from "../../../stacks/kafka";
import { placementAffinity, placementValues } from "../../cluster/placement";
import type { Placement } from "../../cluster/types";
import { operatorReplicas, SIZING } from "../sizing";

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
        // The platform's own policies govern traffic (docs/security.md); Strimzi's would open listeners to all namespaces.
        generateNetworkPolicy: false,
        operatorNetworkPolicy: { enabled: false },
        // Operands (Kafka, controllers, entity operator, exporter) get restricted-PSS security contexts.
        extraEnvs: [{ name: "STRIMZI_POD_SECURITY_PROVIDER_CLASS", value: "restricted" }],
        dashboards: { enabled: false },
    };
}

export interface KafkaSpecInput {
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
    /** Entity operator, exporter and Cruise Control. */
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

/** The KafkaNodePools: dev one dual-role node, prod three controllers plus the brokers, each placed on its pool. */
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
    const rf = defaultReplicas(profile);
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
            listeners: KAFKA_LISTENERS,
            // Only Strimzi's own components (brokers, entity operators, Kafka Exporter, Cruise Control, the cluster
            // operator) are super users, by their certificates on the internal replication port; none is added here.
            authorization: { type: "simple" },
            // Topics come from config, validated; clients have no Create permission anyway.
            config: { ...replicationConfig(input.profile), "auto.create.topics.enable": false },
            ...(input.profile === "prod" ? { rack: { type: "topology-label", topologyKey: input.zoneTopologyKey } } : {}),
            metricsConfig: {
                type: "jmxPrometheusExporter",
                valueFrom: { configMapKeyRef: { name: KAFKA_METRICS_CONFIGMAP, key: KAFKA_METRICS_KEY } },
            },
        },
        // The CA is this program's (credentials.ts), so its certificate can be copied to client namespaces in sync.
        clusterCa: { generateCertificateAuthority: false },
        entityOperator: {
            topicOperator: { resources: sizing.kafkaEntityOperator },
            userOperator: { resources: sizing.kafkaEntityOperator },
            ...operandTemplate(input.platformPlacement),
        },
        ...(cruiseControlEnabled(input.brokers)
            ? {
                  cruiseControl: {
                      resources: sizing.cruiseControl,
                      ...operandTemplate(input.platformPlacement),
                      autoRebalance: REBALANCE_TEMPLATES.map((t) => ({ mode: t.mode, template: { name: t.name } })),
                  },
              }
            : {}),
        kafkaExporter: { topicRegex: ".*", groupRegex: ".*", resources: sizing.kafkaExporter, ...operandTemplate(input.platformPlacement) },
    };
}

/** The one listener: TLS, and every client authenticates with SCRAM-SHA-512. */
export const KAFKA_LISTENERS = [{ name: "tls", port: PORTS.kafkaTls, type: "internal", tls: true, authentication: { type: "scram-sha-512" } }];

/**
 * KafkaRebalance templates Cruise Control uses when brokers are added to or removed from a node pool: moving
 * partitions onto new brokers, or off brokers about to go. Empty specs take Cruise Control's default goals.
 */
export const REBALANCE_TEMPLATES = [
    { mode: "add-brokers", name: "rebalance-add-brokers" },
    { mode: "remove-brokers", name: "rebalance-remove-brokers" },
] as const;

/** Strimzi refuses Cruise Control on a single broker: there is nothing to balance. */
export function cruiseControlEnabled(brokers: number): boolean {
    return brokers >= 2;
}

export const REBALANCE_TEMPLATE_ANNOTATION = { "strimzi.io/rebalance-template": "true" };
