// Runs the program under Pulumi mocks and records every registration with its inputs, parent, dependencies, provider
// and options. Shared by the tests and by the offline plan command (scripts/plan.ts).
import * as pulumi from "@pulumi/pulumi";
import { deserializeProperties, isRpcSecret, unwrapRpcSecret } from "@pulumi/pulumi/runtime/rpc";
import * as fs from "fs";
import * as path from "path";
import { parse as parseYaml } from "yaml";
import { OFFLINE_SECRET_PREFIX } from "../stacks/secrets";
import { mockCall, mockOutputs, STACK_OUTPUTS } from "./mocks";
import { Decrypt, passphraseDecrypter, passphraseFromEnv } from "./passphrase";

export const PROJECT = "dataops";
export const MOCK_ORGANIZATION = "organization";
export const ROOT = path.resolve(__dirname, "..");

export interface RecordedResource {
    type: string;
    name: string;
    urn: string;
    custom: boolean;
    /** Parent URN ("" for none). */
    parent: string;
    /** URNs of explicit dependsOn plus input dependencies. */
    dependencies: string[];
    /** Provider reference `<providerUrn>::<id>` ("" for the default provider). */
    provider: string;
    protect: boolean;
    ignoreChanges: string[];
    deleteBeforeReplace: boolean;
    retainOnDelete: boolean;
    replaceOnChanges: string[];
    additionalSecretOutputs: string[];
    /** Inputs with secrets unwrapped; `secretPaths` says which were secret. */
    inputs: Record<string, any>;
    /** Dotted paths of inputs marked secret (`data.password`, `values.x`). */
    secretPaths: string[];
}

export interface RecordedCall {
    token: string;
    inputs: Record<string, any>;
}

export interface Run {
    resources: RecordedResource[];
    calls: RecordedCall[];
    /** Invoke tokens the mocks had no answer for (they returned {}). */
    unknownCalls: string[];
    /** The value the program returned (stack outputs), or undefined when it threw. */
    outputs?: Record<string, unknown>;
    error?: Error;
    /** What the program logged with pulumi.log.warn (kept here instead of printed, so test output stays readable). */
    warnings: string[];
}

export interface RunOptions {
    stack: string;
    /** Full config map as the CLI would pass it (`dataops:key` to string, objects as JSON). */
    config: Record<string, string>;
    secretKeys?: string[];
    preview?: boolean;
    /** The program; receives nothing and reads config from the Pulumi runtime like index.ts. */
    program: () => unknown;
}

function walkSecrets(value: any, at: string, paths: string[]): any {
    if (isRpcSecret(value)) {
        paths.push(at);
        return walkSecrets(unwrapRpcSecret(value), at, paths);
    }
    if (Array.isArray(value)) {
        return value.map((v, i) => walkSecrets(v, `${at}[${i}]`, paths));
    }
    if (value !== null && typeof value === "object") {
        const out: Record<string, any> = {};
        for (const [k, v] of Object.entries(value)) {
            out[k] = walkSecrets(v, at ? `${at}.${k}` : k, paths);
        }
        return out;
    }
    return value;
}

