// A small structural check of custom resources against the openAPIV3Schema of their CRD, for kinds no
// @kubernetes-models package covers (Karpenter's NodePool and EC2NodeClass, GKE's ComputeClass). It checks what the
// API server's structural validation checks: types, unknown fields, required fields, enums, patterns, lengths, item
// counts and numeric bounds. A value under a field pruned from a stored schema (stored/, PRUNED) is refused. CEL rules (x-kubernetes-validations) are not evaluated; the ones that matter are asserted
// by the tests of the objects' builders.
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import type { K8sObject } from "./types";

export interface JsonSchema {
    type?: string;
    properties?: Record<string, JsonSchema>;
    additionalProperties?: JsonSchema | boolean;
    items?: JsonSchema;
    required?: string[];
    enum?: unknown[];
    pattern?: string;
    maxLength?: number;
    minLength?: number;
    maxItems?: number;
    minItems?: number;
    minimum?: number;
    maximum?: number;
    anyOf?: JsonSchema[];
    "x-kubernetes-int-or-string"?: boolean;
    "x-kubernetes-preserve-unknown-fields"?: boolean;
    "x-dataops-pruned"?: boolean;
}

/** Marks a field whose schema was left out of a stored file (scripts/crd-schemas.ts `--keep`). */
export const PRUNED = "x-dataops-pruned";

/** Problems of `value` against `schema`, each prefixed by its path. */
export function schemaProblems(value: unknown, schema: JsonSchema, at = ""): string[] {
    const where = at || "(root)";
    if (schema[PRUNED]) {
        return [`${where}: field pruned from the stored schema; regenerate it with this path kept (model/crds/SOURCE.md)`];
    }
    if (schema["x-kubernetes-int-or-string"]) {
        if (typeof value !== "string" && !Number.isInteger(value)) {
            return [`${where}: must be an integer or a string`];
        }
    } else if (schema.type) {
        const actual = Array.isArray(value) ? "array" : Number.isInteger(value) ? "integer" : typeof value;
        const ok = actual === schema.type || (schema.type === "number" && actual === "integer");
        if (!ok) {
            return [`${where}: must be ${schema.type}, got ${actual}`];
        }
    }
    const out: string[] = [];
    if (schema.enum && !schema.enum.includes(value)) {
        out.push(`${where}: ${JSON.stringify(value)} is not one of ${schema.enum.map((e) => JSON.stringify(e)).join(", ")}`);
    }
    if (typeof value === "string") {
        if (schema.pattern && !new RegExp(schema.pattern).test(value)) out.push(`${where}: ${JSON.stringify(value)} does not match ${schema.pattern}`);
        if (schema.maxLength !== undefined && value.length > schema.maxLength) out.push(`${where}: longer than ${schema.maxLength}`);
        if (schema.minLength !== undefined && value.length < schema.minLength) out.push(`${where}: shorter than ${schema.minLength}`);
    }
    if (typeof value === "number") {
        if (schema.minimum !== undefined && value < schema.minimum) out.push(`${where}: below ${schema.minimum}`);
        if (schema.maximum !== undefined && value > schema.maximum) out.push(`${where}: above ${schema.maximum}`);
    }
    if (Array.isArray(value)) {
        if (schema.maxItems !== undefined && value.length > schema.maxItems) out.push(`${where}: more than ${schema.maxItems} items`);
        if (schema.minItems !== undefined && value.length < schema.minItems) out.push(`${where}: fewer than ${schema.minItems} items`);
        value.forEach((v, i) => schema.items && out.push(...schemaProblems(v, schema.items, `${at}[${i}]`)));
    } else if (value !== null && typeof value === "object") {
        const obj = value as Record<string, unknown>;
        for (const r of schema.required ?? []) {
            if (!(r in obj)) out.push(`${at ? `${at}.` : ""}${r}: is required`);
        }
        for (const [k, v] of Object.entries(obj)) {
            const p = at ? `${at}.${k}` : k;
            const sub = schema.properties?.[k] ?? (typeof schema.additionalProperties === "object" ? schema.additionalProperties : undefined);
            if (sub) {
                out.push(...schemaProblems(v, sub, p));
            } else if (schema.properties && !schema["x-kubernetes-preserve-unknown-fields"] && schema.additionalProperties !== true) {
                out.push(`${p}: is not a field of this kind`);
            }
        }
    }
    return out;
}

