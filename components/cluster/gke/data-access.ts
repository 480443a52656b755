// What pods need of the GCS data bucket on GKE, beside the bucket and Airflow's service account in gke.ts: where GCS is
// (Private Google Access's fixed range, made the answer for *.googleapis.com by a private DNS zone, so the egress
// NetworkPolicy can name it), and access per prefix through managed folders: Airflow's logs and the shared job data
// for the platform, `teams/<team>/` for the Spark service accounts of the namespaces each team owns. Spark service
// accounts are granted directly as Workload Identity principals, so no Google service account is shared between teams.
import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import { DATA_PREFIXES, DATA_SERVICE_ACCOUNTS } from "../../../stacks/catalog";
import type { PlatformConfig } from "../../../stacks/config";
import { DATA_BUCKET_ROLE } from "./plan";

/** private.googleapis.com: the documented range of Private Google Access, and the four addresses DNS answers with. */
export const PRIVATE_GOOGLE_APIS = { cidr: "199.36.153.8/30", addresses: ["199.36.153.8", "199.36.153.9", "199.36.153.10", "199.36.153.11"] } as const;

/** A managed folder of the data bucket and who may use its objects. */
export interface FolderGrant {
    /** Managed folder name, with the trailing '/' GCS requires. */
    folder: string;
    /** Google service accounts of the platform (Airflow) with access. */
    platform: boolean;
    /** Kubernetes service accounts with access, as Workload Identity principals. */
    ksas: { namespace: string; serviceAccount: string }[];
}

/** The folders and their grants for a config: the platform's two, then one per team that owns namespaces. */
export function folderGrants(cfg: Pick<PlatformConfig, "airflow" | "spark" | "teams">): FolderGrant[] {
    const spark = (namespaces: string[]) =>
        cfg.spark.enabled ? namespaces.flatMap((namespace) => DATA_SERVICE_ACCOUNTS.sparkJobs.map((serviceAccount) => ({ namespace, serviceAccount }))) : [];
    return [
        { folder: `${DATA_PREFIXES.airflowLogs}/`, platform: cfg.airflow.enabled, ksas: [] },
        { folder: `${DATA_PREFIXES.sharedJobs}/`, platform: cfg.airflow.enabled, ksas: spark([cfg.spark.jobNamespace]) },
        ...cfg.teams
            .filter((t) => (t.ownNamespaces ?? []).length > 0 && cfg.spark.enabled)
            .map((t) => ({ folder: `${DATA_PREFIXES.team(t.name)}/`, platform: false, ksas: spark(t.ownNamespaces ?? []) })),
    ];
}

/** The IAM principal of a Kubernetes service account under Workload Identity Federation for GKE (no Google SA). */
export function ksaPrincipal(projectNumber: string, project: string, ksa: { namespace: string; serviceAccount: string }): string {
    return `principal://iam.googleapis.com/projects/${projectNumber}/locations/global/workloadIdentityPools/${project}.svc.id.goog/subject/ns/${ksa.namespace}/sa/${ksa.serviceAccount}`;
}

/** Managed folders with their grants; returns what must exist before pods use the bucket. */
export function createFolderGrants(
    name: string,
    args: { project: string; bucket: pulumi.Input<string>; platformMember: pulumi.Input<string>; grants: FolderGrant[]; cluster: pulumi.Resource },
    parent: pulumi.Resource,
): pulumi.Resource[] {
    const projectNumber = gcp.organizations.getProjectOutput({ projectId: args.project }, { parent }).number;
    const out: pulumi.Resource[] = [];
    for (const g of args.grants) {
        if (!g.platform && g.ksas.length === 0) {
            continue;
        }
        const key = g.folder.replace(/\/$/, "").replace(/\//g, "-");
        // Deleting the stack's grants must not delete the data under them.
        const folder = new gcp.storage.ManagedFolder(`${name}-folder-${key}`, { bucket: args.bucket, name: g.folder, forceDestroy: false }, { parent });
        const member = (suffix: string, m: pulumi.Input<string>, dependsOn: pulumi.Resource[] = []) =>
            out.push(
                new gcp.storage.ManagedFolderIamMember(
                    `${name}-folder-${key}-${suffix}`,
                    { bucket: args.bucket, managedFolder: folder.name, role: DATA_BUCKET_ROLE, member: m },
                    { parent: folder, dependsOn },
                ),
            );
        if (g.platform) {
            member("platform", args.platformMember);
        }
        for (const k of g.ksas) {
            // Workload Identity principals only resolve once the cluster created the pool.
            member(`${k.namespace}-${k.serviceAccount}`, projectNumber.apply((n) => ksaPrincipal(n, args.project, k)), [args.cluster]);
        }
    }
    return out;
}

/**
 * A private zone that answers *.googleapis.com with private.googleapis.com inside the network, so pods reach GCS on
 * the fixed Private Google Access range the egress NetworkPolicy names. Only for a network this program created: an
 * existing network keeps its own DNS (docs/teams.md says what it needs).
 */
export function privateGoogleApisDns(
    name: string,
    args: { project: string; clusterName: string; network: pulumi.Input<string>; labels: Record<string, string> },
    parent: pulumi.Resource,
): pulumi.Resource[] {
    const zone = new gcp.dns.ManagedZone(
        `${name}-googleapis`,
        {
            project: args.project,
            // Zone names are unique per project: the cluster name keeps stacks sharing a project apart.
            name: `${args.clusterName}-googleapis`.slice(0, 63),
            dnsName: "googleapis.com.",
            description: "googleapis.com through Private Google Access (private.googleapis.com)",
            visibility: "private",
            privateVisibilityConfig: { networks: [{ networkUrl: args.network }] },
            labels: args.labels,
        },
        { parent },
    );
    return [
        new gcp.dns.RecordSet(
            `${name}-googleapis-private`,
            { project: args.project, managedZone: zone.name, name: "private.googleapis.com.", type: "A", ttl: 300, rrdatas: [...PRIVATE_GOOGLE_APIS.addresses] },
            { parent: zone },
        ),
        new gcp.dns.RecordSet(
            `${name}-googleapis-wildcard`,
            { project: args.project, managedZone: zone.name, name: "*.googleapis.com.", type: "CNAME", ttl: 300, rrdatas: ["private.googleapis.com."] },
            { parent: zone },
        ),
    ];
}