/** Runs `program` under fresh mocks and config; resolves once every registration has settled. */
export async function runMocked(opts: RunOptions): Promise<Run> {
    const run: Run = { resources: [], calls: [], unknownCalls: [], warnings: [] };
    const byUrnName = new Map<string, RecordedResource>();
    let pending = 0;

    await pulumi.runtime.setMocks(
        {
            newResource: (args) => ({ id: `${args.name}-id`, state: { ...args.inputs, ...mockOutputs(args.type, args.name, args.inputs) } }),
            call: (args) => {
                run.calls.push({ token: args.token, inputs: args.inputs });
                const result = mockCall(args.token, args.inputs);
                if (result === undefined) {
                    run.unknownCalls.push(args.token);
                    return {};
                }
                return result;
            },
        },
        PROJECT,
        opts.stack,
        opts.preview ?? false,
        // The organization of a DIY backend; the program reads its own stack's previous outputs by full name.
        MOCK_ORGANIZATION,
    );
    pulumi.runtime.setAllConfig(opts.config, opts.secretKeys);

    const monitor = pulumi.runtime.getMonitor() as any;
    const register = monitor.registerResource.bind(monitor);
    monitor.registerResource = (req: any, callback: (err: any, resp: any) => void) => {
        const secretPaths: string[] = [];
        const rawInputs = deserializeProperties(req.getObject(), true);
        const record: RecordedResource = {
            type: req.getType(),
            name: req.getName(),
            urn: "",
            custom: req.getCustom(),
            parent: req.getParent(),
            dependencies: req.getDependenciesList(),
            provider: req.getProvider(),
            protect: req.getProtect() === true,
            ignoreChanges: req.getIgnorechangesList(),
            deleteBeforeReplace: req.getDeletebeforereplace() === true,
            retainOnDelete: req.getRetainondelete() === true,
            replaceOnChanges: req.getReplaceonchangesList(),
            additionalSecretOutputs: req.getAdditionalsecretoutputsList(),
            inputs: walkSecrets(rawInputs, "", secretPaths),
            secretPaths,
        };
        run.resources.push(record);
        pending++;
        register(req, (err: any, resp: any) => {
            pending--;
            if (resp) {
                record.urn = resp.getUrn();
                byUrnName.set(record.urn, record);
            }
            callback(err, resp);
        });
    };

    const log = pulumi.log as { warn: typeof pulumi.log.warn };
    const warn = log.warn;
    log.warn = (msg: string) => {
        run.warnings.push(msg);
        return Promise.resolve();
    };
    try {
        run.outputs = (await Promise.resolve(opts.program())) as Record<string, unknown> | undefined;
    } catch (e) {
        run.error = e as Error;
    }
    await settle(() => pending, () => run.resources.length);
    log.warn = warn;
    return run;
}

/** Waits until no registration is in flight and none has started for several event-loop turns. */
async function settle(pending: () => number, count: () => number): Promise<void> {
    let stable = 0;
    let last = -1;
    for (let i = 0; i < 2000 && stable < 5; i++) {
        await new Promise((r) => setTimeout(r, i < 20 ? 0 : 2));
        const n = count();
        stable = pending() === 0 && n === last ? stable + 1 : 0;
        last = n;
    }
}

function readYaml(file: string): unknown {
    try {
        return parseYaml(fs.readFileSync(file, "utf8"));
    } catch (e) {
        throw new Error(`${path.relative(process.cwd(), file)} is not valid YAML: ${(e as Error).message}`);
    }
}

export interface StackFileConfig {
    config: Record<string, string>;
    secretKeys: string[];
    /** How the stack's encrypted values were read, when it has any, for the plan to say. */
    notes: string[];
}

/**
 * Reads the stack's config the way the CLI passes it: Pulumi.yaml defaults, then Pulumi.<stack>.yaml. Encrypted values
 * are decrypted when the stack uses the passphrase provider and `passphrase` opens it; otherwise each becomes
 * `offline-secret:<key>`, which validation accepts as set and secret without checking its content.
 */
