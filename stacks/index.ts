// Entry point of the configuration layer: reads the stack's config from the Pulumi runtime, validates it before any
// resource exists and returns the typed, defaulted platform config.
import * as pulumi from "@pulumi/pulumi";
import * as fs from "fs";
import { loadConfig, PlatformConfig, PROJECT, StackFileText } from "./config";

export { PlatformConfig } from "./config";
export { ConfigError } from "./problems";

// The SDK knows which keys were set with --secret but exports the check only from its runtime module.
const { isConfigSecret } = require("@pulumi/pulumi/runtime/config") as { isConfigSecret: (key: string) => boolean };

/** Pulumi runs the program in the project directory, where the stack file is (when it is a file, not a Pulumi Cloud stack). */
function stackFile(stack: string): StackFileText | undefined {
    const name = `Pulumi.${stack}.yaml`;
    return fs.existsSync(name) ? { name, text: fs.readFileSync(name, "utf8") } : undefined;
}

export function readStackConfig(): PlatformConfig {
    const stack = pulumi.getStack();
    const { config, warnings } = loadConfig(pulumi.runtime.allConfig(), stack, PROJECT, isConfigSecret, stackFile(stack));
    for (const w of warnings) {
        void pulumi.log.warn(w);
    }
    return config;
}
