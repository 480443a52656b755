// Eks target (dataops:cloud: aws): a private, encrypted, logged EKS cluster built from @pulumi/aws resources (not
// @pulumi/eks, whose children Pulumi mocks cannot see), with managed node groups, managed add-ons, Pod Identity for the
// platform's AWS access and a Kubernetes provider that authenticates through `aws eks get-token`.
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ZONE_LABEL } from "../../stacks/catalog";
import { DEFAULT_LOG_RETENTION_DAYS } from "../../stacks/clouds/aws";
import type { PlatformConfig } from "../../stacks/config";
import type { NodePoolInput, Profile, TeamInput } from "../../stacks/schema";
import { createEksDns01, EKS_LOAD_BALANCER } from "./eks/dns";
import { createVpc, EksNetwork, existingVpc } from "./eks/network";
import {
    accessEntrySpecs,
    API_SERVER_PORTS,
    clusterKmsPolicy,
    CONTROL_PLANE_LOG_TYPES,
    dataBucketPolicy,
    dataServiceAccounts,
    eksKubeconfig,
    keyPolicy,
    logGroupName,
    nodeGroupSpecs,
    podIdentityTrustPolicy,
    serviceTrustPolicy,
    ServiceAccountRef,
    STORAGE_CLASS,
    tlsOnlyBucketPolicy,
} from "./eks/plan";
import { ClusterInfo, ClusterTarget, WorkloadIdentityBinding } from "./types";

export interface EksClusterArgs {
    /** Physical EKS cluster name. */
    clusterName: string;
    region: string;
    profile: Profile;
    kubernetesVersion: string;
    /**
     * Public endpoint (restricted to authorizedCidrs when given); the private endpoint is always on, and with a
     * private-only endpoint authorizedCidrs are the networks allowed to reach it inside the VPC.
     */
    endpointPublic: boolean;
    authorizedCidrs: string[];
    /** A new VPC from this range, or an existing VPC's private subnets. */
    network: { networkCidr: string } | { vpcId: string; privateSubnetIds: string[] };
    serviceCidr: string;
    nodePools: NodePoolInput[];
    /** IAM roles with cluster admin; when empty (dev only), the identity running Pulumi gets it instead. */
    adminRoleArns: string[];
    teams: TeamInput[];
    logRetentionDays: number;
    /** EKS and CloudWatch deletion protection. */
    deletionProtection: boolean;
    /** Pulumi `protect` on the stateful resources: cluster, KMS key, log group, data bucket. */
    protect: boolean;
    /** Service accounts that get the data bucket through Pod Identity; empty creates no bucket or role. */
    dataServiceAccounts: ServiceAccountRef[];
    /** Existing bucket to use instead of creating one. */
    dataBucket?: string;
    /** Route 53 hosted zone cert-manager answers DNS-01 challenges in (front door with ACME). */
    dns01ZoneId?: string;
    tags: Record<string, string>;
}

export function eksArgsFrom(cfg: PlatformConfig): EksClusterArgs {
    const aws = cfg.aws;
    return {
        clusterName: cfg.cluster.name,
        region: cfg.providers.awsRegion ?? "",
        profile: cfg.profile,
        kubernetesVersion: cfg.cluster.kubernetesVersion,
        endpointPublic: cfg.cluster.endpointAccess === "public",
        authorizedCidrs: cfg.cluster.authorizedCidrs,
        network: aws.vpcId ? { vpcId: aws.vpcId, privateSubnetIds: aws.privateSubnetIds ?? [] } : { networkCidr: cfg.cluster.networkCidr },
        serviceCidr: cfg.cluster.serviceCidr,
        nodePools: cfg.cluster.nodePools,
        adminRoleArns: aws.adminRoleArns ?? [],
        teams: cfg.teams,
        logRetentionDays: aws.logRetentionDays ?? DEFAULT_LOG_RETENTION_DAYS[cfg.profile],
        deletionProtection: cfg.cluster.deletionProtection,
        protect: cfg.profile === "prod",
        dataServiceAccounts: dataServiceAccounts(cfg),
        dataBucket: aws.dataBucket,
        dns01ZoneId: cfg.access.enabled && cfg.access.tls.mode === "acme" ? cfg.access.tls.dnsZone : undefined,
        tags: { "dataops:project": cfg.project, "dataops:stack": cfg.stack, "dataops:cluster": cfg.cluster.name },
    };
}

