// Checks Helm values against the value paths a chart really has (lists in tests/chart-keys/, derived from upstream).
import * as fs from "fs";
import * as path from "path";

const DIR = path.join(__dirname, "chart-keys");

/** Loads the allowed value paths from one or more key lists. */
export function chartKeys(...files: string[]): Set<string> {
    const keys = new Set<string>();
    for (const f of files) {
        for (const line of fs.readFileSync(path.join(DIR, f), "utf8").split("\n")) {
            const t = line.trim();
            if (t && !t.startsWith("#")) {
                keys.add(t);
            }
        }
    }
    return keys;
}

/** Leaf paths of a values object (lists and empty objects count as leaves). */
export function valuePaths(values: unknown, prefix = ""): string[] {
    if (values === null || typeof values !== "object" || Array.isArray(values) || Object.keys(values).length === 0) {
        return [prefix];
    }
    return Object.entries(values as Record<string, unknown>).flatMap(([k, v]) => valuePaths(v, prefix ? `${prefix}.${k}` : k));
}

/** Paths the chart does not have: neither listed nor under a listed free-form map (`a.b.*`). */
export function unknownPaths(values: unknown, keys: Set<string>): string[] {
    return valuePaths(values).filter((p) => {
        if (keys.has(p)) {
            return false;
        }
        const parts = p.split(".");
        for (let i = parts.length - 1; i >= 1; i--) {
            if (keys.has(`${parts.slice(0, i).join(".")}.*`)) {
                return false;
            }
        }
        return !keys.has(`${p}.*`);
    });
}
