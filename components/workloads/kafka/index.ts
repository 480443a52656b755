// Kafka through the Strimzi operator: CRDs applied by Pulumi, the operator release watching only its namespace, a KRaft
// cluster (Kafka + KafkaNodePools, kafka.strimzi.io/v1) created after both, and its tenants: a KafkaUser and topics per
// team, with the team's client Secret in every namespace where the team runs clients.
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import * as tls from "@pulumi/tls";
import { CHARTS, commonLabels, LABELS } from "../../../stacks/catalog";
import type { PlatformConfig } from "../../../stacks/config";
import type { ClusterInfo } from "../../cluster/types";
import { operatorCrds } from "../crds";
import { KAFKA_JMX_EXPORTER_CONFIG } from "../kafka-metrics";
import { releaseArgs } from "../release";
import {
    cruiseControlEnabled,
    KAFKA_METRICS_CONFIGMAP,
    KAFKA_METRICS_KEY,
    kafkaSpec,
    KafkaSpecInput,
    nodePoolSpecs,
    REBALANCE_TEMPLATE_ANNOTATION,
    REBALANCE_TEMPLATES,
    strimziValues,
} from "./cluster";
import { bootstrapServers, caCertGeneration, clientSecretData, CLUSTER_CA, clusterCaLabels, clusterCaSecretNames } from "./credentials";
import { clientSecretName, kafkaTopicSpec, kafkaUserSpec, passwordSecretName, teamTenancies } from "./tenancy";

export { CONTROLLER_STORAGE_GI, cruiseControlEnabled, PROD_CONTROLLERS, replicationConfig } from "./cluster";

export interface KafkaArgs {
    config: PlatformConfig;
    cluster: ClusterInfo;
    namespace: pulumi.Input<string>;
    /** Every namespace a team's client Secret goes to, by name, as the isolated namespace reports it (so it waits for it). */
    clientNamespaces: Record<string, pulumi.Input<string>>;
    provider: k8s.Provider;
    /** Namespace and cluster readiness the operator release waits for. */
    dependsOn: pulumi.Input<pulumi.Resource>[];
}

export class Kafka extends pulumi.ComponentResource {
    readonly release: k8s.helm.v3.Release;
    readonly bootstrapServers: pulumi.Output<string>;

