import * as pulumi from "@pulumi/pulumi";

/** One thing wrong with a stack's configuration: the full key, the offending value, what is wrong and how to fix it. */
export interface Problem {
    /** Full config key path, e.g. `dataops:cluster.nodePools[0].minNodes` or `aws:region`. */
    key: string;
    /** The offending value as given (omitted when the key is missing). */
    value?: unknown;
    /** The rule that was broken. */
    message: string;
    /** What to do about it. */
    fix?: string;
    /** The value was a secret: it is shown as [secret] and not kept here. */
    secret?: boolean;
}

export function formatValue(v: unknown): string {
    if (v === undefined) {
        return "(not set)";
    }
    const s = JSON.stringify(v);
    return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

/** Config fields that hold credentials: their values never appear in an error message. */
const SECRET_FIELDS = /\.(metadataConnection|slackWebhookUrl|pagerDutyRoutingKey|clientSecret)$/;

export function formatProblem(p: Problem): string {
    const value = p.secret ? " = [secret]" : !("value" in p) ? "" : SECRET_FIELDS.test(p.key) ? " = [secret]" : ` = ${formatValue(p.value)}`;
    const fix = p.fix ? ` Fix: ${p.fix}` : "";
    return `${p.key}${value}: ${p.message}${fix}`;
}

/**
 * All configuration problems of a stack, reported together before any resource exists. A RunError, so the Pulumi CLI
 * prints just the message instead of a stack trace.
 */
export class ConfigError extends pulumi.RunError {
    readonly problems: Problem[];

    constructor(stack: string, problems: Problem[]) {
        const n = problems.length;
        const lines = problems.map((p, i) => `  ${i + 1}. ${formatProblem(p)}`);
        super(
            `Stack "${stack}" has ${n} configuration problem${n === 1 ? "" : "s"}; nothing was created.\n${lines.join("\n")}\n` +
                "Keys are set with `pulumi config set [--path] <key> <value>` or in Pulumi.<stack>.yaml; see docs/configuration.md.",
        );
        this.name = "ConfigError";
        this.problems = problems;
    }
}
