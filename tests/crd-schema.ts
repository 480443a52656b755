// A small structural checker for custom resources against the openAPIV3Schema of their CRD (tests/crd-schemas/):
// types, required fields, enums, patterns, lengths, bounds and unknown fields. CEL rules are not evaluated. A value
// under a field pruned from the stored schema is refused, so a new field cannot slip through unchecked.
import * as fs from "fs";
import * as path from "path";

interface Schema {
    type?: string;
    properties?: Record<string, Schema>;
    additionalProperties?: boolean | Schema;
    items?: Schema;
    required?: string[];
    enum?: unknown[];
    pattern?: string;
    format?: string;
    minLength?: number;
    maxLength?: number;
    minimum?: number;
    maximum?: number;
    minItems?: number;
    maxItems?: number;
    "x-kubernetes-preserve-unknown-fields"?: boolean;
    "x-kubernetes-int-or-string"?: boolean;
    "x-dataops-pruned"?: boolean;
}

const DIR = path.join(__dirname, "crd-schemas");

/** The stored schema of `<group>_<Kind>.json`. */
export function crdSchema(apiVersion: string, kind: string): { version: string; schema: Schema } {
    const [group, version] = apiVersion.split("/");
    const file = JSON.parse(fs.readFileSync(path.join(DIR, `${group}_${kind}.json`), "utf8")) as { version: string; schema: Schema };
    if (file.version !== version) {
        throw new Error(`${kind}: stored schema is ${group}/${file.version}, object is ${apiVersion}`);
    }
    return file;
}

/** Problems of `value` against `schema`, each naming its path. */
export function check(value: unknown, schema: Schema, at = ""): string[] {
    const where = at || "(root)";
    if (schema["x-dataops-pruned"]) {
        return [`${where}: field pruned from the stored schema; regenerate it with this path kept (tests/crd-schemas/SOURCE.md)`];
    }
    if (value === undefined || value === null) {
        return [];
    }
    if (schema["x-kubernetes-int-or-string"]) {
        return typeof value === "string" || Number.isInteger(value) ? [] : [`${where}: must be an integer or a string`];
    }
    const out: string[] = [];
    switch (schema.type) {
        case "object": {
            if (typeof value !== "object" || Array.isArray(value)) {
                return [`${where}: must be an object`];
            }
            const obj = value as Record<string, unknown>;
            for (const r of schema.required ?? []) {
                if (obj[r] === undefined) {
                    out.push(`${where}: missing required field ${r}`);
                }
            }
            for (const [k, v] of Object.entries(obj)) {
                const sub = schema.properties?.[k];
                const p = at ? `${at}.${k}` : k;
                if (sub) {
                    out.push(...check(v, sub, p));
                } else if (typeof schema.additionalProperties === "object") {
                    out.push(...check(v, schema.additionalProperties, p));
                } else if (schema.properties && !schema["x-kubernetes-preserve-unknown-fields"] && schema.additionalProperties !== true) {
                    out.push(`${p}: unknown field`);
                }
            }
            return out;
        }
        case "array": {
            if (!Array.isArray(value)) {
                return [`${where}: must be a list`];
            }
            if (schema.minItems !== undefined && value.length < schema.minItems) out.push(`${where}: needs at least ${schema.minItems} items`);
            if (schema.maxItems !== undefined && value.length > schema.maxItems) out.push(`${where}: allows at most ${schema.maxItems} items`);
            value.forEach((v, i) => schema.items && out.push(...check(v, schema.items, `${at}[${i}]`)));
            return out;
        }
        case "string":
            if (typeof value !== "string") return [`${where}: must be a string`];
            if (schema.pattern && !new RegExp(schema.pattern).test(value)) out.push(`${where}: ${JSON.stringify(value)} does not match ${schema.pattern}`);
            if (schema.minLength !== undefined && value.length < schema.minLength) out.push(`${where}: shorter than ${schema.minLength}`);
            if (schema.maxLength !== undefined && value.length > schema.maxLength) out.push(`${where}: longer than ${schema.maxLength}`);
            break;
        case "integer":
        case "number":
            if (typeof value !== "number" || (schema.type === "integer" && !Number.isInteger(value))) return [`${where}: must be ${schema.type === "integer" ? "an integer" : "a number"}`];
            if (schema.minimum !== undefined && value < schema.minimum) out.push(`${where}: below ${schema.minimum}`);
            if (schema.maximum !== undefined && value > schema.maximum) out.push(`${where}: above ${schema.maximum}`);
            break;
        case "boolean":
            if (typeof value !== "boolean") return [`${where}: must be a boolean`];
            break;
    }
    if (schema.enum && !schema.enum.includes(value)) {
        out.push(`${where}: ${JSON.stringify(value)} is not one of ${schema.enum.map((e) => JSON.stringify(e)).join(", ")}`);
    }
    return out;
}

/** Problems of a whole custom resource (apiVersion, kind, metadata, spec) against its stored CRD schema. */
export function checkResource(obj: { apiVersion: string; kind: string; [k: string]: unknown }): string[] {
    const { schema } = crdSchema(obj.apiVersion, obj.kind);
    return check(obj, schema).map((p) => `${obj.kind}: ${p}`);
}
