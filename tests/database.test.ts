// Airflow's metadata database (issue 19): the mode and settings from config, the managed instance per cloud (HA, private,
// encrypted with the stack key, backed up, protected in prod), the Secret Airflow reads built from its outputs, and
// Airflow's egress opened to exactly the database's addresses and port.
import * as assert from "assert";
import { databaseSubnetCidr, flexibleServerSettings } from "../components/cluster/aks/database";
import { nodeSubnetCidr } from "../components/cluster/aks/settings";
import { databaseSubnetCidrs, RDS_PARAMETERS, rdsWindows } from "../components/cluster/eks/database";
import { subnetPlan } from "../components/cluster/eks/plan";
import { cloudSqlSettings, networkPath } from "../components/cluster/gke/database";
import { contains, overlaps, parseCidr } from "../stacks/cidr";
import { loadConfig } from "../stacks/config";
import { ManagedDatabaseSettings } from "../stacks/database";
import { plaintextSecretPaths } from "../policy/policies";
import { brief, configProblems } from "./config-problems";
import { RecordedResource, Resources, Run, runIndex, runStackOk, stackFileConfig, stringInputs, valueOf } from "./harness";
import { MOCK_ACCOUNT } from "./mocks/aws";
import { MOCK_AZURE } from "./mocks/azure";
import { MOCK_CLOUD_SQL_IP, MOCK_GCP_PROJECT_NUMBER } from "./mocks/gcp";

const obj = (v: unknown) => JSON.stringify(v);
const problemsOf = (raw: Record<string, string>, stack = "dev"): string[] => configProblems(raw, stack).map(brief);
const AWS = { "dataops:cloud": "aws", "aws:region": "eu-west-1", "dataops:aws": obj({ adminRoleArns: ["arn:aws:iam::123456789012:role/admin"] }) };
const GCP = { "dataops:cloud": "gcp", "gcp:region": "europe-west1", "gcp:project": "acme-data-1" };
const AZURE = { "dataops:cloud": "azure", "azure-native:location": "westeurope" };
const RELEASE = "kubernetes:helm.sh/v3:Release";
const SECRET = "kubernetes:core/v1:Secret";
const POLICY = "kubernetes:networking.k8s.io/v1:NetworkPolicy";
const PROD_SETTINGS: ManagedDatabaseSettings = {
    engineVersion: "17",
    size: "x",
    storageGi: 128,
    backupRetentionDays: 14,
    maintenanceWindow: { dayOfWeek: "Sunday", startHour: 3 },
    highAvailability: true,
    deletionProtection: true,
    protect: true,
};