/** Checks the args on their own (the component can be used without loadConfig); throws before any resource exists. */
export function validateEksArgs(args: EksClusterArgs): void {
    const errors: string[] = [];
    if (!args.region) {
        errors.push("region is required");
    }
    if (args.nodePools.length === 0) {
        errors.push("at least one node pool is required");
    }
    for (const p of args.nodePools) {
        if (p.maxNodes < 1 || p.minNodes > p.maxNodes) {
            errors.push(`node pool ${p.name}: need 0 <= minNodes <= maxNodes and maxNodes >= 1 (got ${p.minNodes}..${p.maxNodes})`);
        }
    }
    if ("vpcId" in args.network && new Set(args.network.privateSubnetIds).size < 2) {
        errors.push("an existing VPC needs at least 2 private subnets");
    }
    if (args.endpointPublic && args.profile === "prod" && args.authorizedCidrs.length === 0) {
        errors.push("a public endpoint in prod needs authorizedCidrs");
    }
    if (args.profile === "prod" && args.adminRoleArns.length === 0) {
        errors.push("prod needs at least one admin role ARN");
    }
    if (errors.length > 0) {
        throw new pulumi.RunError(`EksCluster: ${errors.join("; ")}.`);
    }
}

const managedPolicy = (partition: pulumi.Input<string>, path: string) => pulumi.interpolate`arn:${partition}:iam::aws:policy/${path}`;
const json = (doc: unknown) => JSON.stringify(doc);

export class EksCluster extends pulumi.ComponentResource implements ClusterTarget {
    readonly provider: k8s.Provider;
    readonly clusterName: pulumi.Output<string>;
    readonly kubeconfig: pulumi.Output<string>;
    readonly info: ClusterInfo;
    readonly ready: pulumi.Resource[];
    readonly cluster: aws.eks.Cluster;
    readonly nodeGroups: aws.eks.NodeGroup[];
    readonly network: EksNetwork;

