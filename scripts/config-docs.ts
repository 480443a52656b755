// Generates docs/configuration.md from the zod schema (stacks/schema.ts, stacks/clouds/*.ts): every key with its type
// and rule from the schema itself, its description from the schema's doc comments, and the profile defaults.
// `npm run docs` writes it; tests/config-docs.test.ts fails when the file is stale.
import * as fs from "fs";
import * as path from "path";
import * as ts from "typescript";
import { z } from "zod";
import * as aws from "../stacks/clouds/aws";
import * as azure from "../stacks/clouds/azure";
import * as gcp from "../stacks/clouds/gcp";
import { PROFILE_DEFAULTS } from "../stacks/profiles";
import * as schema from "../stacks/schema";
import { exitWhenFlushed } from "./exit";

const ROOT = path.resolve(__dirname, "..");
export const OUTPUT = path.join(ROOT, "docs", "configuration.md");
const SOURCES = ["stacks/schema.ts", "stacks/clouds/aws.ts", "stacks/clouds/gcp.ts", "stacks/clouds/azure.ts"];

/** Doc comments of the schema's fields, by `<exported schema>.<field>[.<field>...]`. */
function fieldDocs(): Map<string, string> {
    const docs = new Map<string, string>();
    for (const file of SOURCES) {
        const source = ts.createSourceFile(file, fs.readFileSync(path.join(ROOT, file), "utf8"), ts.ScriptTarget.ES2022, true);
        const visitInit = (node: ts.Node, at: string): void => {
            if (ts.isObjectLiteralExpression(node)) {
                for (const prop of node.properties) {
                    if (ts.isPropertyAssignment(prop) && (ts.isIdentifier(prop.name) || ts.isStringLiteral(prop.name))) {
                        const key = `${at}.${prop.name.text}`;
                        const doc = ts
                            .getJSDocCommentsAndTags(prop)
                            .map((d) => ts.getTextOfJSDocComment(d.comment) ?? "")
                            .join(" ")
                            .replace(/\s+/g, " ")
                            .trim();
                        if (doc) {
                            docs.set(key, doc);
                        }
                        visitInit(prop.initializer, key);
                    }
                }
                return;
            }
            ts.forEachChild(node, (child) => visitInit(child, at));
        };
        source.forEachChild((stmt) => {
            if (ts.isVariableStatement(stmt)) {
                for (const decl of stmt.declarationList.declarations) {
                    if (ts.isIdentifier(decl.name) && decl.initializer) {
                        visitInit(decl.initializer, decl.name.text);
                    }
                }
            }
        });
    }
    return docs;
}

/** Exported schemas by identity, so a field typed with one finds the doc comments written where it is defined. */
function namedSchemas(): Map<unknown, string> {
    const out = new Map<unknown, string>();
    for (const mod of [schema, aws, gcp, azure] as Record<string, unknown>[]) {
        for (const [name, value] of Object.entries(mod)) {
            if (value instanceof z.ZodType) {
                out.set(value, name);
            }
        }
    }
    return out;
}

type Def = { type: string; [k: string]: any };
const def = (s: z.ZodType): Def => (s as unknown as { _zod: { def: Def } })._zod.def;

function unwrap(s: z.ZodType): z.ZodType {
    const d = def(s);
    if (d.type === "optional" || d.type === "default" || d.type === "nullable") {
        return unwrap(d.innerType);
    }
    if (d.type === "pipe") {
        return unwrap(d.out);
    }
    return s;
}

function checks(s: z.ZodType): Def[] {
    return (def(s).checks ?? []).map((c: z.ZodType) => def(c));
}

