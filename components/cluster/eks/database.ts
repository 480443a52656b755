// Airflow's metadata database on AWS: RDS for PostgreSQL (Multi-AZ in prod) in subnets of its own, admitting only the
// cluster's node/pod network on 5432, encrypted with the stack's KMS key, backed up with point-in-time recovery and TLS
// forced by its parameter group. A Multi-AZ DB instance rather than Aurora: Airflow's metadata is a small write-mostly
// database, and one synchronous standby gives automatic failover at about half of Aurora's two-instance price.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { PORTS } from "../../../stacks/catalog";
import { parseCidr, subnet } from "../../../stacks/cidr";
import { METADATA_DATABASE, ManagedDatabaseSettings, weekdayNumber } from "../../../stacks/database";
import type { MetadataDatabase } from "../types";
import { ZONE_COUNT } from "./plan";

/**
 * The database's own /28 subnets, one per zone, at the start of the last sixteenth of the VPC, which the node and
 * load-balancer subnets leave free: only the database lives there, so Airflow's egress to them opens nothing else.
 */
export function databaseSubnetCidrs(networkCidr: string): string[] {
    const p = parseCidr(networkCidr);
    if (!p) {
        throw new Error(`networkCidr ${networkCidr} is not an IPv4 CIDR`);
    }
    const free = subnet(networkCidr, p.prefix + 4, 15);
    return [...Array(ZONE_COUNT).keys()].map((i) => subnet(free, 28, i));
}

const DAYS = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"] as const;
const hh = (h: number) => `${String((h + 24) % 24).padStart(2, "0")}:00`;

/** RDS windows: a one-hour weekly maintenance window, and the daily backup in the two hours before it (they must not overlap). */
export function rdsWindows(w: ManagedDatabaseSettings["maintenanceWindow"]): { maintenanceWindow: string; backupWindow: string } {
    const day = DAYS[weekdayNumber(w.dayOfWeek, 0)];
    const next = DAYS[(weekdayNumber(w.dayOfWeek, 0) + (w.startHour === 23 ? 1 : 0)) % 7];
    return {
        maintenanceWindow: `${day}:${hh(w.startHour)}-${next}:${hh(w.startHour + 1)}`,
        backupWindow: `${hh(w.startHour - 2)}-${hh(w.startHour - 1)}`,
    };
}

/** Parameters every metadata instance gets: no plaintext connections. */
export const RDS_PARAMETERS = [{ name: "rds.force_ssl", value: "1" }];

export interface RdsDatabaseArgs {
    /** Names the instance (`airflow-<cluster>`) and its subnet and parameter groups. */
    clusterName: string;
    settings: ManagedDatabaseSettings;
    vpcId: pulumi.Input<string>;
    /** A new VPC gets dedicated database subnets; an existing one lends its private subnets. */
    subnets: { networkCidr: string; zones: pulumi.Input<string[]> } | { ids: pulumi.Input<string>[]; cidrs: pulumi.Input<string>[] };
    /** Where nodes and pods have their addresses (the VPC CNI gives pods node-subnet addresses). */
    clientCidrs: pulumi.Input<string>[];
    kmsKeyArn: pulumi.Input<string>;
    tags: Record<string, string>;
}

export class RdsMetadataDatabase extends pulumi.ComponentResource {
    readonly database: MetadataDatabase;
    readonly instance: aws.rds.Instance;

