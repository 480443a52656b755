// Runs the CrossGuard policies offline on the resources the mocks harness records, the way the engine's analyzer would
// call them: one ResourceValidationArgs per resource, one StackValidationArgs for the stack. Used by the tests and by
// the plan's markdown view (pull requests without credentials get no `pulumi preview`, so no pack run otherwise).
import type {
    PolicyResource,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
} from "@pulumi/policy";
import { unknownCheckingProxy } from "@pulumi/policy";
import { policies as allPolicies } from "../policy/policies";
import { providerUrn, RecordedResource } from "../tests/harness";

export interface Violation {
    policy: string;
    urn: string;
    message: string;
}

export interface PolicyRun {
    violations: Violation[];
    /** Policy names that ran on at least one resource (or on the stack) without declaring themselves not applicable. */
    applied: string[];
}

type Policy = ResourceValidationPolicy | StackValidationPolicy;

/** Thrown by `notApplicable()`; the real analyzer records the reason, the offline runner just skips. */
class NotApplicable extends Error {}

function notApplicable(reason?: string): never {
    throw new NotApplicable(reason);
}

function matchesType(type: string) {
    return (cls: { __pulumiType?: string }) => cls.__pulumiType === type;
}

/** Policy resources with parents, providers and dependencies linked by URN, as the analyzer presents a stack. */
export function toPolicyResources(records: RecordedResource[]): PolicyResource[] {
    const byUrn = new Map<string, PolicyResource>();
    const out = records.map((r) => {
        const pr: PolicyResource = {
            type: r.type,
            // The analyzer hands policies this proxy, which throws on values unknown until the update.
            props: unknownCheckingProxy(r.inputs),
            urn: r.urn,
            name: r.name,
            opts: {
                protect: r.protect,
                ignoreChanges: r.ignoreChanges,
                deleteBeforeReplace: r.deleteBeforeReplace,
                aliases: [],
                customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
                additionalSecretOutputs: r.additionalSecretOutputs,
                parent: r.parent || undefined,
            },
            dependencies: [],
            propertyDependencies: {},
            isType: matchesType(r.type) as PolicyResource["isType"],
            asType: ((cls: { __pulumiType?: string }) => (cls.__pulumiType === r.type ? r.inputs : undefined)) as PolicyResource["asType"],
        };
        byUrn.set(r.urn, pr);
        return pr;
    });
    records.forEach((r, i) => {
        const pr = out[i];
        const provider = byUrn.get(providerUrn(r.provider));
        if (provider) {
            pr.provider = { type: provider.type, props: provider.props, urn: provider.urn, name: provider.name };
        }
        pr.parent = byUrn.get(r.parent);
        pr.dependencies = r.dependencies.map((u) => byUrn.get(u)).filter((x): x is PolicyResource => x !== undefined);
    });
    return out;
}

/** Runs every policy on every resource and on the stack. `config` is the pack config by policy name. */
export async function runPolicies(
    records: RecordedResource[],
    policies: Policy[] = allPolicies,
    config: Record<string, object> = {},
): Promise<PolicyRun> {
    const resources = toPolicyResources(records);
    const violations: Violation[] = [];
    const applied = new Set<string>();
    const stackTags: ReadonlyMap<string, string> = new Map();
    for (const policy of policies) {
        const getConfig = <T extends object>() => (config[policy.name] ?? {}) as T;
        const run = async (urn: string, fn: (report: (message: string, urn?: string) => void) => Promise<void> | void) => {
            try {
                await fn((message, at) => violations.push({ policy: policy.name, urn: at ?? urn, message }));
                applied.add(policy.name);
            } catch (e) {
                if (!(e instanceof NotApplicable)) {
                    throw e;
                }
            }
        };
        if ("validateStack" in policy) {
            const args: StackValidationArgs = { resources, stackTags, getConfig, notApplicable };
            await run("", (report) => policy.validateStack(args, report));
            continue;
        }
        const validations = policy.validateResource === undefined ? [] : [policy.validateResource].flat();
        for (const r of resources) {
            const args: ResourceValidationArgs = {
                type: r.type,
                props: r.props,
                urn: r.urn,
                name: r.name,
                opts: r.opts,
                provider: r.provider,
                stackTags,
                isType: r.isType,
                asType: r.asType as ResourceValidationArgs["asType"],
                getConfig,
                notApplicable,
            };
            for (const validate of validations) {
                await run(r.urn, (report) => validate(args, report));
            }
        }
    }
    return { violations, applied: policies.map((p) => p.name).filter((n) => applied.has(n)) };
}
