// Config rules specific to `dataops:cloud: gcp` (GKE).
import { z } from "zod";
import type { CloudValidationContext, CloudValidationResult } from "./context";

export const GKE_RELEASE_CHANNELS = ["RAPID", "REGULAR", "STABLE", "EXTENDED"] as const;

export const gcpSchema = z.strictObject({
    /** Use an existing VPC network (self link or name) instead of creating one; requires `subnetwork`. */
    network: z.string().min(1).optional(),
    subnetwork: z.string().min(1).optional(),
    releaseChannel: z.enum(GKE_RELEASE_CHANNELS).optional(),
    /** Google Group for RBAC: gke-security-groups@<your-domain>. */
    securityGroup: z.string().regex(/^gke-security-groups@[a-z0-9.-]+$/, "must be gke-security-groups@<your-domain>").optional(),
    /** GCS bucket for Airflow/Spark logs and data (created when absent). */
    dataBucket: z.string().regex(/^[a-z0-9][a-z0-9._-]{1,61}[a-z0-9]$/, "must be a valid GCS bucket name").optional(),
});

export type GcpInput = z.infer<typeof gcpSchema>;

/** GCP project IDs: 6-30 characters, lowercase letters, digits and hyphens, starting with a letter. */
export const GCP_PROJECT_ID = /^[a-z][a-z0-9-]{4,28}[a-z0-9]$/;
export const GCP_REGION_FORMAT = /^[a-z]+-[a-z]+\d+$/;

export const GCP_REGIONS = [
    "us-central1", "us-east1", "us-east4", "us-east5", "us-south1", "us-west1", "us-west2", "us-west3", "us-west4",
    "northamerica-northeast1", "northamerica-northeast2", "northamerica-south1", "southamerica-east1", "southamerica-west1",
    "europe-west1", "europe-west2", "europe-west3", "europe-west4", "europe-west6", "europe-west8", "europe-west9",
    "europe-west10", "europe-west12", "europe-north1", "europe-north2", "europe-central2", "europe-southwest1",
    "asia-east1", "asia-east2", "asia-northeast1", "asia-northeast2", "asia-northeast3", "asia-south1", "asia-south2",
    "asia-southeast1", "asia-southeast2", "australia-southeast1", "australia-southeast2", "me-central1", "me-central2",
    "me-west1", "africa-south1",
] as const;

export const GKE_VERSIONS = ["1.31", "1.32", "1.33", "1.34", "1.35"] as const;

export function validateGcp(ctx: CloudValidationContext): CloudValidationResult {
    void ctx;
    return { problems: [], warnings: [] };
}