/** The served version's schema of a CRD file, keyed `group/version/Kind`. */
export function crdSchemas(file: string): Map<string, JsonSchema> {
    const crd = parse(fs.readFileSync(file, "utf8"));
    const out = new Map<string, JsonSchema>();
    for (const v of crd.spec.versions) {
        if (v.served) {
            out.set(`${crd.spec.group}/${v.name}/${crd.spec.names.kind}`, v.schema.openAPIV3Schema);
        }
    }
    return out;
}

export const CRD_DIR = path.join(__dirname, "crds");

/**
 * GKE's ComputeClass CRD is installed by GKE and not published as a file; this is the part of its schema the platform
 * uses, written from the CRD reference (docs.cloud.google.com/kubernetes-engine/docs/reference/crds/computeclass).
 */
export const COMPUTE_CLASS_SCHEMA: JsonSchema = {
    type: "object",
    required: ["apiVersion", "kind", "metadata", "spec"],
    properties: {
        apiVersion: { type: "string", enum: ["cloud.google.com/v1"] },
        kind: { type: "string", enum: ["ComputeClass"] },
        metadata: { type: "object", additionalProperties: true },
        spec: {
            type: "object",
            required: ["priorities"],
            properties: {
                description: { type: "string" },
                priorities: {
                    type: "array",
                    minItems: 1,
                    items: {
                        type: "object",
                        properties: {
                            nodepools: { type: "array", items: { type: "string", maxLength: 40 } },
                            machineFamily: { type: "string" },
                            machineType: { type: "string" },
                            spot: { type: "boolean" },
                            minCores: { type: "integer", minimum: 0 },
                            minMemoryGb: { type: "integer", minimum: 0 },
                        },
                    },
                },
                nodePoolAutoCreation: { type: "object", properties: { enabled: { type: "boolean" } } },
                nodePoolConfig: { type: "object", properties: { serviceAccount: { type: "string" }, imageType: { type: "string" } } },
                whenUnsatisfiable: { type: "string", enum: ["ScaleUpAnyway", "DoNotScaleUp"] },
                activeMigration: { type: "object", properties: { optimizeRulePriority: { type: "boolean" } } },
            },
        },
    },
};

let schemas: Map<string, JsonSchema> | undefined;

/** A stored schema file (model/crds/stored/): one kind at one version, written by scripts/crd-schemas.ts. */
export interface StoredCrdSchema {
    source: string;
    group: string;
    kind: string;
    version: string;
    schema: JsonSchema;
}

/** Every CRD schema the check knows: the vendored CRDs (model/crds/), the stored front-door kinds and ComputeClass. */
export function knownCrdSchemas(): Map<string, JsonSchema> {
    if (!schemas) {
        schemas = new Map([["cloud.google.com/v1/ComputeClass", COMPUTE_CLASS_SCHEMA]]);
        for (const f of fs.readdirSync(CRD_DIR).filter((f) => f.endsWith(".yaml"))) {
            crdSchemas(path.join(CRD_DIR, f)).forEach((s, k) => schemas!.set(k, s));
        }
        const stored = path.join(CRD_DIR, "stored");
        for (const f of fs.readdirSync(stored).filter((f) => f.endsWith(".json"))) {
            const s = JSON.parse(fs.readFileSync(path.join(stored, f), "utf8")) as StoredCrdSchema;
            schemas.set(`${s.group}/${s.version}/${s.kind}`, s.schema);
        }
    }
    return schemas;
}

/** Problems of a custom resource, or undefined when no known CRD covers its kind. */
export function crdProblems(o: K8sObject): string[] | undefined {
    const schema = knownCrdSchemas().get(`${o.apiVersion}/${o.kind}`);
    return schema ? schemaProblems(o, schema) : undefined;
}