describe("metadata database config", () => {
    it("defaults to managed for prod on a cloud, bundled for dev and local, external when a URL is given", () => {
        const prod = loadConfig(AWS, "prod").config.airflow;
        assert.strictEqual(prod.database, "managed");
        assert.deepStrictEqual(prod.managedDatabase, {
            engineVersion: "17",
            size: "db.m7g.large",
            storageGi: 128,
            backupRetentionDays: 14,
            maintenanceWindow: { dayOfWeek: "Sunday", startHour: 3 },
            highAvailability: true,
            deletionProtection: true,
            protect: true,
        });
        assert.strictEqual(loadConfig(GCP, "prod").config.airflow.managedDatabase?.size, "db-custom-2-8192");
        assert.strictEqual(loadConfig(AZURE, "prod").config.airflow.managedDatabase?.size, "Standard_D2ds_v5");
        const dev = loadConfig(AWS, "dev").config.airflow;
        assert.deepStrictEqual([dev.database, dev.managedDatabase], ["bundled", undefined]);
        assert.strictEqual(loadConfig({ "dataops:cloud": "local" }, "prod").config.airflow.database, "bundled");
        const external = loadConfig({ ...AWS, "dataops:airflow": obj({ metadataConnection: "postgresql://a:b@db:5432/airflow" }) }, "prod");
        assert.deepStrictEqual([external.config.airflow.database, external.config.airflow.managedDatabase], ["external", undefined]);
        assert.deepStrictEqual(external.warnings.filter((w) => /database|metadata/.test(w)), []);
    });

    it("takes dev's managed database single-zone and unprotected, with sizes and windows from config", () => {
        const raw = { ...AWS, "dataops:airflow": obj({ database: "managed", managedDatabase: { engineVersion: 16, size: "db.r7g.large", storageGi: 50, backupRetentionDays: 21, maintenanceWindow: { dayOfWeek: "Tuesday", startHour: 1 } } }) };
        assert.deepStrictEqual(loadConfig(raw, "dev").config.airflow.managedDatabase, {
            engineVersion: "16",
            size: "db.r7g.large",
            storageGi: 50,
            backupRetentionDays: 21,
            maintenanceWindow: { dayOfWeek: "Tuesday", startHour: 1 },
            highAvailability: false,
            deletionProtection: false,
            protect: false,
        });
    });

    it("refuses a managed database on the local cloud", () => {
        assert.deepStrictEqual(problemsOf({ "dataops:cloud": "local", "dataops:airflow": obj({ database: "managed" }) }), [
            "dataops:airflow.database: is not available on the local cloud: there is no cloud account to create a database in. " +
                "Fix: use bundled (the chart's PostgreSQL), or external with dataops:airflow.metadataConnection set as a secret.",
        ]);
        assert.match(configProblems({ "dataops:cloud": "local", "dataops:airflow": obj({ database: "manged" }) })[0].message, /^must be one of bundled, managed, external\. Did you mean "managed"\?$/);
    });

    it("refuses external without a URL and a URL beside another mode, never echoing the URL", () => {
        assert.deepStrictEqual(problemsOf({ ...AWS, "dataops:airflow": obj({ database: "external" }) }), [
            "dataops:airflow.database: needs dataops:airflow.metadataConnection (or an existing dataops:airflow.metadataSecretName): nothing says where the database is. " +
                "Fix: pulumi config set --secret --path dataops:airflow.metadataConnection postgresql://airflow:<password>@<host>:5432/airflow",
        ]);
        const both = configProblems({ ...AWS, "dataops:airflow": obj({ database: "managed", metadataConnection: "postgresql://a:pw-xyz@db:5432/airflow" }) }, "prod");
        assert.deepStrictEqual(both.map(brief), [
            "dataops:airflow.database: contradicts dataops:airflow.metadataConnection, which names an external database. " +
                "Fix: set dataops:airflow.database to external, or remove the external database settings.",
        ]);
        assert.ok(!JSON.stringify(both).includes("pw-xyz"));
    });

    it("validates the engine version, the size per cloud and Azure's storage sizes", () => {
        const managed = (m: unknown) => obj({ database: "managed", managedDatabase: m });
        assert.deepStrictEqual(problemsOf({ ...AWS, "dataops:airflow": managed({ engineVersion: 12 }) }), [
            "dataops:airflow.managedDatabase.engineVersion: is not a PostgreSQL major version that RDS, Cloud SQL and Flexible Server all offer and Airflow 3 supports (14, 15, 16, 17). " +
                "Fix: use 17, or the version the database runs today (major upgrades: docs/database.md).",
        ]);
        assert.deepStrictEqual(problemsOf({ ...AWS, "dataops:airflow": managed({ engineVersion: "16.4" }) }), [
            'dataops:airflow.managedDatabase.engineVersion: must be a PostgreSQL major version like "17".',
        ]);
        assert.deepStrictEqual(problemsOf({ ...AWS, "dataops:airflow": managed({ size: "m7g.large" }) }), [
            "dataops:airflow.managedDatabase.size: is not an RDS instance class. Fix: use a size like db.m7g.large.",
        ]);
        assert.deepStrictEqual(problemsOf({ ...GCP, "dataops:airflow": managed({ size: "db-f1-micro" }) }), [
            "dataops:airflow.managedDatabase.size: is not a Cloud SQL Enterprise tier (db-custom-<vCPUs>-<MiB>; shared-core tiers have no SLA). Fix: use a size like db-custom-2-8192.",
        ]);
        assert.deepStrictEqual(problemsOf({ ...AZURE, "dataops:airflow": managed({ size: "GP_Gen5_2", storageGi: 100 }) }), [
            "dataops:airflow.managedDatabase.size: is not a Flexible Server SKU (Burstable B, General Purpose D or Memory Optimized E). Fix: use a size like Standard_D2ds_v5.",
            "dataops:airflow.managedDatabase.storageGi: is not a size Flexible Server offers (32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384, 32767). Fix: use 128.",
        ]);
        assert.deepStrictEqual(problemsOf({ ...AZURE, "dataops:airflow": obj({ managedDatabase: { size: "Standard_B2ms" } }) }, "prod"), [
            "dataops:airflow.managedDatabase.size: is a Burstable SKU, which Flexible Server cannot make zone-redundant (prod runs a standby in another zone). " +
                "Fix: use a General Purpose or Memory Optimized SKU such as Standard_D2ds_v5.",
        ]);
        assert.deepStrictEqual(problemsOf({ ...AZURE, "dataops:airflow": managed({ size: "Standard_B2ms", storageGi: 64 }) }), []);
    });

    it("warns about ignored settings, a bundled prod database and an existing GCP network's private services access", () => {
        assert.deepStrictEqual(loadConfig({ ...AWS, "dataops:airflow": obj({ managedDatabase: { storageGi: 50 } }) }, "dev").warnings, [
            "dataops:airflow.managedDatabase only applies when dataops:airflow.database is managed (it is bundled); it is ignored.",
        ]);
        assert.deepStrictEqual(loadConfig({ ...AWS, "dataops:airflow": obj({ database: "bundled" }) }, "prod").warnings.filter((w) => /database/.test(w)), [
            "dataops:airflow.database is bundled in the prod profile: the chart's PostgreSQL is a single pod without backups. Use managed (the prod default on aws) or external.",
        ]);
        assert.deepStrictEqual(loadConfig({ "dataops:cloud": "local" }, "prod").warnings, [
            "dataops:airflow.database is bundled in the prod profile: the chart's PostgreSQL is a single pod without backups. " +
                "Set an external database URL as a secret: pulumi config set --secret --path dataops:airflow.metadataConnection <url>.",
        ]);
        const existing = loadConfig({ ...GCP, "dataops:gcp": obj({ network: "shared-vpc", subnetwork: "gke-nodes" }) }, "prod").warnings;
        assert.ok(
            existing.includes(
                "dataops:gcp.network is an existing network: the managed database uses its private services access, which must already be configured there " +
                    "(a network has one servicenetworking connection, owned by whoever created it); see docs/database.md.",
            ),
            existing.join("\n"),
        );
    });

    it("lets every shipped prod stack create its managed database without warnings about it", () => {
        for (const stack of ["prod-aws", "prod-gcp", "prod-azure"]) {
            const { config, warnings } = loadConfig(stackFileConfig(stack).config, stack);
            assert.strictEqual(config.airflow.database, "managed", stack);
            assert.deepStrictEqual(warnings.filter((w) => /database|metadata/.test(w)), [], stack);
        }
    });
});

