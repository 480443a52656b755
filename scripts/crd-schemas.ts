// Extracts the openAPIV3Schema of chosen kinds from upstream CRD manifests into model/crds/stored/, without the
// descriptions and CEL rules (most of the size), so the tests can check the custom resources the program emits.
// Usage: npm run -s crd-schemas -- <crds.yaml> <source-url> <Kind>[,<Kind>...] [<version>] [--keep spec.a,spec.b]
// Helm template lines ({{ ... }}) in a chart's CRD templates are dropped before parsing. With --keep, only those
// subtrees (and their ancestors) keep their schema; other fields are marked pruned, which the test checker refuses
// accepts no value for (regenerate with the path kept instead).
import * as fs from "fs";
import * as path from "path";
import { parseAllDocuments } from "yaml";
import { CRD_DIR, PRUNED, StoredCrdSchema } from "../model/crd-schema";

const DROP = new Set(["description", "x-kubernetes-validations"]);

export function strip(node: unknown): unknown {
    if (Array.isArray(node)) {
        return node.map(strip);
    }
    if (node !== null && typeof node === "object") {
        return Object.fromEntries(
            Object.entries(node as Record<string, unknown>)
                .filter(([k, v]) => !(DROP.has(k) && (k !== "description" || typeof v === "string")))
                .map(([k, v]) => [k, strip(v)]),
        );
    }
    return node;
}

type Node = { properties?: Record<string, Node>; [k: string]: unknown };

/** Keeps the subtrees at `keep` (dotted property paths) and their ancestors; every other property becomes pruned. */
export function prune(node: Node, keep: string[], at = ""): Node {
    if (keep.some((k) => at !== "" && (at === k || at.startsWith(`${k}.`)))) {
        return node;
    }
    if (at !== "" && !keep.some((k) => k.startsWith(`${at}.`))) {
        return { [PRUNED]: true };
    }
    if (!node.properties) {
        return node;
    }
    const properties = Object.fromEntries(
        Object.entries(node.properties).map(([k, v]) => {
            const p = at ? `${at}.${k}` : k;
            return [k, at === "" && k !== "spec" ? v : prune(v, keep, p)];
        }),
    );
    return { ...node, properties };
}

export function extract(text: string, source: string, kinds: string[], version?: string, keep?: string[]): StoredCrdSchema[] {
    const clean = text
        .split("\n")
        .filter((l) => !/^\s*\{\{.*\}\}\s*$/.test(l))
        .join("\n");
    const out: StoredCrdSchema[] = [];
    for (const doc of parseAllDocuments(clean)) {
        const crd = doc.toJS() as { kind?: string; spec?: { group: string; names: { kind: string }; versions: { name: string; storage?: boolean; schema: { openAPIV3Schema: unknown } }[] } };
        if (crd?.kind !== "CustomResourceDefinition" || !crd.spec || !kinds.includes(crd.spec.names.kind)) {
            continue;
        }
        const v = crd.spec.versions.find((x) => (version ? x.name === version : x.storage)) ?? crd.spec.versions[0];
        const schema = strip(v.schema.openAPIV3Schema) as Node;
        out.push({ source, group: crd.spec.group, kind: crd.spec.names.kind, version: v.name, schema: keep ? prune(schema, keep) : schema });
    }
    return out;
}

if (require.main === module) {
    const args = process.argv.slice(2);
    const at = args.indexOf("--keep");
    const keep = at >= 0 ? args.splice(at, 2)[1].split(",") : undefined;
    const [file, source, kinds, version] = args;
    if (!file || !source || !kinds) {
        console.error("usage: npm run -s crd-schemas -- <crds.yaml> <source-url> <Kind>[,<Kind>...] [<version>]");
        process.exit(2);
    }
    for (const f of extract(fs.readFileSync(file, "utf8"), source, kinds.split(","), version || undefined, keep)) {
        const name = path.join(CRD_DIR, "stored", `${f.group}_${f.kind}.json`);
        fs.writeFileSync(name, `${JSON.stringify(f)}\n`);
        console.log(`${name}: ${f.kind} ${f.version}`);
    }
}