    constructor(name: string, args: EksClusterArgs, opts?: pulumi.ComponentResourceOptions) {
        validateEksArgs(args);
        super("dataops:cluster:Eks", name, {}, opts);
        const parent = { parent: this };
        const tags = args.tags;
        const partition = aws.getPartitionOutput({}, parent).partition;
        const accountId = aws.getCallerIdentityOutput({}, parent).accountId;

        this.network =
            "vpcId" in args.network
                ? existingVpc(args.network.vpcId, args.network.privateSubnetIds, this)
                : createVpc(name, { networkCidr: args.network.networkCidr, profile: args.profile, clusterName: args.clusterName, tags }, this);

        // Secrets envelope encryption and control-plane log encryption share one customer-managed, rotating key.
        const logGroup = logGroupName(args.clusterName);
        const key = new aws.kms.Key(
            `${name}-key`,
            {
                description: `EKS secrets and control-plane logs of ${args.clusterName}`,
                enableKeyRotation: true,
                deletionWindowInDays: args.profile === "prod" ? 30 : 7,
                policy: pulumi.all([partition, accountId]).apply(([p, a]) => json(keyPolicy({ partition: p, accountId: a, region: args.region, logGroupName: logGroup }))),
                tags,
            },
            { ...parent, protect: args.protect },
        );
        new aws.kms.Alias(`${name}-key-alias`, { name: `alias/${args.clusterName}-eks`, targetKeyId: key.keyId }, { parent: key });

        // Created before the cluster so EKS does not create it first, unencrypted and kept forever.
        const logs = new aws.cloudwatch.LogGroup(
            `${name}-logs`,
            { name: logGroup, retentionInDays: args.logRetentionDays, kmsKeyId: key.arn, deletionProtectionEnabled: args.deletionProtection, tags },
            { ...parent, protect: args.protect },
        );

        const clusterRole = new aws.iam.Role(
            `${name}-cluster-role`,
            { assumeRolePolicy: json(serviceTrustPolicy("eks.amazonaws.com", ["sts:AssumeRole", "sts:TagSession"])), tags },
            parent,
        );
        const clusterRolePolicies = [
            new aws.iam.RolePolicyAttachment(`${name}-cluster-role-eks`, { role: clusterRole.name, policyArn: managedPolicy(partition, "AmazonEKSClusterPolicy") }, { parent: clusterRole }),
            new aws.iam.RolePolicy(`${name}-cluster-role-kms`, { role: clusterRole.id, policy: key.arn.apply((arn) => json(clusterKmsPolicy(arn))) }, { parent: clusterRole }),
        ];

        const publicCidrs = args.authorizedCidrs.length > 0 ? args.authorizedCidrs : ["0.0.0.0/0"];
        this.cluster = new aws.eks.Cluster(
            `${name}-eks`,
            {
                name: args.clusterName,
                version: args.kubernetesVersion,
                roleArn: clusterRole.arn,
                vpcConfig: {
                    subnetIds: this.network.privateSubnetIds,
                    endpointPrivateAccess: true,
                    endpointPublicAccess: args.endpointPublic,
                    publicAccessCidrs: args.endpointPublic ? publicCidrs : undefined,
                },
                encryptionConfig: { provider: { keyArn: key.arn }, resources: ["secrets"] },
                enabledClusterLogTypes: [...CONTROL_PLANE_LOG_TYPES],
                // Access entries only (no aws-auth ConfigMap), and no invisible admin grant to whoever ran `pulumi up`.
                accessConfig: { authenticationMode: "API", bootstrapClusterCreatorAdminPermissions: false },
                kubernetesNetworkConfig: { ipFamily: "ipv4", serviceIpv4Cidr: args.serviceCidr },
                // The CNI, kube-proxy and CoreDNS come as managed add-ons below, so their versions and settings are ours.
                bootstrapSelfManagedAddons: false,
                deletionProtection: args.deletionProtection,
                tags,
            },
            { ...parent, protect: args.protect, dependsOn: [logs, ...clusterRolePolicies] },
        );
        this.clusterName = this.cluster.name;
        const clusterName = this.cluster.name;

        // The private endpoint only admits the cluster security group; authorizedCidrs (VPN, peered VPCs, CI runners)
        // are let in on 443 so operators and this program can reach the API without making it public.
        const apiIngress = args.endpointPublic
            ? []
            : args.authorizedCidrs.map(
                  (cidr) =>
                      new aws.vpc.SecurityGroupIngressRule(
                          `${name}-api-from-${cidr.replace(/[./]/g, "-")}`,
                          {
                              securityGroupId: this.cluster.vpcConfig.clusterSecurityGroupId,
                              cidrIpv4: cidr,
                              ipProtocol: "tcp",
                              fromPort: 443,
                              toPort: 443,
                              description: "Kubernetes API from an authorized network",
                              tags,
                          },
                          { parent: this },
                      ),
              );
        const access = [...apiIngress, ...this.createAccessEntries(name, args, partition)];

        // Node role: join the cluster and pull images, nothing more (the CNI has its own Pod Identity role).
        const nodeRole = new aws.iam.Role(`${name}-node-role`, { assumeRolePolicy: json(serviceTrustPolicy("ec2.amazonaws.com")), tags }, parent);
        const nodeRolePolicies = [
            ["worker", "AmazonEKSWorkerNodePolicy"],
            ["ecr", "AmazonEC2ContainerRegistryPullOnly"],
        ].map(([role, policy]) => new aws.iam.RolePolicyAttachment(`${name}-node-role-${role}`, { role: nodeRole.name, policyArn: managedPolicy(partition, policy) }, { parent: nodeRole }));

        const podRole = (role: string, policy: string) => {
            const r = new aws.iam.Role(`${name}-${role}-role`, { assumeRolePolicy: accountId.apply((a) => json(podIdentityTrustPolicy(a))), tags }, parent);
            const attachment = new aws.iam.RolePolicyAttachment(`${name}-${role}-role-policy`, { role: r.name, policyArn: managedPolicy(partition, policy) }, { parent: r });
            return { role: r, attachment };
        };
        const cniRole = podRole("cni", "AmazonEKS_CNI_Policy");
        const ebsRole = podRole("ebs-csi", "service-role/AmazonEBSCSIDriverPolicy");

        const addon = (addonName: string, extra: Partial<aws.eks.AddonArgs>, dependsOn: pulumi.Resource[]) =>
            new aws.eks.Addon(
                `${name}-${addonName}`,
                {
                    clusterName,
                    addonName,
                    // The default version EKS pairs with this Kubernetes minor, so upgrades of the cluster move add-ons too.
                    addonVersion: aws.eks.getAddonVersionOutput({ addonName, kubernetesVersion: args.kubernetesVersion }, parent).version,
                    resolveConflictsOnCreate: "OVERWRITE",
                    resolveConflictsOnUpdate: "OVERWRITE",
                    tags,
                    ...extra,
                },
                { ...parent, dependsOn },
            );
        // DaemonSet add-ons go in before the nodes, which cannot become Ready without a CNI.
        const podIdentityAgent = addon("eks-pod-identity-agent", {}, []);
        const kubeProxy = addon("kube-proxy", {}, []);
        const vpcCni = addon(
            "vpc-cni",
            {
                // The CNI's network policy agent enforces the platform's NetworkPolicies.
                configurationValues: json({ enableNetworkPolicy: "true" }),
                podIdentityAssociations: [{ serviceAccount: "aws-node", roleArn: cniRole.role.arn }],
            },
            [podIdentityAgent, cniRole.attachment],
        );

        const specs = nodeGroupSpecs(args.nodePools, args.profile);
        this.nodeGroups = specs.map((spec) => {
            const lt = new aws.ec2.LaunchTemplate(
                `${name}-pool-${spec.pool}-lt`,
                {
                    description: `Nodes of pool ${spec.pool} of ${args.clusterName}`,
                    updateDefaultVersion: true,
                    // IMDSv2 only, one hop: pods cannot reach the node role's credentials through the metadata service.
                    metadataOptions: { httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 1 },
                    blockDeviceMappings: [
                        { deviceName: "/dev/xvda", ebs: { volumeSize: spec.diskSizeGi, volumeType: "gp3", encrypted: "true", deleteOnTermination: "true" } },
                    ],
                    tagSpecifications: ["instance", "volume"].map((resourceType) => ({ resourceType, tags: { ...tags, Name: `${args.clusterName}-${spec.pool}` } })),
                    tags,
                },
                parent,
            );
            // No fixed nodeGroupName: auto-naming lets a replacement group come up before the old one is drained.
            return new aws.eks.NodeGroup(
                `${name}-pool-${spec.pool}`,
                {
                    clusterName,
                    version: args.kubernetesVersion,
                    nodeRoleArn: nodeRole.arn,
                    subnetIds: this.network.privateSubnetIds,
                    instanceTypes: spec.instanceTypes,
                    capacityType: spec.capacityType,
                    amiType: spec.amiType,
                    scalingConfig: { minSize: spec.minSize, maxSize: spec.maxSize, desiredSize: spec.desiredSize },
                    updateConfig: { maxUnavailablePercentage: 33 },
                    nodeRepairConfig: { enabled: true },
                    launchTemplate: { id: lt.id, version: lt.latestVersion.apply((v) => String(v)) },
                    labels: spec.labels,
                    taints: spec.taints,
                    tags: { ...tags, "k8s.io/cluster-autoscaler/enabled": "true", [`k8s.io/cluster-autoscaler/${args.clusterName}`]: "owned" },
                },
                {
                    ...parent,
                    // The cluster autoscaler owns the current size.
                    ignoreChanges: ["scalingConfig.desiredSize"],
                    dependsOn: [...nodeRolePolicies, ...this.network.egress, vpcCni, kubeProxy, podIdentityAgent],
                },
            );
        });

        const coredns = addon("coredns", {}, this.nodeGroups);
        const ebsCsi = addon(
            "aws-ebs-csi-driver",
            { podIdentityAssociations: [{ serviceAccount: "ebs-csi-controller-sa", roleArn: ebsRole.role.arn }] },
            [...this.nodeGroups, ebsRole.attachment],
        );

        const data = this.createDataAccess(name, args, partition, accountId);
        const dns01 = args.dns01ZoneId
            ? createEksDns01(name, { clusterName, region: args.region, zoneId: args.dns01ZoneId, partition, accountId, tags }, this)
            : undefined;

        this.kubeconfig = pulumi.secret(
            pulumi
                .all([this.cluster.name, this.cluster.endpoint, this.cluster.certificateAuthority])
                .apply(([n, endpoint, ca]) => eksKubeconfig({ clusterName: n, endpoint, certificateAuthority: ca.data ?? "", region: args.region })),
        );
        // Only a new cluster (new ARN) replaces the provider; kubeconfig edits are updates.
        this.provider = new k8s.Provider(`${name}-k8s`, { kubeconfig: this.kubeconfig, clusterIdentifier: this.cluster.arn }, parent);

        const storageClass = new k8s.storage.v1.StorageClass(
            `${name}-${STORAGE_CLASS}`,
            {
                metadata: { name: STORAGE_CLASS, annotations: { "storageclass.kubernetes.io/is-default-class": "true" } },
                provisioner: "ebs.csi.aws.com",
                parameters: { type: "gp3", encrypted: "true", "csi.storage.k8s.io/fstype": "ext4" },
                volumeBindingMode: "WaitForFirstConsumer",
                allowVolumeExpansion: true,
                // Prod keeps a volume whose claim was deleted (Kafka, Prometheus data) until someone removes it on purpose.
                reclaimPolicy: args.profile === "prod" ? "Retain" : "Delete",
            },
            { ...parent, provider: this.provider, dependsOn: [ebsCsi, ...access] },
        );

        const binding: WorkloadIdentityBinding = { serviceAccountAnnotations: {}, podLabels: {} };
        this.info = {
            cloud: "aws",
            managedControlPlane: true,
            storageClass: storageClass.metadata.name,
            networkCidrs: this.network.vpcCidrs,
            // The Pod Identity agent on every node hands out the credentials of the pod's association.
            identityEndpoints: [{ cidr: "169.254.170.23/32", port: 80 }],
            apiServer: { cidrs: this.network.privateCidrs, ports: API_SERVER_PORTS },
            zoneTopologyKey: ZONE_LABEL,
            networkPolicyEnforced: true,
            kubeProxy: true,
            // Pod Identity needs nothing on the Kubernetes side: the associations below name namespace and account.
            workloadIdentity: data ? { airflow: binding, spark: binding } : undefined,
            dataStore: data && { kind: "s3", bucket: data.bucket, logsUrl: pulumi.interpolate`s3://${data.bucket}/airflow-logs` },
            frontDoor: { loadBalancerAnnotations: EKS_LOAD_BALANCER, dns01: dns01?.info },
        };
        this.ready = [...this.nodeGroups, podIdentityAgent, kubeProxy, vpcCni, coredns, ebsCsi, storageClass, ...access, ...(data?.associations ?? []), ...(dns01?.ready ?? [])];

        this.registerOutputs({
            clusterName: this.clusterName,
            kubeconfig: this.kubeconfig,
            vpcId: this.network.vpcId,
            dataBucket: data?.bucket,
        });
    }