describe("metadata database plans (pure)", () => {
    it("gives RDS three /28 subnets of its own, clear of the node and load-balancer subnets", () => {
        const db = databaseSubnetCidrs("10.10.0.0/16");
        assert.deepStrictEqual(db, ["10.10.240.0/28", "10.10.240.16/28", "10.10.240.32/28"]);
        const plan = subnetPlan("10.10.0.0/16");
        for (const c of db) {
            for (const other of [...plan.private, ...plan.public]) {
                assert.ok(!overlaps(parseCidr(c)!, parseCidr(other)!), `${c} overlaps ${other}`);
            }
        }
        assert.deepStrictEqual(databaseSubnetCidrs("10.0.0.0/22"), ["10.0.3.192/28", "10.0.3.208/28", "10.0.3.224/28"]);
    });

    it("puts RDS backups in the two hours before a one-hour weekly maintenance window and forces TLS", () => {
        assert.deepStrictEqual(rdsWindows({ dayOfWeek: "Sunday", startHour: 3 }), { maintenanceWindow: "sun:03:00-sun:04:00", backupWindow: "01:00-02:00" });
        assert.deepStrictEqual(rdsWindows({ dayOfWeek: "Saturday", startHour: 23 }), { maintenanceWindow: "sat:23:00-sun:00:00", backupWindow: "21:00-22:00" });
        assert.deepStrictEqual(rdsWindows({ dayOfWeek: "Monday", startHour: 0 }), { maintenanceWindow: "mon:00:00-mon:01:00", backupWindow: "22:00-23:00" });
        assert.deepStrictEqual(RDS_PARAMETERS, [{ name: "rds.force_ssl", value: "1" }]);
    });

    it("makes Cloud SQL regional, private-only, TLS-only, with backups, 7 days of point-in-time logs and a stable maintenance track", () => {
        assert.deepStrictEqual(cloudSqlSettings({ ...PROD_SETTINGS, size: "db-custom-2-8192" }, "projects/p/global/networks/n", { stack: "prod" }), {
            tier: "db-custom-2-8192",
            edition: "ENTERPRISE",
            availabilityType: "REGIONAL",
            diskType: "PD_SSD",
            diskSize: 128,
            diskAutoresize: true,
            deletionProtectionEnabled: true,
            ipConfiguration: { ipv4Enabled: false, privateNetwork: "projects/p/global/networks/n", sslMode: "ENCRYPTED_ONLY" },
            backupConfiguration: {
                enabled: true,
                pointInTimeRecoveryEnabled: true,
                startTime: "01:00",
                transactionLogRetentionDays: 7,
                backupRetentionSettings: { retainedBackups: 14, retentionUnit: "COUNT" },
            },
            maintenanceWindow: { day: 7, hour: 3, updateTrack: "stable" },
            userLabels: { stack: "prod" },
        });
        assert.strictEqual(cloudSqlSettings({ ...PROD_SETTINGS, highAvailability: false }, "n", {}).availabilityType, "ZONAL");
        assert.strictEqual(networkPath("p1", "shared"), "projects/p1/global/networks/shared");
        assert.strictEqual(networkPath("p1", "https://www.googleapis.com/compute/v1/projects/host/global/networks/shared"), "projects/host/global/networks/shared");
    });

    it("makes Flexible Server zone-redundant with a custom window, password auth only and the VNet's last /28 delegated", () => {
        assert.deepStrictEqual(flexibleServerSettings({ ...PROD_SETTINGS, size: "Standard_D2ds_v5" }), {
            version: "17",
            sku: { name: "Standard_D2ds_v5", tier: "GeneralPurpose" },
            storage: { storageSizeGB: 128, autoGrow: "Enabled", type: "Premium_LRS" },
            backup: { backupRetentionDays: 14, geoRedundantBackup: "Disabled" },
            highAvailability: { mode: "ZoneRedundant" },
            maintenanceWindow: { customWindow: "Enabled", dayOfWeek: 0, startHour: 3, startMinute: 0 },
            authConfig: { passwordAuth: "Enabled", activeDirectoryAuth: "Disabled" },
        });
        assert.deepStrictEqual(flexibleServerSettings({ ...PROD_SETTINGS, size: "Standard_B2ms", highAvailability: false }).sku, { name: "Standard_B2ms", tier: "Burstable" });
        assert.strictEqual(databaseSubnetCidr("10.20.0.0/16"), "10.20.255.240/28");
        assert.ok(!overlaps(parseCidr(databaseSubnetCidr("10.20.0.0/23"))!, parseCidr(nodeSubnetCidr("10.20.0.0/23"))!));
    });
});


