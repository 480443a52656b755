// Config rules specific to `dataops:cloud: gcp` (GKE).
import { z } from "zod";
import { contains, parseCidr } from "../cidr";
import type { Problem } from "../problems";
import type { CloudValidationContext, CloudValidationResult } from "./context";

export const GKE_RELEASE_CHANNELS = ["RAPID", "REGULAR", "STABLE", "EXTENDED"] as const;

export const gcpSchema = z.strictObject({
    /** Use an existing VPC network (self link or name) instead of creating one; requires `subnetwork`. */
    network: z.string().min(1).optional(),
    subnetwork: z.string().min(1).optional(),
    releaseChannel: z.enum(GKE_RELEASE_CHANNELS).optional(),
    /** Google Group for RBAC: gke-security-groups@<your-domain>. */
    securityGroup: z.string().regex(/^gke-security-groups@[a-z0-9.-]+$/, "must be gke-security-groups@<your-domain>").optional(),
    /** An existing GCS bucket for Airflow/Spark logs and data; when unset, `<project>-<cluster name>-data` is created. */
    dataBucket: z.string().regex(/^[a-z0-9][a-z0-9._-]{1,61}[a-z0-9]$/, "must be a valid GCS bucket name").optional(),
    /** Zone of the zonal dev cluster (default <gcp:region>-b); prod clusters are regional. */
    zone: z.string().regex(/^[a-z]+-[a-z]+\d+-[a-z]$/, "must be a zone like europe-west1-b").optional(),
    /** DNS-based control-plane endpoint authorised by IAM (default: on when the endpoint is private); CI deploys through it. */
    dnsEndpoint: z.boolean().optional(),
});

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

/** GKE cluster names: at most 40 characters, starting with a letter (stricter than a Kubernetes name). */
export const GKE_CLUSTER_NAME = /^[a-z]([-a-z0-9]{0,38}[a-z0-9])?$/;

/** Compute Engine machine types: e2-standard-4, n2-highmem-8, c3-standard-4-lssd, custom-4-16384. */
export const GCE_MACHINE_TYPE = /^[a-z][a-z0-9]*(-[a-z0-9]+)+$/;

/** Ranges GKE accepts in master authorized networks when the public endpoint is off (RFC 1918 and RFC 6598). */
export const INTERNAL_RANGES = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10"] as const;

const P = "dataops:";

export function validateGcp(ctx: CloudValidationContext): CloudValidationResult {
    const problems: Problem[] = [];
    const warnings: string[] = [];
    const { config, profile, providers } = ctx;
    const g = config.gcp ?? {};
    const cl = config.cluster ?? {};

    if (g.network !== undefined && g.subnetwork === undefined) {
        problems.push({
            key: `${P}gcp.subnetwork`,
            message: `is required when ${P}gcp.network is set (${g.network}): GKE needs the subnetwork its nodes use.`,
            fix: `set ${P}gcp.subnetwork to a subnetwork of that network in gcp:region, or remove ${P}gcp.network to have one created.`,
        });
    }
    if (g.subnetwork !== undefined && g.network === undefined) {
        problems.push({
            key: `${P}gcp.network`,
            message: `is required when ${P}gcp.subnetwork is set (${g.subnetwork}): the cluster must be told which VPC network it joins.`,
            fix: `set ${P}gcp.network to the subnetwork's VPC network, or remove ${P}gcp.subnetwork to have both created.`,
        });
    }

    const region = providers.gcpRegion ?? "";
    if (g.zone !== undefined) {
        if (!g.zone.startsWith(`${region}-`)) {
            problems.push({
                key: `${P}gcp.zone`,
                value: g.zone,
                message: `is not in gcp:region ${region}; the zonal cluster must be in the region of its network.`,
                fix: `use a zone of ${region}, such as ${region}-b.`,
            });
        } else if (profile === "prod") {
            warnings.push(`${P}gcp.zone "${g.zone}" is ignored in the prod profile: the cluster is regional across ${region}.`);
        }
    }

    if (cl.name !== undefined && !GKE_CLUSTER_NAME.test(cl.name)) {
        problems.push({
            key: `${P}cluster.name`,
            value: cl.name,
            message: "is not a valid GKE cluster name (at most 40 characters: lowercase letters, digits and '-', starting with a letter).",
            fix: `shorten it, e.g. to ${JSON.stringify(cl.name.replace(/^[^a-z]+/, "").slice(0, 40).replace(/-+$/, "") || "dataops")}.`,
        });
    }

    (cl.nodePools ?? []).forEach((pool, i) => {
        if (pool.machineType !== undefined && !GCE_MACHINE_TYPE.test(pool.machineType)) {
            problems.push({
                key: `${P}cluster.nodePools[${i}].machineType`,
                value: pool.machineType,
                message: "is not a Compute Engine machine type (those look like e2-standard-4 or n2-highmem-8).",
                fix: "pick one from `gcloud compute machine-types list --filter=zone:<zone>`.",
            });
        }
    });

    const privateEndpoint = (cl.endpointAccess ?? (profile === "prod" ? "private" : "public")) === "private";
    if (privateEndpoint) {
        const internal = INTERNAL_RANGES.map((r) => parseCidr(r)!);
        (cl.authorizedCidrs ?? []).forEach((c, i) => {
            const cidr = parseCidr(c);
            if (cidr && !internal.some((r) => contains(r, cidr))) {
                problems.push({
                    key: `${P}cluster.authorizedCidrs[${i}]`,
                    value: c,
                    message:
                        `is a public range, but the API endpoint is private (${P}cluster.endpointAccess private); ` +
                        `GKE only accepts internal ranges (${INTERNAL_RANGES.join(", ")}) for a private endpoint.`,
                    fix: `list the VPN, bastion or CI runner ranges inside the VPC, or set ${P}cluster.endpointAccess to public.`,
                });
            }
        });
        // With the DNS endpoint (the default), CI reaches the cluster from anywhere through IAM; without it, only the VPC can.
        if ((cl.authorizedCidrs ?? []).length === 0 && g.dnsEndpoint === false) {
            warnings.push(
                `${P}cluster.authorizedCidrs is empty, the GKE API endpoint is private and ${P}gcp.dnsEndpoint is false: only machines ` +
                    `inside the VPC network can reach the API, so run Pulumi from there, or remove ${P}gcp.dnsEndpoint (docs/day2.md 'GCP').`,
            );
        }
    }
    return { problems, warnings };
}
