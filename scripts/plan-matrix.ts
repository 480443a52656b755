// The CI matrix, derived from the shipped stack files so adding an environment is adding its Pulumi.<stack>.yaml:
// `npm run -s plan -- --matrix [--environment prod]` prints the JSON the workflows feed to `strategy.matrix.include`.
import { profileFor } from "../stacks/config";
import { listStacks, ROOT, stackFileConfig } from "../tests/harness";

/** GitHub environments, in deploy order. A stack's environment is its name up to the first '-' (prod-aws: prod). */
export const ENVIRONMENTS = ["dev", "staging", "prod"] as const;
export type Environment = (typeof ENVIRONMENTS)[number];

export interface MatrixEntry {
    stack: string;
    cloud: string;
    environment: Environment;
    /** The profile the program resolves (dataops:profile, or the stack name): the prod-only policies get it as config. */
    profile: "dev" | "prod";
}

export function environmentOf(stack: string): Environment {
    const prefix = stack.split("-")[0].toLowerCase();
    const env = ENVIRONMENTS.find((e) => e === prefix);
    if (!env) {
        throw new Error(`stack ${stack}: its name must start with one of ${ENVIRONMENTS.join(", ")} (then optionally "-<anything>") to map to a GitHub environment`);
    }
    return env;
}

/**
 * Stacks CI previews and deploys with cloud credentials, in deploy order. Local stacks are left out: CI has no cluster
 * for them, so they get the offline plan only.
 */
export function ciMatrix(environment?: string, root: string = ROOT): MatrixEntry[] {
    return listStacks(root)
        .map((stack) => {
            const config = stackFileConfig(stack, root).config;
            return { stack, cloud: config["dataops:cloud"] ?? "", environment: environmentOf(stack), profile: profileFor(stack, config["dataops:profile"]) };
        })
        .filter((e) => e.cloud !== "local" && (environment === undefined || e.environment === environment))
        .sort((a, b) => ENVIRONMENTS.indexOf(a.environment) - ENVIRONMENTS.indexOf(b.environment) || a.stack.localeCompare(b.stack));
}
