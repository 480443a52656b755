// Extracts the value paths (key names only) of a chart from its values.yaml or values.schema.json, for the key lists
// under tests/chart-keys/ that the tests check Helm values against. Usage:
//   helm show values <chart> --repo <url> --version <v> > /tmp/values.yaml
//   npm run -s chart-keys -- /tmp/values.yaml <chart> <version> > tests/chart-keys/<chart>-<version>.txt
// A path ending in ".*" is a map or list whose contents are free-form (default {}, [] or null).
import * as fs from "fs";
import { parse } from "yaml";

export function valuesPaths(values: unknown, prefix = "", out = new Set<string>()): Set<string> {
    if (values !== null && typeof values === "object" && !Array.isArray(values)) {
        const keys = Object.keys(values);
        if (keys.length === 0) {
            out.add(`${prefix}.*`);
        } else {
            if (prefix) {
                out.add(prefix);
            }
            for (const k of keys) {
                valuesPaths((values as Record<string, unknown>)[k], prefix ? `${prefix}.${k}` : k, out);
            }
        }
    } else if (Array.isArray(values) || values === null) {
        out.add(`${prefix}.*`);
    } else {
        out.add(prefix);
    }
    return out;
}

interface Schema {
    type?: string | string[];
    properties?: Record<string, Schema>;
    additionalProperties?: boolean | Schema;
    $ref?: string;
}

export function schemaPaths(schema: Schema, prefix = "", out = new Set<string>()): Set<string> {
    const types = ([] as string[]).concat(schema.type ?? []);
    if (schema.properties) {
        if (prefix) {
            out.add(prefix);
        }
        for (const [k, sub] of Object.entries(schema.properties)) {
            schemaPaths(sub, prefix ? `${prefix}.${k}` : k, out);
        }
        if (schema.additionalProperties === true || typeof schema.additionalProperties === "object") {
            out.add(`${prefix}.*`);
        }
    } else if (types.includes("object") || types.includes("array") || schema.$ref) {
        out.add(`${prefix}.*`);
    } else {
        out.add(prefix);
    }
    return out;
}

if (require.main === module) {
    const [file, chart, version] = process.argv.slice(2);
    if (!file || !chart || !version) {
        console.error("usage: npm run -s chart-keys -- <values.yaml|values.schema.json> <chart> <version>");
        process.exit(2);
    }
    const text = fs.readFileSync(file, "utf8");
    const paths = file.endsWith(".json") ? schemaPaths(JSON.parse(text) as Schema) : valuesPaths(parse(text));
    console.log(`# Value paths of the ${chart} chart ${version}: key names only, extracted from ${file.endsWith(".json") ? "its values.schema.json" : "its upstream values.yaml"}.`);
    console.log('# "a.b.*" marks a map or list whose contents are free-form.');
    console.log([...paths].filter(Boolean).sort().join("\n"));
}
