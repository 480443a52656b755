// Secret config values in validation: encrypted values the offline plan cannot decrypt, and keeping every secret value
// out of problems and warnings whatever the problem with it.
import { Problem } from "./problems";

/**
 * What the offline plan (tests/harness.ts) puts in place of an encrypted (`secure:`) value it cannot decrypt:
 * `offline-secret:<full key path>`. Validation checks that such a value is set and is a secret, not its content.
 */
export const OFFLINE_SECRET_PREFIX = "offline-secret:";

export function isOfflineSecret(v: unknown): v is string {
    return typeof v === "string" && v.startsWith(OFFLINE_SECRET_PREFIX);
}

export type Path = (string | number)[];

/** Paths (within one config value) of every offline placeholder. */
export function offlineSecretPaths(value: unknown, at: Path = []): Path[] {
    if (isOfflineSecret(value)) {
        return [at];
    }
    if (Array.isArray(value)) {
        return value.flatMap((v, i) => offlineSecretPaths(v, [...at, i]));
    }
    if (value !== null && typeof value === "object") {
        return Object.entries(value).flatMap(([k, v]) => offlineSecretPaths(v, [...at, k]));
    }
    return [];
}

export function samePath(a: readonly PropertyKey[], b: readonly PropertyKey[]): boolean {
    return a.length === b.length && a.every((p, i) => p === b[i]);
}

/** A copy without the object fields at `paths` (list entries stay, so later indexes keep their meaning). */
export function withoutPaths(value: unknown, paths: Path[]): unknown {
    const copy: unknown = structuredClone(value);
    for (const p of paths) {
        const parent = p.slice(0, -1).reduce<unknown>((o, k) => (o as Record<PropertyKey, unknown> | undefined)?.[k], copy);
        const last = p[p.length - 1];
        if (parent && typeof parent === "object" && !Array.isArray(parent)) {
            delete (parent as Record<PropertyKey, unknown>)[last];
        }
    }
    return copy;
}

/** Puts the placeholders of `source` back at `paths` in a parsed copy. */
export function restorePaths(parsed: unknown, source: unknown, paths: Path[]): unknown {
    const copy: unknown = structuredClone(parsed);
    for (const p of paths) {
        const parent = p.slice(0, -1).reduce<unknown>((o, k) => (o as Record<PropertyKey, unknown> | undefined)?.[k], copy);
        const value = p.reduce<unknown>((o, k) => (o as Record<PropertyKey, unknown> | undefined)?.[k], source);
        if (parent && typeof parent === "object") {
            (parent as Record<PropertyKey, unknown>)[p[p.length - 1]] = value;
        }
    }
    return copy;
}

/** Strings shorter than this are not scrubbed from messages: they would mangle them, and are no secret worth the name. */
const MIN_SCRUBBED_LENGTH = 4;

/** Every string in a config value (the whole text too), longest first, for scrubbing from messages. */
export function secretStrings(text: string): string[] {
    const out = new Set<string>([text]);
    const walk = (v: unknown): void => {
        if (typeof v === "string") {
            out.add(v);
        } else if (typeof v === "number") {
            out.add(String(v));
        } else if (v !== null && typeof v === "object") {
            Object.values(v).forEach(walk);
        }
    };
    try {
        walk(JSON.parse(text));
    } catch {
        // A plain string: the text itself is the value.
    }
    return [...out].filter((s) => s.length >= MIN_SCRUBBED_LENGTH && !s.startsWith(OFFLINE_SECRET_PREFIX)).sort((a, b) => b.length - a.length);
}

export function scrub(text: string, secrets: readonly string[]): string {
    return secrets.reduce((t, s) => t.split(s).join("[secret]"), text);
}

/** The top-level config key of a problem key: `dataops:teams[0].groups[1]` -> `dataops:teams`. */
export function topLevelKey(key: string): string {
    return /^[^.[]+/.exec(key)?.[0] ?? key;
}

/**
 * Problems and warnings with no secret value left in them: a problem under a key Pulumi marks secret (or a credential
 * field) shows `[secret]` instead of its value, and any secret string quoted in a message, fix or warning is replaced.
 */
export function redact(
    problems: Problem[],
    warnings: string[],
    secrets: readonly string[],
    isSecretKey: (key: string) => boolean,
): { problems: Problem[]; warnings: string[] } {
    return {
        problems: problems.map((p) => {
            const out: Problem = { ...p, message: scrub(p.message, secrets), fix: p.fix === undefined ? undefined : scrub(p.fix, secrets) };
            if (out.fix === undefined) {
                delete out.fix;
            }
            if ("value" in p && isSecretKey(p.key)) {
                delete out.value;
                out.secret = true;
            }
            return out;
        }),
        warnings: warnings.map((w) => scrub(w, secrets)),
    };
}
