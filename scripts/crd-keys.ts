// Extracts the field paths of CRDs' served schemas (key names only, list items as `[]`), for the key lists under
// tests/chart-keys/ that custom resources are checked against: the kubernetes-models packages validate types, enums
// and required fields but accept unknown fields, which the API server would silently prune. Usage:
//   npm run -s crd-keys -- <crd.yaml>... > tests/chart-keys/<operator>-<version>-crds.txt
import * as fs from "fs";
import { parseAllDocuments } from "yaml";

interface Schema {
    type?: string;
    properties?: Record<string, Schema>;
    items?: Schema;
    additionalProperties?: boolean | Schema;
    "x-kubernetes-preserve-unknown-fields"?: boolean;
}

/** Paths below `prefix`; `a.*` marks a map whose keys are free-form (config maps, labels, preserved fields). */
export function crdPaths(schema: Schema, prefix: string, out = new Set<string>()): Set<string> {
    out.add(prefix);
    if (schema.properties) {
        for (const [k, sub] of Object.entries(schema.properties)) {
            crdPaths(sub, `${prefix}.${k}`, out);
        }
    }
    if (schema.items) {
        crdPaths(schema.items, `${prefix}[]`, out);
    }
    if (schema.additionalProperties || schema["x-kubernetes-preserve-unknown-fields"] || (schema.type === "object" && !schema.properties)) {
        out.add(`${prefix}.*`);
    }
    return out;
}

/** `<Kind>.spec...` paths of every served version of the CRDs in `text`. */
export function crdKeys(text: string): string[] {
    const out = new Set<string>();
    for (const doc of parseAllDocuments(text)) {
        const crd = doc.toJS() as { kind?: string; spec?: { names: { kind: string }; versions: { served: boolean; schema: { openAPIV3Schema: Schema } }[] } };
        if (crd?.kind !== "CustomResourceDefinition" || !crd.spec) {
            continue;
        }
        for (const v of crd.spec.versions.filter((x) => x.served)) {
            const spec = v.schema.openAPIV3Schema.properties?.spec;
            if (spec) {
                crdPaths(spec, `${crd.spec.names.kind}.spec`, out);
            }
        }
    }
    return [...out].sort();
}

if (require.main === module) {
    const files = process.argv.slice(2);
    if (files.length === 0) {
        console.error("usage: npm run -s crd-keys -- <crd.yaml>...");
        process.exit(2);
    }
    console.log("# Field paths of the custom resources' spec, from the CRDs' served schemas: key names only, list items as [].");
    console.log('# "a.*" marks a map whose keys are free-form.');
    console.log(files.flatMap((f) => crdKeys(fs.readFileSync(f, "utf8"))).join("\n"));
}