const PASSWORD = "mock-password-cluster-airflow-db-password";

/**
 * What the platform side must show for any cloud: the Secret Airflow reads is built from the instance's outputs and
 * secret; the chart renders no PostgreSQL and waits for the database; the only egress that reaches the database's
 * addresses on its port is allow-metadata-db, opened to exactly `cidrs`; the password appears nowhere in plain inputs.
 */
async function assertPlatformUsesDatabase(run: Run, host: string, cidrs: string[], instance: RecordedResource): Promise<void> {
    const res = new Resources(run.resources);
    const secret = res.get(SECRET, "platform-airflow-metadata");
    assert.deepStrictEqual(
        [secret.inputs.metadata, secret.inputs.stringData, secret.secretPaths],
        [
            { name: "airflow-metadata", namespace: "airflow", labels: { "app.kubernetes.io/part-of": "dataops", "app.kubernetes.io/managed-by": "pulumi" } },
            { connection: `postgresql://airflow:${PASSWORD}@${host}:5432/airflow?sslmode=require` },
            ["stringData"],
        ],
    );
    assert.deepStrictEqual(res.ofType(SECRET).filter((s) => s.inputs.metadata.name === "airflow-postgresql-auth"), []);
    const release = res.get(RELEASE, "platform-airflow-release");
    assert.deepStrictEqual([release.inputs.values.postgresql, release.inputs.values.data.metadataSecretName], [{ enabled: false }, "airflow-metadata"]);
    assert.ok(release.dependencies.includes(secret.urn) && release.dependencies.includes(instance.urn), "the release waits for the Secret and the instance");

    const policies = res.ofType(POLICY).filter((p) => p.inputs.metadata.namespace === "airflow");
    const dbAddresses = cidrs.map((c) => parseCidr(c)!);
    const reaching: { policy: string; cidr: string }[] = [];
    for (const p of policies) {
        for (const rule of p.inputs.spec.egress ?? []) {
            const portOk = !rule.ports || rule.ports.some((x: { port?: number }) => x.port === undefined || x.port === 5432);
            for (const to of rule.to ?? []) {
                const block = to.ipBlock && parseCidr(to.ipBlock.cidr);
                const excepted = (to.ipBlock?.except ?? []).map((e: string) => parseCidr(e)!);
                if (portOk && block && dbAddresses.some((d) => overlaps(block, d) && !excepted.some((e: ReturnType<typeof parseCidr>) => contains(e!, d)))) {
                    reaching.push({ policy: p.inputs.metadata.name, cidr: to.ipBlock.cidr });
                }
            }
        }
    }
    assert.deepStrictEqual(reaching, cidrs.map((cidr) => ({ policy: "allow-metadata-db", cidr })));
    const dbPolicy = policies.find((p) => p.inputs.metadata.name === "allow-metadata-db")!;
    assert.deepStrictEqual(dbPolicy.inputs.spec.egress, [{ to: cidrs.map((cidr) => ({ ipBlock: { cidr } })), ports: [{ port: 5432, protocol: "TCP" }] }]);
    assert.strictEqual(await valueOf((run.outputs as Record<string, never>).airflowDatabaseEndpoint), `${host}:5432`);

    const leaks = run.resources.flatMap((r) =>
        stringInputs(r).filter(([at, s]) => s.includes(PASSWORD) && !r.secretPaths.some((p) => at === p || at.startsWith(`${p}.`))).map(([at]) => `${r.name} ${at}`),
    );
    assert.deepStrictEqual(leaks, []);
}