    /** Admin and team access entries; returns what must exist before anything is applied through the provider. */
    private createAccessEntries(name: string, args: EksClusterArgs, partition: pulumi.Output<string>): pulumi.Resource[] {
        const adminPolicy = pulumi.interpolate`arn:${partition}:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy`;
        const specs = accessEntrySpecs(args.adminRoleArns, args.teams).map((s) => ({ ...s, principalArn: pulumi.output(s.principalArn) }));
        if (args.adminRoleArns.length === 0) {
            // Dev without admin roles: the identity running Pulumi (the IAM role behind its session) gets admin explicitly.
            const issuer = aws.iam.getSessionContextOutput({ arn: aws.getCallerIdentityOutput({}, { parent: this }).arn }, { parent: this }).issuerArn;
            specs.unshift({ key: "deployer", principalArn: issuer, groups: [], admin: true });
        }
        const out: pulumi.Resource[] = [];
        for (const s of specs) {
            const entry = new aws.eks.AccessEntry(
                `${name}-access-${s.key}`,
                {
                    clusterName: this.cluster.name,
                    principalArn: s.principalArn,
                    type: "STANDARD",
                    kubernetesGroups: s.groups.length > 0 ? s.groups : undefined,
                    tags: args.tags,
                },
                { parent: this },
            );
            out.push(entry);
            if (s.admin) {
                out.push(
                    new aws.eks.AccessPolicyAssociation(
                        `${name}-access-${s.key}-admin`,
                        { clusterName: this.cluster.name, principalArn: entry.principalArn, policyArn: adminPolicy, accessScope: { type: "cluster" } },
                        { parent: entry },
                    ),
                );
            }
        }
        return out;
    }

