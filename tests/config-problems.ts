// Runs config validation as a pure function and returns its problems ([] when the config is valid).
import * as assert from "assert";
import { loadConfig } from "../stacks/config";
import { ConfigError, Problem } from "../stacks/problems";

export function configProblems(raw: Record<string, string>, stack = "dev"): Problem[] {
    try {
        loadConfig(raw, stack);
    } catch (e) {
        assert.ok(e instanceof ConfigError, `expected ConfigError, got ${String(e)}`);
        return e.problems;
    }
    return [];
}

/** `key: message Fix: fix`, the way most tests compare problems. */
export function brief(p: Problem): string {
    return `${p.key}: ${p.message}${p.fix ? ` Fix: ${p.fix}` : ""}`;
}
