// Entry point of the configuration layer: reads the stack's config from the Pulumi runtime, validates it before any
// resource exists and returns the typed, defaulted platform config.
import * as pulumi from "@pulumi/pulumi";
import { loadConfig, PlatformConfig, PROJECT } from "./config";

export { PlatformConfig } from "./config";
export { ConfigError } from "./problems";

export function readStackConfig(): PlatformConfig {
    const { config, warnings } = loadConfig(pulumi.runtime.allConfig(), pulumi.getStack(), PROJECT);
    for (const w of warnings) {
        void pulumi.log.warn(w);
    }
    return config;
}
