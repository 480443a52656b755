import type { Problem } from "../problems";
import type { Profile, RawPlatformConfig } from "../schema";

/** Provider settings read from the providers' own config keys. */
export interface ProviderSettings {
    /** `aws:region` */
    awsRegion?: string;
    /** `gcp:project` */
    gcpProject?: string;
    /** `gcp:region` */
    gcpRegion?: string;
    /** `azure-native:location` */
    azureLocation?: string;
}

/** What a cloud's validator sees: the schema-valid config, the profile and the provider settings. */
export interface CloudValidationContext {
    stack: string;
    profile: Profile;
    config: RawPlatformConfig;
    providers: ProviderSettings;
}

export interface CloudValidationResult {
    problems: Problem[];
    warnings: string[];
}
