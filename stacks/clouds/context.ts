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
    /** `aws:profile`: the kubeconfig's `aws eks get-token` uses it too. */
    awsProfile?: string;
    /** `aws:assumeRoles` (JSON list) or `aws:assumeRole` (JSON object): the role the provider acts as. */
    awsAssumeRoles?: string;
    /** `gcp:impersonateServiceAccount`: gcloud (and so the GKE kubeconfig) impersonates it too. */
    gcpImpersonateServiceAccount?: string;
    /** `azure-native:tenantId`: kubelogin asks this tenant for tokens. */
    azureTenantId?: string;
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
