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
import type { Expectations } from "./checks";

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
    };
}
