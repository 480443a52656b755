// Airflow's metadata database on GCP: Cloud SQL for PostgreSQL, regional (a standby in another zone) in prod, on a
// private IP reached through private services access, encrypted with a key in the stack's key ring, backed up with
// point-in-time recovery, TLS only.
import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { PORTS } from "../../../stacks/catalog";
import { METADATA_DATABASE, ManagedDatabaseSettings, weekdayNumber } from "../../../stacks/database";
import type { MetadataDatabase } from "../types";

/** Size of the range private services access reserves for Google's managed services (Cloud SQL needs at least a /24). */
export const PSA_PREFIX_LENGTH = 20;

/** Cloud SQL Enterprise keeps at most 7 days of transaction logs: that is the point-in-time window; daily backups are kept longer. */
export const MAX_TRANSACTION_LOG_DAYS = 7;

/** Settings of the instance; pure so tests read them without mocks. */
export function cloudSqlSettings(s: ManagedDatabaseSettings, network: pulumi.Input<string>, labels: Record<string, string>): gcp.types.input.sql.DatabaseInstanceSettings {
    const w = s.maintenanceWindow;
    return {
        tier: s.size,
        edition: "ENTERPRISE",
        availabilityType: s.highAvailability ? "REGIONAL" : "ZONAL",
        diskType: "PD_SSD",
        diskSize: s.storageGi,
        diskAutoresize: true,
        deletionProtectionEnabled: s.deletionProtection,
        ipConfiguration: { ipv4Enabled: false, privateNetwork: network, sslMode: "ENCRYPTED_ONLY" },
        backupConfiguration: {
            enabled: true,
            pointInTimeRecoveryEnabled: true,
            startTime: `${String((w.startHour + 22) % 24).padStart(2, "0")}:00`,
            transactionLogRetentionDays: Math.min(MAX_TRANSACTION_LOG_DAYS, s.backupRetentionDays),
            backupRetentionSettings: { retainedBackups: s.backupRetentionDays, retentionUnit: "COUNT" },
        },
        maintenanceWindow: { day: weekdayNumber(w.dayOfWeek, 7), hour: w.startHour, updateTrack: "stable" },
        userLabels: labels,
    };
}

export interface CloudSqlDatabaseArgs {
    project: string;
    region: string;
    clusterName: string;
    settings: ManagedDatabaseSettings;
    /** The VPC network as `projects/<p>/global/networks/<n>`. */
    network: pulumi.Input<string>;
    /** The stack created the network, so it also owns its private services access; an existing network brings its own. */
    createPrivateServicesAccess: boolean;
    /** The stack's key ring (prod): the database gets a key of its own there. Undefined: Google-managed encryption. */
    keyRing?: pulumi.Input<string>;
    labels: Record<string, string>;
}

/** `dataops:gcp.network` may be a name; Cloud SQL wants the network's path. */
export function networkPath(project: string, network: string): string {
    return network.includes("/") ? network.replace(/^https:\/\/www\.googleapis\.com\/compute\/v1\//, "") : `projects/${project}/global/networks/${network}`;
}

export class CloudSqlMetadataDatabase extends pulumi.ComponentResource {
    readonly database: MetadataDatabase;
    readonly instance: gcp.sql.DatabaseInstance;

    constructor(name: string, args: CloudSqlDatabaseArgs, opts?: pulumi.ComponentResourceOptions) {
        super("dataops:cluster:CloudSqlDatabase", name, {}, opts);
        const parent = { parent: this };
        const { project, settings: s } = args;
        const before: pulumi.Resource[] = [];

        if (args.createPrivateServicesAccess) {
            const range = new gcp.compute.GlobalAddress(
                `${name}-psa-range`,
                { project, name: `${args.clusterName}-psa`, purpose: "VPC_PEERING", addressType: "INTERNAL", prefixLength: PSA_PREFIX_LENGTH, network: args.network },
                parent,
            );
            // Abandoned on destroy: Google removes the peering only after every managed instance in it is gone.
            before.push(
                new gcp.servicenetworking.Connection(
                    `${name}-psa`,
                    { network: args.network, service: "servicenetworking.googleapis.com", reservedPeeringRanges: [range.name], deletionPolicy: "ABANDON" },
                    { parent: range },
                ),
            );
        }

        let encryptionKeyName: pulumi.Output<string> | undefined;
        if (args.keyRing !== undefined) {
            const key = new gcp.kms.CryptoKey(
                `${name}-key`,
                { keyRing: args.keyRing, name: "airflow-db", purpose: "ENCRYPT_DECRYPT", rotationPeriod: "7776000s", labels: args.labels },
                { ...parent, protect: s.protect },
            );
            // Cloud SQL's service agent may use this key only, not the cluster's Secrets key.
            const agent = new gcp.projects.ServiceIdentity(`${name}-sql-agent`, { project, service: "sqladmin.googleapis.com" }, parent);
            before.push(
                new gcp.kms.CryptoKeyIAMMember(
                    `${name}-key-sql`,
                    { cryptoKeyId: key.id, role: "roles/cloudkms.cryptoKeyEncrypterDecrypter", member: pulumi.interpolate`serviceAccount:${agent.email}` },
                    parent,
                ),
            );
            encryptionKeyName = key.id;
        }

        this.instance = new gcp.sql.DatabaseInstance(
            `${name}-instance`,
            {
                project,
                region: args.region,
                databaseVersion: `POSTGRES_${s.engineVersion}`,
                encryptionKeyName,
                deletionProtection: s.deletionProtection,
                settings: cloudSqlSettings(s, args.network, args.labels),
            },
            { ...parent, protect: s.protect, dependsOn: before },
        );
        const password = new random.RandomPassword(`${name}-password`, { length: 32, special: false }, parent);
        // Secret in state whatever the provider's schema says.
        const secret = pulumi.secret(password.result);
        const database = new gcp.sql.Database(`${name}-database`, { project, instance: this.instance.name, name: METADATA_DATABASE.name }, parent);
        const user = new gcp.sql.User(`${name}-user`, { project, instance: this.instance.name, name: METADATA_DATABASE.username, password: secret }, parent);

        this.database = {
            service: "cloudSql",
            host: this.instance.privateIpAddress,
            port: PORTS.airflowPostgres,
            database: METADATA_DATABASE.name,
            username: METADATA_DATABASE.username,
            password: secret,
            // Regional failover keeps the instance's private address, so the one address is the whole way in.
            cidrs: [pulumi.interpolate`${this.instance.privateIpAddress}/32`],
            ready: [this.instance, database, user],
        };
        this.registerOutputs({ privateIpAddress: this.instance.privateIpAddress, connectionName: this.instance.connectionName });
    }
}
