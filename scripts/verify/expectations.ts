// What a deployed stack must show, derived from the same rendered model the offline tests question: the managed
// namespaces and their Pod Security levels, the quotas, the journeys' flows and the permissions they need or forbid.
import * as fs from "fs";
import * as path from "path";
import { parse as parseYaml } from "yaml";
import type { BuiltModel } from "../../model";
import { accessJourneys, journeyContext, platformJourneys } from "../../model/journeys";
import type { K8sObject } from "../../model/types";
import { LABELS } from "../../stacks/catalog";
import type { PlatformConfig } from "../../stacks/config";
import { clientSecretName } from "../../components/workloads/kafka/tenancy";
import type { Expectations, KafkaExpectation, UiExpectation } from "./checks";

/** The dead man's switch (kube-prometheus-stack's Watchdog) and the inhibition helper fire by design. */
export const ALWAYS_FIRING = ["Watchdog", "InfoInhibitor"];

/** The shipped example SparkApplication for a stack, if the project ships one (examples/<stack>/spark-pi.yaml, then examples/spark-pi.yaml). */
export function exampleSparkApplication(root: string, stack: string): K8sObject | undefined {
    for (const file of [path.join(root, "examples", stack, "spark-pi.yaml"), path.join(root, "examples", "spark-pi.yaml")]) {
        if (fs.existsSync(file)) {
            return parseYaml(fs.readFileSync(file, "utf8")) as K8sObject;
        }
    }
    return undefined;
}

/** A topic no team's prefix covers (`<team>.`), so every team's write to it must be refused. */
export const FORBIDDEN_TOPIC = "dataops-verify.not-yours";

/** The Strimzi image of a Kafka version, from the operator's STRIMZI_KAFKA_IMAGES (`<version>=<image>` lines). */
export function kafkaImage(objects: K8sObject[], version: string): string | undefined {
    const images = objects
        .filter((o) => o.kind === "Deployment" && o.metadata.name === "strimzi-cluster-operator")
        .flatMap((o) => o.spec.template.spec.containers.flatMap((c: { env?: { name: string; value?: string }[] }) => c.env ?? []))
        .find((e: { name: string }) => e.name === "STRIMZI_KAFKA_IMAGES")?.value as string | undefined;
    return images
        ?.split("\n")
        .map((l) => l.trim().split("="))
        .find(([v]) => v === version)?.[1];
}

/** Per team with a Kafka user and a topic: where its client Secret is, its first topic and a group under its prefix. */
export function kafkaExpectations(objects: K8sObject[]): KafkaExpectation[] {
    const kafka = objects.find((o) => o.kind === "Kafka" && o.apiVersion.startsWith("kafka.strimzi.io/"));
    const image = kafka && kafkaImage(objects, kafka.spec.kafka.version);
    if (!image) return [];
    const out: KafkaExpectation[] = [];
    for (const user of objects.filter((o) => o.kind === "KafkaUser" && o.metadata.labels?.[LABELS.team])) {
        const team = user.metadata.labels![LABELS.team];
        const topic = objects.find((o) => o.kind === "KafkaTopic" && o.metadata.labels?.[LABELS.team] === team)?.metadata.name;
        const secret = clientSecretName(team);
        const namespace = objects
            .filter((o) => o.kind === "Secret" && o.metadata.name === secret && o.metadata.labels?.[LABELS.team] === team)
            .map((o) => o.metadata.namespace!)
            .sort()[0];
        if (topic && namespace) {
            out.push({ team, namespace, secret, topic, group: `${team}.dataops-verify`, forbiddenTopic: FORBIDDEN_TOPIC, image });
        }
    }
    return out.sort((a, b) => a.team.localeCompare(b.team));
}

/** Health endpoints of the UIs with a sign-in of their own (they answer 200 without one). */
const HEALTH: Record<string, string> = { airflow: "/api/v2/monitor/health", grafana: "/api/health" };

/**
 * The UIs the gateway routes to, from the HTTPRoutes with hostnames: Airflow and Grafana by their health endpoints,
 * the others (behind oauth2-proxy) at their root, where sign-in must be required.
 */
export function uiExpectations(objects: K8sObject[]): UiExpectation[] {
    return objects
        .filter((o) => o.kind === "HTTPRoute" && o.apiVersion.startsWith("gateway.networking.k8s.io/") && (o.spec?.hostnames ?? []).length > 0)
        .map((o) => {
            const ui = o.metadata.name;
            return { ui, url: `https://${o.spec.hostnames[0]}${HEALTH[ui] ?? "/"}`, expect: HEALTH[ui] ? ("healthy" as const) : ("sign-in" as const) };
        })
        .sort((a, b) => a.ui.localeCompare(b.ui));
}

/** The Secret of the stack's own CA (a cert-manager CA Certificate), which signs the gateway's certificate locally. */
export function uiCa(objects: K8sObject[]): Expectations["uiCa"] {
    const ca = objects.find((o) => o.kind === "Certificate" && o.apiVersion.startsWith("cert-manager.io/") && o.spec?.isCA === true);
    return ca ? { namespace: ca.metadata.namespace ?? "default", name: ca.spec.secretName, key: "ca.crt" } : undefined;
}

export function expectationsFromModel(model: BuiltModel, cfg: PlatformConfig, opts: { root: string; airflowDag?: string }): Expectations {
    const objects = model.objects.map((o) => o.object);
    const namespaces = objects
        .filter((o) => o.kind === "Namespace" && o.metadata.labels?.[LABELS.managed] === "true")
        .map((o) => ({ name: o.metadata.name, enforce: o.metadata.labels!["pod-security.kubernetes.io/enforce"] }));
    const quotas = objects
        .filter((o) => o.kind === "ResourceQuota" && "program" in (model.objects.find((m) => m.object === o)?.origin ?? {}))
        .map((o) => ({ namespace: o.metadata.namespace!, name: o.metadata.name, hard: o.spec.hard as Record<string, string> }));
    return {
        stack: model.stack,
        namespaces,
        quotas,
        journeys: platformJourneys(objects, journeyContext(cfg)),
        access: accessJourneys(objects),
        sparkApplication: exampleSparkApplication(opts.root, model.stack),
        airflowDag: opts.airflowDag,
        alwaysFiring: ALWAYS_FIRING,
        kafka: kafkaExpectations(objects),
        uis: uiExpectations(objects),
        uiCa: uiCa(objects),
    };
}