describe("managed metadata database on AWS (RDS)", function () {
    this.timeout(120_000);
    let run: Run;
    let res: Resources;
    before(async () => {
        ({ run, res } = await runStackOk("prod-aws"));
    });

    it("is a Multi-AZ PostgreSQL instance, private, encrypted with the stack key, backed up, TLS-only and protected", () => {
        const db = res.get("aws:rds/instance:Instance", "cluster-airflow-db-instance");
        const key = res.get("aws:kms/key:Key", "cluster-key");
        const { password, ...inputs } = db.inputs;
        assert.strictEqual(password, PASSWORD);
        assert.ok(db.secretPaths.includes("password"));
        assert.deepStrictEqual(inputs, {
            identifier: "airflow-dataops-prod-aws",
            engine: "postgres",
            engineVersion: "17",
            autoMinorVersionUpgrade: true,
            allowMajorVersionUpgrade: true,
            instanceClass: "db.m7g.large",
            allocatedStorage: 128,
            maxAllocatedStorage: 512,
            storageType: "gp3",
            storageEncrypted: true,
            kmsKeyId: `arn:aws:kms:eu-west-1:${MOCK_ACCOUNT}:key/cluster-key`,
            multiAz: true,
            dbSubnetGroupName: "airflow-dataops-prod-aws",
            vpcSecurityGroupIds: ["cluster-airflow-db-sg-id"],
            publiclyAccessible: false,
            parameterGroupName: "airflow-dataops-prod-aws-postgres17-mock",
            dbName: "airflow",
            username: "airflow",
            port: 5432,
            backupRetentionPeriod: 14,
            backupWindow: "01:00-02:00",
            maintenanceWindow: "sun:03:00-sun:04:00",
            copyTagsToSnapshot: true,
            deletionProtection: true,
            skipFinalSnapshot: false,
            finalSnapshotIdentifier: "airflow-dataops-prod-aws-final",
            enabledCloudwatchLogsExports: ["postgresql", "upgrade"],
            performanceInsightsEnabled: true,
            performanceInsightsKmsKeyId: `arn:aws:kms:eu-west-1:${MOCK_ACCOUNT}:key/cluster-key`,
            applyImmediately: false,
            tags: { "dataops:project": "dataops", "dataops:stack": "prod-aws", "dataops:cluster": "dataops-prod-aws", Name: "airflow-dataops-prod-aws" },
        });
        assert.ok(db.protect, "Pulumi protect in prod");
        assert.ok(db.dependencies.includes(key.urn));
        const params = res.get("aws:rds/parameterGroup:ParameterGroup", "cluster-airflow-db-parameters");
        assert.deepStrictEqual([params.inputs.family, params.inputs.parameters], ["postgres17", [{ name: "rds.force_ssl", value: "1" }]]);
    });

    it("lives in subnets of its own and admits only the nodes' subnets on 5432", () => {
        const subnets = [1, 2, 3].map((i) => res.get("aws:ec2/subnet:Subnet", `cluster-airflow-db-subnet-${i}`));
        assert.deepStrictEqual(subnets.map((s) => [s.inputs.cidrBlock, s.inputs.mapPublicIpOnLaunch]), [
            ["10.10.240.0/28", false],
            ["10.10.240.16/28", false],
            ["10.10.240.32/28", false],
        ]);
        const group = res.get("aws:rds/subnetGroup:SubnetGroup", "cluster-airflow-db-subnets");
        assert.deepStrictEqual(group.inputs.subnetIds, ["cluster-airflow-db-subnet-1-id", "cluster-airflow-db-subnet-2-id", "cluster-airflow-db-subnet-3-id"]);
        // No route table is associated: the main table routes only inside the VPC.
        assert.deepStrictEqual(res.ofType("aws:ec2/routeTableAssociation:RouteTableAssociation").filter((a) => /airflow-db/.test(a.inputs.subnetId)), []);
        const ingress = res.ofType("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule").filter((r) => r.inputs.securityGroupId === "cluster-airflow-db-sg-id");
        assert.deepStrictEqual(
            ingress.map((r) => [r.inputs.cidrIpv4, r.inputs.ipProtocol, r.inputs.fromPort, r.inputs.toPort]),
            subnetPlan("10.10.0.0/16").private.map((c) => [c, "tcp", 5432, 5432]),
        );
        assert.deepStrictEqual(res.ofType("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule").filter((r) => r.inputs.securityGroupId === "cluster-airflow-db-sg-id"), []);
    });

    it("feeds Airflow's Secret, values and egress from the instance, and nothing wider", async () => {
        const db = res.get("aws:rds/instance:Instance", "cluster-airflow-db-instance");
        await assertPlatformUsesDatabase(run, "airflow-dataops-prod-aws.c0mock0rds.eu-west-1.rds.amazonaws.com", databaseSubnetCidrs("10.10.0.0/16"), db);
        const ns = res.ofType("kubernetes:core/v1:Namespace").find((n) => n.inputs.metadata.name === "airflow")!;
        assert.strictEqual(ns.inputs.metadata.labels["pod-security.kubernetes.io/enforce"], "restricted");
    });

    it("uses an existing VPC's private subnets and opens Airflow's egress to their ranges", async () => {
        const vpc = { vpcId: "vpc-0123abcd", privateSubnetIds: ["subnet-0aaa0001", "subnet-0aaa0002", "subnet-0aaa0003"], adminRoleArns: ["arn:aws:iam::123456789012:role/admin"] };
        const r = await runIndex("prod", { ...AWS, "dataops:aws": obj(vpc) });
        assert.strictEqual(r.error, undefined, r.error?.message);
        const rs = new Resources(r.resources);
        assert.deepStrictEqual(rs.ofType("aws:ec2/subnet:Subnet"), []);
        assert.deepStrictEqual(rs.get("aws:rds/subnetGroup:SubnetGroup", "cluster-airflow-db-subnets").inputs.subnetIds, vpc.privateSubnetIds);
        const policy = rs.ofType(POLICY).find((p) => p.inputs.metadata.name === "allow-metadata-db")!;
        assert.deepStrictEqual(policy.inputs.spec.egress, [
            { to: ["10.20.1.0/24", "10.20.2.0/24", "10.20.3.0/24"].map((cidr) => ({ ipBlock: { cidr } })), ports: [{ port: 5432, protocol: "TCP" }] },
        ]);
    });

    it("makes a dev managed database single-AZ, unprotected and deletable without a final snapshot", async () => {
        const dev = await runIndex("dev", { ...AWS, "dataops:airflow": obj({ database: "managed" }) });
        assert.strictEqual(dev.error, undefined, dev.error?.message);
        const db = new Resources(dev.resources).get("aws:rds/instance:Instance", "cluster-airflow-db-instance");
        assert.deepStrictEqual(
            [db.inputs.multiAz, db.inputs.instanceClass, db.inputs.deletionProtection, db.inputs.skipFinalSnapshot, db.inputs.backupRetentionPeriod, db.protect],
            [false, "db.t4g.medium", false, true, 7, false],
        );
    });

    it("creates no database for dev, an external URL or a disabled Airflow", async () => {
        for (const [stack, config] of [
            ["dev", AWS],
            ["prod", { ...AWS, "dataops:airflow": obj({ metadataConnection: "postgresql://a:b@db:5432/airflow" }) }],
            ["prod", { ...AWS, "dataops:airflow": obj({ enabled: false }) }],
        ] as const) {
            const r = await runIndex(stack, config, ["dataops:airflow"]);
            assert.strictEqual(r.error, undefined, r.error?.message);
            assert.deepStrictEqual(new Resources(r.resources).ofType("dataops:cluster:RdsDatabase"), [], `${stack} ${JSON.stringify(config)}`);
        }
    });
});