export function stackFileConfig(stack: string, root: string = ROOT, passphrase: string | undefined = passphraseFromEnv()): StackFileConfig {
    const project = readYaml(path.join(root, "Pulumi.yaml")) as { config?: Record<string, any> };
    const file = path.join(root, `Pulumi.${stack}.yaml`);
    if (!fs.existsSync(file)) {
        throw new Error(`no stack file ${path.relative(process.cwd(), file)}; stacks: ${listStacks(root).join(", ")}`);
    }
    const stackYaml = (readYaml(file) ?? {}) as { config?: Record<string, unknown>; encryptionsalt?: string };
    const notes: string[] = [];
    let decrypt: Decrypt | undefined;
    const hasSecrets = /^\s*(-\s+)?[^#\n]*\bsecure:/m.test(fs.readFileSync(file, "utf8"));
    if (hasSecrets && passphrase !== undefined && stackYaml.encryptionsalt) {
        decrypt = passphraseDecrypter(stackYaml.encryptionsalt, passphrase);
        notes.push(
            decrypt
                ? `Pulumi.${stack}.yaml: encrypted values decrypted with the passphrase and checked.`
                : `Pulumi.${stack}.yaml: the passphrase does not open this stack's secrets; encrypted values were not checked.`,
        );
    } else if (hasSecrets) {
        notes.push(
            stackYaml.encryptionsalt
                ? `Pulumi.${stack}.yaml: encrypted values were not checked (no PULUMI_CONFIG_PASSPHRASE); they are set and secret.`
                : `Pulumi.${stack}.yaml: encrypted values use a secrets provider other than a passphrase and cannot be decrypted offline; they are set and secret.`,
        );
    }
    const config: Record<string, string> = {};
    const secretKeys: string[] = [];
    const qualify = (k: string) => (k.includes(":") ? k : `${PROJECT}:${k}`);
    for (const [k, decl] of Object.entries(project.config ?? {})) {
        if (decl && typeof decl === "object" && "default" in decl) {
            config[qualify(k)] = String(decl.default);
        }
    }
    for (const [k, v] of Object.entries(stackYaml.config ?? {})) {
        const key = qualify(k);
        const { value, secret } = replaceSecure(v, key, decrypt);
        if (secret) {
            secretKeys.push(key);
        }
        config[key] = typeof value === "string" ? value : JSON.stringify(value);
    }
    return { config, secretKeys, notes };
}

/** Encrypted values (`secure: ...`): decrypted when possible, else a recognisable placeholder stands in for them. */
function replaceSecure(v: unknown, at: string, decrypt?: Decrypt): { value: unknown; secret: boolean } {
    if (v && typeof v === "object" && !Array.isArray(v)) {
        const o = v as Record<string, unknown>;
        if (Object.keys(o).length === 1 && typeof o.secure === "string") {
            return { value: decrypt ? decrypt(o.secure) : `${OFFLINE_SECRET_PREFIX}${at}`, secret: true };
        }
        let secret = false;
        const out: Record<string, unknown> = {};
        for (const [k, val] of Object.entries(o)) {
            const r = replaceSecure(val, `${at}.${k}`, decrypt);
            secret ||= r.secret;
            out[k] = r.value;
        }
        return { value: out, secret };
    }
    if (Array.isArray(v)) {
        let secret = false;
        const out = v.map((x, i) => {
            const r = replaceSecure(x, `${at}[${i}]`, decrypt);
            secret ||= r.secret;
            return r.value;
        });
        return { value: out, secret };
    }
    return { value: v, secret: false };
}

export function listStacks(root: string = ROOT): string[] {
    return fs
        .readdirSync(root)
        .map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1])
        .filter((s): s is string => s !== undefined)
        .sort();
}

const runs = new Map<string, Promise<Run>>();

/**
 * Evaluates index.ts under mocks with the given config, as `pulumi preview` would. The program is deterministic in its
 * config and in the stack outputs it reads (it reads no environment), so a test process evaluates each such input once;
 * every caller gets its own copy of the lists to change as it likes.
 */
export async function runIndex(stack: string, config: Record<string, string>, secretKeys: string[] = [], root: string = ROOT): Promise<Run> {
    const key = JSON.stringify([stack, Object.entries(config).sort(), [...secretKeys].sort(), root, [...STACK_OUTPUTS.entries()].sort()]);
    if (!runs.has(key)) {
        runs.set(key, runIndexFresh(stack, config, secretKeys, root));
    }
    const run = await runs.get(key)!;
    return { ...run, resources: [...run.resources], calls: [...run.calls], unknownCalls: [...run.unknownCalls], warnings: [...run.warnings] };
}

