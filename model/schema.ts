// Validation of model objects against their upstream OpenAPI schemas: Kubernetes through kubernetes-models, Strimzi
// and prometheus-operator CRs through the @kubernetes-models packages generated from their CRDs.
import * as fs from "fs";
import * as path from "path";
import { checkResource } from "../tests/crd-schema";
import type { K8sObject } from "./types";

type Model = new (o: unknown) => { validate(): void };

/** The kubernetes-models module of an apiVersion, or undefined for groups no package covers. */
export function schemaModule(apiVersion: string): string | undefined {
    const group = apiVersion.includes("/") ? apiVersion.split("/")[0] : "";
    if (group === "kafka.strimzi.io" || group === "core.strimzi.io") {
        return `@kubernetes-models/strimzi-kafka-operator/${apiVersion}`;
    }
    if (group === "monitoring.coreos.com") {
        return `@kubernetes-models/prometheus-operator/${apiVersion}`;
    }
    if (group === "" || !group.includes(".") || group.endsWith(".k8s.io")) {
        return `kubernetes-models/${apiVersion}`;
    }
    return undefined;
}

/** CRD schemas extracted from the pinned upstream tags for kinds no package covers (tests/crd-schemas/SOURCE.md). */
function storedCrdSchema(o: K8sObject): string | undefined {
    const file = path.join(__dirname, "..", "tests", "crd-schemas", `${o.apiVersion.split("/")[0]}_${o.kind}.json`);
    return o.apiVersion.includes("/") && fs.existsSync(file) ? file : undefined;
}

/**
 * The generated prometheus-operator models require `apiVersion: monitoring.coreos.com/v1` and
 * `kind: EmbeddedPersistentVolumeClaim` on an embedded claim template, which the CRD itself (v0.93) neither requires
 * nor expects; the copy validated carries them so the rest of the object is still checked.
 */
function forGeneratedModels(o: K8sObject): K8sObject {
    const claim = o.apiVersion === "monitoring.coreos.com/v1" ? o.spec?.storage?.volumeClaimTemplate : undefined;
    if (!claim) {
        return o;
    }
    const copy = structuredClone(o);
    copy.spec.storage.volumeClaimTemplate = { ...claim, apiVersion: "monitoring.coreos.com/v1", kind: "EmbeddedPersistentVolumeClaim" };
    return copy;
}

/** Validates one object; returns the problem, "unchecked" when no schema covers its kind, or undefined when valid. */
export async function validateObject(o: K8sObject): Promise<string | "unchecked" | undefined> {
    const stored = storedCrdSchema(o);
    if (stored) {
        const problems = checkResource(o);
        return problems.length > 0 ? problems.join("; ") : undefined;
    }
    const module = schemaModule(o.apiVersion);
    if (!module) {
        return "unchecked";
    }
    let Model: Model | undefined;
    try {
        // The packages are ES modules only.
        Model = ((await import(module)) as Record<string, Model>)[o.kind];
    } catch {
        return "unchecked";
    }
    if (!Model) {
        return "unchecked";
    }
    try {
        new Model(forGeneratedModels(o)).validate();
        return undefined;
    } catch (e) {
        return (e as Error).message;
    }
}
