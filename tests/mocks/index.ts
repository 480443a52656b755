// Realistic outputs and invoke results for the mocks. Each cloud keeps its own table; unknown invokes return undefined
// so the harness records them instead of throwing.
import { awsCalls, awsOutputs } from "./aws";
import { azureCalls, azureOutputs } from "./azure";
import { gcpCalls, gcpOutputs } from "./gcp";

export type OutputsFn = (name: string, inputs: Record<string, any>) => Record<string, unknown>;
export type CallFn = (inputs: Record<string, any>) => Record<string, unknown>;

/** Outputs of other stacks (and of a stack's previous run) that StackReferences read, by fully qualified name. */
export const STACK_OUTPUTS = new Map<string, Record<string, unknown>>();

const coreOutputs: Record<string, OutputsFn> = {
    "pulumi:pulumi:StackReference": (_name, inputs) => ({ outputs: STACK_OUTPUTS.get(inputs.name) ?? {}, secretOutputNames: [] }),
    "kubernetes:helm.sh/v3:Release": (name, inputs) => ({
        status: { name: inputs.name ?? name, namespace: inputs.namespace, status: "deployed", version: inputs.version },
    }),
    "random:index/randomPassword:RandomPassword": (name) => ({ result: `mock-password-${name}`, bcryptHash: `$2a$10$mock-${name}` }),
    "random:index/randomString:RandomString": (name, inputs) => ({ result: `mock${name.replace(/[^a-z0-9]/g, "")}`.slice(0, inputs.length ?? 6) }),
    "random:index/randomBytes:RandomBytes": (name) => ({ base64: Buffer.from(`mock-bytes-${name}`.padEnd(32, "x").slice(0, 32)).toString("base64"), hex: "00" }),
};

const outputs: Record<string, OutputsFn> = { ...coreOutputs, ...awsOutputs, ...gcpOutputs, ...azureOutputs };
const calls: Record<string, CallFn> = { ...awsCalls, ...gcpCalls, ...azureCalls };

export function mockOutputs(type: string, name: string, inputs: Record<string, any>): Record<string, unknown> {
    return outputs[type]?.(name, inputs) ?? {};
}

export function mockCall(token: string, inputs: Record<string, any>): Record<string, unknown> | undefined {
    return calls[token]?.(inputs);
}