describe("managed metadata database on GCP (Cloud SQL)", function () {
    this.timeout(120_000);
    let run: Run;
    let res: Resources;
    before(async () => {
        ({ run, res } = await runStackOk("prod-gcp"));
    });

    it("is regional, private through private services access, encrypted with a key of the stack's key ring, and protected", () => {
        const db = res.get("gcp:sql/databaseInstance:DatabaseInstance", "cluster-airflow-db-instance");
        const { settings, ...top } = db.inputs;
        assert.deepStrictEqual(top, {
            project: "acme-dataops-prod",
            region: "europe-west1",
            databaseVersion: "POSTGRES_17",
            encryptionKeyName: "cluster-airflow-db-key-id",
            deletionProtection: true,
        });
        assert.deepStrictEqual(settings, cloudSqlSettings({ ...PROD_SETTINGS, size: "db-custom-2-8192" }, "cluster-network-id", { "part-of": "dataops", "managed-by": "pulumi", stack: "prod-gcp" }));
        assert.ok(db.protect);
        const key = res.get("gcp:kms/cryptoKey:CryptoKey", "cluster-airflow-db-key");
        assert.deepStrictEqual([key.inputs.keyRing, key.inputs.name, key.inputs.rotationPeriod, key.protect], ["cluster-keyring-id", "airflow-db", "7776000s", true]);
        const grant = res.get("gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember", "cluster-airflow-db-key-sql");
        assert.deepStrictEqual(grant.inputs, {
            cryptoKeyId: "cluster-airflow-db-key-id",
            role: "roles/cloudkms.cryptoKeyEncrypterDecrypter",
            member: `serviceAccount:service-${MOCK_GCP_PROJECT_NUMBER}@gcp-sa-cloud-sql.iam.gserviceaccount.com`,
        });
        const range = res.get("gcp:compute/globalAddress:GlobalAddress", "cluster-airflow-db-psa-range");
        assert.deepStrictEqual(range.inputs, { project: "acme-dataops-prod", name: "dataops-prod-gcp-psa", purpose: "VPC_PEERING", addressType: "INTERNAL", prefixLength: 20, network: "cluster-network-id" });
        const psa = res.get("gcp:servicenetworking/connection:Connection", "cluster-airflow-db-psa");
        assert.deepStrictEqual(psa.inputs, { network: "cluster-network-id", service: "servicenetworking.googleapis.com", reservedPeeringRanges: ["dataops-prod-gcp-psa"], deletionPolicy: "ABANDON" });
        assert.ok(db.dependencies.includes(psa.urn) && db.dependencies.includes(grant.urn), "the instance waits for its network path and key grant");
        const user = res.get("gcp:sql/user:User", "cluster-airflow-db-user");
        assert.deepStrictEqual([user.inputs.name, user.inputs.password, user.secretPaths], ["airflow", PASSWORD, ["password"]]);
        assert.strictEqual(res.get("gcp:sql/database:Database", "cluster-airflow-db-database").inputs.name, "airflow");
    });

    it("feeds Airflow's Secret, values and egress from the instance's private address, and nothing wider", async () => {
        await assertPlatformUsesDatabase(run, MOCK_CLOUD_SQL_IP, [`${MOCK_CLOUD_SQL_IP}/32`], res.get("gcp:sql/databaseInstance:DatabaseInstance", "cluster-airflow-db-instance"));
    });

    it("uses an existing network's private services access instead of creating one", async () => {
        const r = await runIndex("prod", { ...GCP, "dataops:gcp": obj({ network: "shared", subnetwork: "nodes" }) });
        assert.strictEqual(r.error, undefined, r.error?.message);
        const rs = new Resources(r.resources);
        assert.deepStrictEqual(rs.ofType("gcp:servicenetworking/connection:Connection"), []);
        assert.strictEqual(rs.get("gcp:sql/databaseInstance:DatabaseInstance", "cluster-airflow-db-instance").inputs.settings.ipConfiguration.privateNetwork, "projects/acme-data-1/global/networks/shared");
    });
});