    /** The data bucket (created unless named), a role scoped to it and Pod Identity associations for the platform. */
    private createDataAccess(
        name: string,
        args: EksClusterArgs,
        partition: pulumi.Output<string>,
        accountId: pulumi.Output<string>,
    ): { bucket: pulumi.Output<string>; associations: pulumi.Resource[] } | undefined {
        if (args.dataServiceAccounts.length === 0) {
            return undefined;
        }
        const parent = { parent: this };
        let bucket: pulumi.Output<string>;
        let bucketArn: pulumi.Output<string>;
        if (args.dataBucket) {
            bucket = pulumi.output(args.dataBucket);
            bucketArn = pulumi.interpolate`arn:${partition}:s3:::${args.dataBucket}`;
        } else {
            const b = new aws.s3.Bucket(
                `${name}-data`,
                { bucketPrefix: `${args.clusterName.slice(0, 30)}-data-`, forceDestroy: false, tags: args.tags },
                { ...parent, protect: args.protect },
            );
            const publicAccess = new aws.s3.BucketPublicAccessBlock(
                `${name}-data-public-access`,
                { bucket: b.id, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true },
                { parent: b },
            );
            new aws.s3.BucketOwnershipControls(`${name}-data-ownership`, { bucket: b.id, rule: { objectOwnership: "BucketOwnerEnforced" } }, { parent: b });
            // SSE-KMS with the AWS-managed S3 key: encrypted with KMS, and the data role needs no key grants.
            new aws.s3.BucketServerSideEncryptionConfiguration(
                `${name}-data-encryption`,
                { bucket: b.id, rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms" }, bucketKeyEnabled: true }] },
                { parent: b },
            );
            new aws.s3.BucketVersioning(`${name}-data-versioning`, { bucket: b.id, versioningConfiguration: { status: "Enabled" } }, { parent: b });
            // Versioning guards against mistakes; old versions and abandoned uploads are cleaned up so it does not cost forever.
            new aws.s3.BucketLifecycleConfiguration(
                `${name}-data-lifecycle`,
                {
                    bucket: b.id,
                    rules: [
                        {
                            id: "expire-old-versions",
                            status: "Enabled",
                            filter: {},
                            noncurrentVersionExpiration: { noncurrentDays: 30 },
                            abortIncompleteMultipartUpload: { daysAfterInitiation: 7 },
                        },
                    ],
                },
                { parent: b },
            );
            new aws.s3.BucketPolicy(`${name}-data-tls-only`, { bucket: b.id, policy: b.arn.apply((arn) => json(tlsOnlyBucketPolicy(arn))) }, { parent: b, dependsOn: [publicAccess] });
            bucket = b.bucket;
            bucketArn = b.arn;
        }
        const role = new aws.iam.Role(`${name}-data-role`, { assumeRolePolicy: accountId.apply((a) => json(podIdentityTrustPolicy(a))), tags: args.tags }, parent);
        new aws.iam.RolePolicy(`${name}-data-role-s3`, { role: role.id, policy: bucketArn.apply((arn) => json(dataBucketPolicy(arn))) }, { parent: role });
        // Namespaces cannot contain dots, so "<namespace>.<account>" names are unambiguous.
        const associations = args.dataServiceAccounts.map(
            (sa) =>
                new aws.eks.PodIdentityAssociation(
                    `${name}-pod-identity-${sa.namespace}.${sa.serviceAccount}`,
                    { clusterName: this.cluster.name, namespace: sa.namespace, serviceAccount: sa.serviceAccount, roleArn: role.arn, tags: args.tags },
                    parent,
                ),
        );
        return { bucket, associations };
    }
}

export function createEks(name: string, cfg: PlatformConfig, opts?: pulumi.ComponentResourceOptions): ClusterTarget {
    return new EksCluster(name, eksArgsFrom(cfg), opts);
}