/** Type and rule of a leaf, in words, from the schema's own checks. */
function describeType(s: z.ZodType): string {
    const inner = unwrap(s);
    const d = def(inner);
    const cs = checks(inner);
    const bound = (name: string) => cs.find((c) => c.check === name);
    switch (d.type) {
        case "string": {
            const regex = cs.find((c) => c.format === "regex");
            const min = bound("min_length");
            const rule = regex ? `; ${typeof regex.error === "function" ? regex.error({}) : `matches \`${regex.pattern}\``}` : "";
            return `string${min ? ` (at least ${min.minimum} character${min.minimum === 1 ? "" : "s"})` : ""}${rule}`;
        }
        case "number": {
            const int = cs.some((c) => c.format === "safeint");
            const lo = bound("greater_than");
            const hi = bound("less_than");
            const range = lo && hi ? ` ${lo.value}–${hi.value}` : lo ? ` ≥ ${lo.value}` : hi ? ` ≤ ${hi.value}` : "";
            return `${int ? "whole number" : "number"}${range}`;
        }
        case "boolean":
            return "true or false";
        case "enum":
            return `one of ${Object.values(d.entries as Record<string, string>).map((v) => `\`${v}\``).join(", ")}`;
        case "array": {
            const min = bound("min_length");
            return `list of ${describeType(d.element)}${min ? ` (at least ${min.minimum})` : ""}`;
        }
        case "record":
            return `map of ${describeType(d.valueType)}`;
        case "object":
            return "mapping";
        default:
            return d.type;
    }
}

interface Row {
    key: string;
    type: string;
    doc: string;
}

function rows(s: z.ZodType, key: string, docAt: string, docs: Map<string, string>, names: Map<unknown, string>, out: Row[]): void {
    const inner = unwrap(s);
    const d = def(inner);
    if (d.type === "object") {
        const at = names.get(inner) ?? docAt;
        for (const [field, fieldSchema] of Object.entries(d.shape as Record<string, z.ZodType>)) {
            const fieldKey = `${key}.${field}`;
            const fieldInner = unwrap(fieldSchema);
            const fd = def(fieldInner);
            out.push({ key: fieldKey, type: describeType(fieldSchema), doc: docs.get(`${at}.${field}`) ?? "" });
            if (fd.type === "object") {
                rows(fieldInner, fieldKey, `${at}.${field}`, docs, names, out);
            } else if (fd.type === "array" && def(unwrap(fd.element)).type === "object") {
                rows(fd.element, `${fieldKey}[]`, `${at}.${field}`, docs, names, out);
            } else if (fd.type === "record" && def(unwrap(fd.valueType)).type === "object") {
                rows(fd.valueType, `${fieldKey}.<name>`, `${at}.${field}`, docs, names, out);
            }
        }
    }
}

const cell = (s: string) => s.replace(/\|/g, "\\|").replace(/\n/g, " ");

function flatten(o: unknown, at = ""): [string, unknown][] {
    return o !== null && typeof o === "object" && !Array.isArray(o)
        ? Object.entries(o).flatMap(([k, v]) => flatten(v, at ? `${at}.${k}` : k))
        : [[at, o]];
}

/** The whole reference page. */
export function configReference(): string {
    const docs = fieldDocs();
    const names = namedSchemas();
    const top = schema.configSchema.shape as Record<string, z.ZodType>;
    const lines = [
        "# Configuration reference",
        "",
        "<!-- Generated by `npm run docs` from stacks/schema.ts and stacks/clouds/*.ts; do not edit by hand. -->",
        "",
        "Every `dataops:` key, with the type and rule the schema enforces and the schema's own description. Keys are set in",
        "`Pulumi.<stack>.yaml` under `config:` or with `pulumi config set [--path] <key> <value>`; credentials with `--secret`.",
        "Rules that span several keys (CIDR overlaps, prod requirements, per-cloud limits) are in stacks/validate.ts and",
        "stacks/clouds/*.ts; every problem names the key, the value and the fix before anything is created.",
        "",
        "## Keys",
        "",
        ...Object.keys(top).map((k) => `- [\`dataops:${k}\`](#dataops${k.toLowerCase()})`),
        "",
    ];
    for (const [k, s] of Object.entries(top)) {
        const inner = unwrap(s);
        const required = def(s).type !== "optional";
        lines.push(`## dataops:${k}`, "", `${required ? "Required. " : ""}${describeType(s)[0].toUpperCase()}${describeType(s).slice(1)}.`, "");
        const out: Row[] = [];
        const d = def(inner);
        if (d.type === "object") {
            rows(inner, `dataops:${k}`, names.get(inner) ?? k, docs, names, out);
        } else if (d.type === "array" && def(unwrap(d.element)).type === "object") {
            rows(d.element, `dataops:${k}[]`, k, docs, names, out);
        } else if (d.type === "record" && def(unwrap(d.valueType)).type === "object") {
            rows(d.valueType, `dataops:${k}.<name>`, k, docs, names, out);
        }
        if (out.length > 0) {
            lines.push("| key | type and rule | description |", "| --- | --- | --- |", ...out.map((r) => `| \`${r.key}\` | ${cell(r.type)} | ${cell(r.doc)} |`), "");
        }
    }
    lines.push(
        "## Profile defaults",
        "",
        "What `dataops:profile` (dev, prod, or auto: prod for stacks whose name starts with `prod`) sets when the key is not",
        "given (stacks/profiles.ts).",
        "",
        "| setting | dev | prod |",
        "| --- | --- | --- |",
        ...flatten(PROFILE_DEFAULTS.dev).map(([k, v]) => `| \`${k}\` | ${JSON.stringify(v)} | ${JSON.stringify(new Map(flatten(PROFILE_DEFAULTS.prod)).get(k))} |`),
        "",
    );
    return lines.join("\n");
}

if (require.main === module) {
    const text = configReference();
    if (process.argv.includes("--check")) {
        const current = fs.existsSync(OUTPUT) ? fs.readFileSync(OUTPUT, "utf8") : "";
        if (current !== text) {
            console.error(`${path.relative(process.cwd(), OUTPUT)} is stale; run npm run docs`);
            exitWhenFlushed(1);
        }
    } else {
        fs.writeFileSync(OUTPUT, text);
        console.log(`wrote ${path.relative(process.cwd(), OUTPUT)}`);
    }
}