    constructor(name: string, args: RdsDatabaseArgs, opts?: pulumi.ComponentResourceOptions) {
        super("dataops:cluster:RdsDatabase", name, {}, opts);
        const parent = { parent: this };
        const s = args.settings;
        // RDS identifiers refuse consecutive hyphens, which a cluster name may hold.
        const id = `airflow-${args.clusterName}`.replace(/-{2,}/g, "-");
        const tags = { ...args.tags, Name: id };

        let subnetIds: pulumi.Input<string>[];
        let cidrs: pulumi.Input<string>[];
        if ("networkCidr" in args.subnets) {
            const { zones } = args.subnets;
            cidrs = databaseSubnetCidrs(args.subnets.networkCidr);
            // No route table of their own: the VPC's main table routes only inside the VPC, so the database has no way out.
            subnetIds = cidrs.map(
                (cidr, i) =>
                    new aws.ec2.Subnet(
                        `${name}-subnet-${i + 1}`,
                        { vpcId: args.vpcId, cidrBlock: cidr, availabilityZone: pulumi.output(zones).apply((z) => z[i]), mapPublicIpOnLaunch: false, tags: { ...tags, Name: `${id}-${i + 1}` } },
                        parent,
                    ).id,
            );
        } else {
            subnetIds = args.subnets.ids;
            cidrs = args.subnets.cidrs;
        }
        const subnetGroup = new aws.rds.SubnetGroup(`${name}-subnets`, { name: id, description: `Airflow metadata database of ${args.clusterName}`, subnetIds, tags }, parent);

        const sg = new aws.ec2.SecurityGroup(`${name}-sg`, { vpcId: args.vpcId, description: `Airflow metadata database of ${args.clusterName}`, tags }, parent);
        args.clientCidrs.forEach(
            (cidr, i) =>
                new aws.vpc.SecurityGroupIngressRule(
                    `${name}-from-nodes-${i + 1}`,
                    { securityGroupId: sg.id, cidrIpv4: cidr, ipProtocol: "tcp", fromPort: PORTS.airflowPostgres, toPort: PORTS.airflowPostgres, description: "PostgreSQL from the cluster's nodes and pods", tags },
                    { parent: sg },
                ),
        );

        const family = `postgres${s.engineVersion}`;
        const parameters = new aws.rds.ParameterGroup(
            `${name}-parameters`,
            { namePrefix: `${id}-${family}-`, family, description: "Airflow metadata: TLS only", parameters: RDS_PARAMETERS, tags },
            parent,
        );

        const password = new random.RandomPassword(`${name}-password`, { length: 32, special: false }, parent);
        // Secret in state whatever the provider's schema says.
        const secret = pulumi.secret(password.result);
        const windows = rdsWindows(s.maintenanceWindow);
        const prod = s.protect;
        this.instance = new aws.rds.Instance(
            `${name}-instance`,
            {
                identifier: id,
                engine: "postgres",
                // A major version: RDS applies minor versions itself in the maintenance window. A major upgrade happens
                // only when engineVersion changes in config, and then in the window too (docs/database.md).
                engineVersion: s.engineVersion,
                autoMinorVersionUpgrade: true,
                allowMajorVersionUpgrade: true,
                instanceClass: s.size,
                allocatedStorage: s.storageGi,
                // Storage autoscaling up to four times the initial size.
                maxAllocatedStorage: s.storageGi * 4,
                storageType: "gp3",
                storageEncrypted: true,
                kmsKeyId: args.kmsKeyArn,
                multiAz: s.highAvailability,
                dbSubnetGroupName: subnetGroup.name,
                vpcSecurityGroupIds: [sg.id],
                publiclyAccessible: false,
                parameterGroupName: parameters.name,
                dbName: METADATA_DATABASE.name,
                username: METADATA_DATABASE.username,
                password: secret,
                port: PORTS.airflowPostgres,
                backupRetentionPeriod: s.backupRetentionDays,
                backupWindow: windows.backupWindow,
                maintenanceWindow: windows.maintenanceWindow,
                copyTagsToSnapshot: true,
                deletionProtection: s.deletionProtection,
                skipFinalSnapshot: !prod,
                finalSnapshotIdentifier: prod ? `${id}-final` : undefined,
                enabledCloudwatchLogsExports: ["postgresql", "upgrade"],
                performanceInsightsEnabled: prod,
                performanceInsightsKmsKeyId: prod ? args.kmsKeyArn : undefined,
                // Changes wait for the maintenance window instead of restarting the database during the day.
                applyImmediately: false,
                tags,
            },
            { ...parent, protect: s.protect },
        );

        this.database = {
            service: "rds",
            host: this.instance.address,
            port: PORTS.airflowPostgres,
            database: METADATA_DATABASE.name,
            username: METADATA_DATABASE.username,
            password: secret,
            cidrs,
            ready: [this.instance],
        };
        this.registerOutputs({ endpoint: this.instance.endpoint });
    }
}