/** Evaluates index.ts afresh (not from the process's cache): for tests of the program's determinism. */
export function runIndexFresh(stack: string, config: Record<string, string>, secretKeys: string[] = [], root: string = ROOT): Promise<Run> {
    return runMocked({
        stack,
        config,
        secretKeys,
        program: () => {
            const entry = require.resolve(path.join(root, "index.ts"));
            delete require.cache[entry];
            return require(entry);
        },
    });
}

/** Runs index.ts with a shipped stack file's config (plus overrides). */
export async function runStack(stack: string, overrides: Record<string, string> = {}, root: string = ROOT): Promise<Run> {
    const { config, secretKeys, notes } = stackFileConfig(stack, root);
    const run = await runIndex(stack, { ...config, ...overrides }, secretKeys, root);
    run.warnings.unshift(...notes);
    return run;
}

/** Resolves an Output's value (mocks run with preview=false, so every value is known). */
export function valueOf<T>(o: pulumi.Input<T> | undefined): Promise<T | undefined> {
    return new Promise((resolve) => pulumi.output(o).apply((v) => {
        resolve(v as T);
        return v;
    }));
}

/** The URN part of a provider reference `<urn>::<id>` (URNs themselves contain "::"). */
export function providerUrn(ref: string): string {
    return ref.slice(0, ref.lastIndexOf("::"));
}

/** Lookups over a run's records. */
export class Resources {
    constructor(readonly all: RecordedResource[]) {}

    ofType(type: string): RecordedResource[] {
        return this.all.filter((r) => r.type === type);
    }

    get(type: string, name: string): RecordedResource {
        const r = this.all.find((x) => x.type === type && x.name === name);
        if (!r) {
            const names = this.ofType(type).map((x) => x.name);
            throw new Error(`no ${type} named ${name}; have: ${names.join(", ") || "none"}`);
        }
        return r;
    }

    byUrn(urn: string): RecordedResource | undefined {
        return this.all.find((r) => r.urn === urn);
    }

    /** The recorded provider resource a resource was registered with. */
    providerOf(r: RecordedResource): RecordedResource | undefined {
        return r.provider ? this.byUrn(providerUrn(r.provider)) : undefined;
    }

    children(parent: RecordedResource): RecordedResource[] {
        return this.all.filter((r) => r.parent === parent.urn);
    }
}

/** A shipped stack's run, which must succeed, with lookups over its records. */
export async function runStackOk(stack: string, overrides: Record<string, string> = {}): Promise<{ run: Run; res: Resources }> {
    const run = await runStack(stack, overrides);
    if (run.error) {
        throw run.error;
    }
    return { run, res: new Resources(run.resources) };
}

/** A recorded resource built by hand, for tests of code that reads records (policies, the plan). */
export function recordedResource(type: string, name: string, inputs: Record<string, any>, stack = "prod-aws"): RecordedResource {
    return {
        type,
        name,
        urn: `urn:pulumi:${stack}::${PROJECT}::${type}::${name}`,
        custom: true,
        parent: "",
        dependencies: [],
        provider: type.startsWith("kubernetes:") ? `urn:pulumi:${stack}::${PROJECT}::pulumi:providers:kubernetes::cluster-k8s::id` : "",
        protect: false,
        ignoreChanges: [],
        deleteBeforeReplace: false,
        retainOnDelete: false,
        replaceOnChanges: [],
        additionalSecretOutputs: [],
        inputs,
        secretPaths: [],
    };
}

/** Every string value anywhere in a resource's inputs, with its path (to look for secrets outside secret paths). */
export function stringInputs(r: RecordedResource): [string, string][] {
    const out: [string, string][] = [];
    const walk = (v: unknown, at: string) => {
        if (typeof v === "string") out.push([at, v]);
        else if (Array.isArray(v)) v.forEach((x, i) => walk(x, `${at}[${i}]`));
        else if (v && typeof v === "object") for (const [k, x] of Object.entries(v)) walk(x, at ? `${at}.${k}` : k);
    };
    walk(r.inputs, "");
    return out;
}