    constructor(name: string, args: KafkaArgs, opts?: pulumi.ComponentResourceOptions) {
        super("dataops:workloads:Kafka", name, {}, opts);
        const { config: cfg, provider } = args;
        const missing = teamTenancies(cfg.teams, cfg.profile)
            .flatMap((t) => t.clientNamespaces)
            .filter((n) => !(n in args.clientNamespaces));
        if (missing.length > 0) {
            throw new pulumi.RunError(`Kafka client namespaces without an isolated namespace: ${[...new Set(missing)].join(", ")}`);
        }
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
        const clusterLabel = { "strimzi.io/cluster": input.clusterName };
        const ca = this.createClusterCa(name, args.namespace, input.clusterName, child);
        // In prod the Kafka resources own the data volumes' lifecycle: deleting them needs an explicit unprotect.
        const crOpts = { ...child, dependsOn: [this.release, crds, metrics], protect: cfg.profile === "prod" };
        const cr = (role: string, kind: string, metadata: Record<string, unknown>, spec: unknown, o: pulumi.CustomResourceOptions) =>
            new k8s.apiextensions.CustomResource(
                `${name}-${role}`,
                { apiVersion: "kafka.strimzi.io/v1", kind, metadata: { namespace: args.namespace, ...metadata }, spec },
                o,
            );
        const pools = nodePoolSpecs(input).map((p) =>
            cr(`pool-${p.name}`, "KafkaNodePool", { name: p.name, labels: { ...commonLabels(), ...clusterLabel } }, p.spec, crOpts),
        );
        // Cruise Control reads its rebalance templates when brokers are added or removed, so they exist first.
        const templates = cruiseControlEnabled(input.brokers)
            ? REBALANCE_TEMPLATES.map((t) =>
                  cr(t.name, "KafkaRebalance", { name: t.name, labels: commonLabels(), annotations: REBALANCE_TEMPLATE_ANNOTATION }, {}, { ...child, dependsOn: [this.release, crds] }),
              )
            : [];
        const kafka = cr(
            "cluster",
            "Kafka",
            { name: input.clusterName, labels: commonLabels() },
            kafkaSpec(input),
            { ...crOpts, dependsOn: [...crOpts.dependsOn, ...pools, ...templates, ca.cert, ca.key] },
        );

        // Tenants: the entity operator (part of the Kafka cluster) reconciles users and topics.
        const tenantOpts = { ...child, dependsOn: [kafka] };
        for (const t of teamTenancies(cfg.teams, cfg.profile)) {
            const teamLabels = { ...commonLabels(), [LABELS.team]: t.team };
            const password = new random.RandomPassword(`${name}-user-${t.team}-password`, { length: 32, special: false }, { parent: this });
            const passwordSecret = passwordSecretName(t.team);
            const source = new k8s.core.v1.Secret(
                `${name}-user-${t.team}-password`,
                {
                    metadata: { name: passwordSecret, namespace: args.namespace, labels: teamLabels },
                    stringData: { password: pulumi.secret(password.result) },
                },
                child,
            );
            cr(`user-${t.team}`, "KafkaUser", { name: t.user, labels: { ...teamLabels, ...clusterLabel } }, kafkaUserSpec(t, passwordSecret), {
                ...tenantOpts,
                dependsOn: [kafka, source],
            });
            for (const topic of t.topics) {
                // Removing a topic from config deletes its data: in prod that takes an explicit unprotect first.
                cr(`topic-${topic.name}`, "KafkaTopic", { name: topic.name, labels: { ...teamLabels, ...clusterLabel } }, kafkaTopicSpec(topic), {
                    ...tenantOpts,
                    protect: cfg.profile === "prod",
                });
            }
            const data = pulumi
                .all([password.result, ca.certPem])
                .apply(([pw, cert]) => clientSecretData(input.clusterName, t.user, pw, cert));
            for (const ns of t.clientNamespaces) {
                new k8s.core.v1.Secret(
                    `${name}-client-${t.team}-${ns}`,
                    { metadata: { name: clientSecretName(t.team), namespace: args.clientNamespaces[ns], labels: teamLabels }, stringData: pulumi.secret(data) },
                    child,
                );
            }
        }
        this.bootstrapServers = pulumi.output(bootstrapServers(input.clusterName));
        this.registerOutputs({ bootstrapServers: this.bootstrapServers });
    }

    /**
     * The cluster CA Strimzi signs broker certificates with, generated here so its certificate can be handed to clients
     * in the same `pulumi up` that renews it. Strimzi reads only the PKCS#8 RSA key form.
     */
    private createClusterCa(name: string, namespace: pulumi.Input<string>, clusterName: string, child: pulumi.CustomResourceOptions) {
        const key = new tls.PrivateKey(`${name}-cluster-ca-key`, { algorithm: "RSA", rsaBits: CLUSTER_CA.rsaBits }, { parent: this });
        const cert = new tls.SelfSignedCert(
            `${name}-cluster-ca-cert`,
            {
                privateKeyPem: key.privateKeyPem,
                isCaCertificate: true,
                subject: { organization: "io.strimzi", commonName: `${clusterName}-cluster-ca` },
                validityPeriodHours: CLUSTER_CA.validityHours,
                earlyRenewalHours: CLUSTER_CA.earlyRenewalHours,
                allowedUses: ["cert_signing", "crl_signing"],
            },
            { parent: this },
        );
        const names = clusterCaSecretNames(clusterName);
        const labels = { ...commonLabels(), ...clusterCaLabels(clusterName) };
        const certSecret = new k8s.core.v1.Secret(
            `${name}-cluster-ca-cert`,
            {
                metadata: {
                    name: names.cert,
                    namespace,
                    labels,
                    annotations: { "strimzi.io/ca-cert-generation": cert.validityStartTime.apply(caCertGeneration) },
                },
                stringData: { "ca.crt": cert.certPem },
            },
            child,
        );
        const keySecret = new k8s.core.v1.Secret(
            `${name}-cluster-ca`,
            {
                // Replacing the key (not just renewing the certificate) is a manual procedure: docs/kafka.md.
                metadata: { name: names.key, namespace, labels, annotations: { "strimzi.io/ca-key-generation": "0" } },
                stringData: { "ca.key": pulumi.secret(key.privateKeyPemPkcs8) },
            },
            child,
        );
        return { cert: certSecret, key: keySecret, certPem: cert.certPem };
    }
}