describe("managed metadata database on Azure (Flexible Server)", function () {
    this.timeout(120_000);
    let run: Run;
    let res: Resources;
    before(async () => {
        ({ run, res } = await runStackOk("prod-azure"));
    });

    it("is zone-redundant, VNet-integrated without public access, encrypted with a key in the stack's vault, backed up and protected", () => {
        const server = res.get("azure-native:dbforpostgresql:Server", "cluster-airflow-db-server");
        const i = server.inputs;
        assert.deepStrictEqual([i.administratorLogin, i.administratorLoginPassword, server.secretPaths], ["airflow", PASSWORD, ["administratorLoginPassword"]]);
        const want = flexibleServerSettings({ ...PROD_SETTINGS, size: "Standard_D2ds_v5" });
        assert.deepStrictEqual(
            [i.resourceGroupName, i.location, i.version, i.sku, i.storage, i.backup, i.highAvailability.mode, i.maintenanceWindow, i.authConfig.passwordAuth, i.authConfig.activeDirectoryAuth],
            ["rg-dataops-prod-azure", "westeurope", "17", want.sku, want.storage, want.backup, "ZoneRedundant", want.maintenanceWindow, "Enabled", "Disabled"],
        );
        assert.match(i.serverName, /^pgdataopsproda[0-9a-f]{8}$/);
        assert.deepStrictEqual(i.network, { delegatedSubnetResourceId: "cluster-airflow-db-subnet-id", privateDnsZoneArmResourceId: "cluster-airflow-db-dns-id", publicNetworkAccess: "Disabled" });
        const vaultName = res.get("azure-native:keyvault:Vault", "cluster-kms-vault").inputs.vaultName;
        assert.deepStrictEqual(i.dataEncryption, {
            type: "AzureKeyVault",
            primaryKeyURI: `https://${vaultName}.vault.azure.net/keys/airflow-db/0123456789abcdef0123456789abcdef`,
            primaryUserAssignedIdentityId: "cluster-airflow-db-identity-id",
        });
        assert.deepStrictEqual(i.identity, { type: "UserAssigned", userAssignedIdentities: { "cluster-airflow-db-identity-id": {} } });
        assert.ok(server.protect);
        const key = res.get("azure-native:keyvault:Key", "cluster-airflow-db-key");
        assert.deepStrictEqual([key.inputs.vaultName, key.inputs.keyName, key.inputs.properties.kty, key.protect], [vaultName, "airflow-db", "RSA", true]);
        const grant = res.get("azure-native:authorization:RoleAssignment", "cluster-airflow-db-key-access");
        assert.deepStrictEqual([grant.inputs.principalId, grant.inputs.scope], ["principal-id-dataops-prod-azure-airflow-db", "cluster-kms-vault-id"]);
        assert.strictEqual(grant.inputs.roleDefinitionId, `/subscriptions/${MOCK_AZURE.subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/e147488a-f6f5-4113-8e2d-b22465e65bf6`);
        assert.ok(server.dependencies.includes(grant.urn));
        const subnet = res.get("azure-native:network:Subnet", "cluster-airflow-db-subnet");
        assert.deepStrictEqual([subnet.inputs.addressPrefix, subnet.inputs.delegations, subnet.inputs.defaultOutboundAccess], [
            "10.20.255.240/28",
            [{ name: "flexibleServers", serviceName: "Microsoft.DBforPostgreSQL/flexibleServers" }],
            false,
        ]);
        const zone = res.get("azure-native:privatedns:PrivateZone", "cluster-airflow-db-dns");
        assert.strictEqual(zone.inputs.privateZoneName, "dataops-prod-azure.private.postgres.database.azure.com");
        const link = res.get("azure-native:privatedns:VirtualNetworkLink", "cluster-airflow-db-dns-link");
        assert.deepStrictEqual([link.inputs.virtualNetwork, link.inputs.registrationEnabled], [{ id: "cluster-vnet-id" }, false]);
        const tls = res.get("azure-native:dbforpostgresql:Configuration", "cluster-airflow-db-require-tls");
        assert.deepStrictEqual([tls.inputs.configurationName, tls.inputs.value], ["require_secure_transport", "on"]);
        const lock = res.get("azure-native:authorization:ManagementLockByScope", "cluster-airflow-db-lock");
        assert.deepStrictEqual([lock.inputs.scope, lock.inputs.level], ["cluster-airflow-db-server-id", "CanNotDelete"]);
    });

    it("feeds Airflow's Secret, values and egress from the server, and nothing wider than its delegated subnet", async () => {
        const server = res.get("azure-native:dbforpostgresql:Server", "cluster-airflow-db-server");
        await assertPlatformUsesDatabase(run, `${server.inputs.serverName}.postgres.database.azure.com`, ["10.20.255.240/28"], server);
    });
});

describe("metadata database credentials and the no-plaintext-secrets policy", () => {
    it("lets only each database's own credential field through, and still flags a password anywhere else", () => {
        for (const [type, field] of [
            ["aws:rds/instance:Instance", "password"],
            ["gcp:sql/user:User", "password"],
            ["azure-native:dbforpostgresql:Server", "administratorLoginPassword"],
        ]) {
            assert.deepStrictEqual(plaintextSecretPaths({ [field]: "hunter2-literal", tags: { note: "x" } }, type), [], type);
            assert.deepStrictEqual(plaintextSecretPaths({ [field]: "hunter2-literal", settings: { password: "hunter2-literal" } }, type), ["settings.password (secret-looking key)"], type);
        }
        assert.deepStrictEqual(plaintextSecretPaths({ password: "hunter2-literal" }, "aws:rds/cluster:Cluster"), ["password (secret-looking key)"]);
    });
});
