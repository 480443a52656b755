// Entry point of the configuration layer: reads the stack's config from the Pulumi runtime, validates it before any
// resource exists and returns the typed, defaulted platform config.
import * as pulumi from "@pulumi/pulumi";
import { loadConfig, PlatformConfig, PROJECT } from "./config";

export { PlatformConfig } from "./config";
export { ConfigError } from "./problems";

// The SDK knows which keys were set with --secret but exports the check only from its runtime module.
const { isConfigSecret } = require("@pulumi/pulumi/runtime/config") as { isConfigSecret: (key: string) => boolean };

export function readStackConfig(): PlatformConfig {
    const { config, warnings } = loadConfig(pulumi.runtime.allConfig(), pulumi.getStack(), PROJECT, isConfigSecret);
    for (const w of warnings) {
        void pulumi.log.warn(w);
    }
    return config;
}
