// Eks target (dataops:cloud: aws): a private, encrypted, logged EKS cluster built from @pulumi/aws resources (not
// @pulumi/eks, whose children Pulumi mocks cannot see), with managed node groups, managed add-ons, Pod Identity for the
// platform's AWS access and a Kubernetes provider that authenticates through `aws eks get-token`.
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { DATA_PREFIXES, ZONE_LABEL } from "../../stacks/catalog";
import { DEFAULT_LOG_RETENTION_DAYS, providerRoleArn } from "../../stacks/clouds/aws";
import type { PlatformConfig } from "../../stacks/config";
import type { NodePoolInput, Profile, TeamInput } from "../../stacks/schema";
import { createTeamRoles, prefixBucketPolicy, s3Cidrs, TeamDataAccess, teamDataAccess } from "./eks/data-access";
import {
    adminRoleTrustPolicy,
    amiReleaseParameter,
    DEFAULT_SUPPORT_TYPE,
    kubeconfigIdentity,
    VpcEndpointPlan,
    vpcEndpointPlan,
} from "./eks/day2";
import type { ManagedDatabaseSettings } from "../../stacks/database";
import { RdsMetadataDatabase } from "./eks/database";
import { createEksDns01, EKS_LOAD_BALANCER } from "./eks/dns";
import { createVpc, EksNetwork, existingVpc } from "./eks/network";
import {
    accessEntrySpecs,
    API_SERVER_PORTS,
    clusterKmsPolicy,
    CONTROL_PLANE_LOG_TYPES,
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
import { nodeGroupPools } from "../../stacks/pools";
import { createKarpenter, karpenterPools } from "./eks/karpenter";
import { clusterPlacement } from "./placement";
import { ClusterInfo, ClusterTarget, WorkloadIdentityBinding } from "./types";
import { propagationWait } from "./waits";

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
    /** IAM roles with cluster admin; when empty (dev only), a role of the stack gets it and the kubeconfig assumes it. */
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
    /** Airflow's managed metadata database (RDS), when `dataops:airflow.database` is managed. */
    database?: ManagedDatabaseSettings;
    /** Teams with namespaces of their own: each gets a role scoped to its prefix of the bucket. */
    teamData: TeamDataAccess[];
    /** Route 53 hosted zone cert-manager answers DNS-01 challenges in (front door with ACME). */
    dns01ZoneId?: string;
    tags: Record<string, string>;
    /** `aws:profile` and the role `aws:assumeRoles` makes the provider act as: the kubeconfig acts as the same identity. */
    awsProfile?: string;
    providerRoleArn?: string;
    /** Endpoints of a created VPC (an existing VPC's endpoints are its owner's). */
    vpcEndpoints: VpcEndpointPlan;
    /** Lets `pulumi destroy` delete a data bucket that still holds objects (dev only: prod keeps its data). */
    forceDestroyData: boolean;
    /** EKS upgrade policy: STANDARD (auto-upgrade at the end of standard support) or EXTENDED (billed extra). */
    supportType: "STANDARD" | "EXTENDED";
    /** Security groups (a CI runner's in the VPC, a bastion's) let in to the private API endpoint on 443. */
    apiAccessSecurityGroupIds: string[];
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
        ...(cfg.airflow.enabled && cfg.airflow.managedDatabase ? { database: cfg.airflow.managedDatabase } : {}),
        teamData: teamDataAccess(cfg),
        dns01ZoneId: cfg.access.enabled && cfg.access.tls.mode === "acme" ? cfg.access.tls.dnsZone : undefined,
        tags: { "dataops:project": cfg.project, "dataops:stack": cfg.stack, "dataops:cluster": cfg.cluster.name },
        awsProfile: cfg.providers.awsProfile,
        providerRoleArn: providerRoleArn(cfg.providers.awsAssumeRoles),
        vpcEndpoints: vpcEndpointPlan(cfg.profile),
        forceDestroyData: cfg.profile === "dev",
        supportType: aws.supportType ?? DEFAULT_SUPPORT_TYPE,
        apiAccessSecurityGroupIds: aws.apiAccessSecurityGroupIds ?? [],
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
    /** The stack's own cluster-admin role (dev without dataops:aws.adminRoleArns). */
    readonly adminRole?: aws.iam.Role;

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
                : createVpc(
                      name,
                      { networkCidr: args.network.networkCidr, profile: args.profile, clusterName: args.clusterName, tags, region: args.region, endpoints: args.vpcEndpoints },
                      this,
                  );

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
                upgradePolicy: { supportType: args.supportType },
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
        // Runners inside the VPC (PULUMI_RUNNERS in CI) come in by security group, whatever addresses they get.
        const runnerIngress = args.apiAccessSecurityGroupIds.map(
            (sg) =>
                new aws.vpc.SecurityGroupIngressRule(
                    `${name}-api-from-${sg}`,
                    {
                        securityGroupId: this.cluster.vpcConfig.clusterSecurityGroupId,
                        referencedSecurityGroupId: sg,
                        ipProtocol: "tcp",
                        fromPort: 443,
                        toPort: 443,
                        description: "Kubernetes API from an authorized security group",
                        tags,
                    },
                    { parent: this },
                ),
        );
        if (args.adminRoleArns.length === 0) {
            // Dev without admin roles: admin goes to a role of the stack, not to whoever runs Pulumi, so two engineers
            // (or a preview and a deploy role) do not replace each other's access entry on every run.
            this.adminRole = new aws.iam.Role(
                `${name}-admin-role`,
                {
                    description: `Cluster admin of ${args.clusterName}; the stack's kubeconfig assumes it`,
                    assumeRolePolicy: pulumi.all([partition, accountId]).apply(([p, a]) => json(adminRoleTrustPolicy(p, a))),
                    tags,
                },
                parent,
            );
        }
        const access = [...apiIngress, ...runnerIngress, ...this.createAccessEntries(name, args, partition)];
        // Access entries apply within seconds, not at once: the first Kubernetes call waits for them.
        const accessWait = propagationWait(
            `${name}-access-propagation`,
            "eksAccess",
            access,
            { cluster: this.cluster.arn, admins: pulumi.all([...(this.adminRole ? [this.adminRole.arn] : []), ...args.adminRoleArns]).apply((arns) => arns.join(",")) },
            this,
        );

        // Node role: join the cluster and pull images. The CNI policy is there too: the CNI's own Pod Identity role only
        // works once the Pod Identity agent runs, and the first nodes' aws-node must get addresses before that.
        const nodeRole = new aws.iam.Role(`${name}-node-role`, { assumeRolePolicy: json(serviceTrustPolicy("ec2.amazonaws.com")), tags }, parent);
        const nodeRolePolicies = [
            ["worker", "AmazonEKSWorkerNodePolicy"],
            ["ecr", "AmazonEC2ContainerRegistryPullOnly"],
            ["cni", "AmazonEKS_CNI_Policy"],
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

        // System pools are node groups (Karpenter runs there); Karpenter makes the other pools' nodes.
        const specs = nodeGroupSpecs(nodeGroupPools(args.nodePools), args.profile);
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
                    // The newest EKS-optimized AMI release for this minor: every `pulumi up` rolls nodes to it.
                    releaseVersion: aws.ssm.getParameterOutput({ name: amiReleaseParameter(args.kubernetesVersion, spec.amiType) }, parent).value,
                    scalingConfig: { minSize: spec.minSize, maxSize: spec.maxSize, desiredSize: spec.desiredSize },
                    updateConfig: { maxUnavailablePercentage: 33 },
                    nodeRepairConfig: { enabled: true },
                    launchTemplate: { id: lt.id, version: lt.latestVersion.apply((v) => String(v)) },
                    labels: spec.labels,
                    taints: spec.taints,
                    tags,
                },
                {
                    ...parent,
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
        const network = this.network;
        const database =
            args.database &&
            new RdsMetadataDatabase(
                `${name}-airflow-db`,
                {
                    clusterName: args.clusterName,
                    settings: args.database,
                    vpcId: network.vpcId,
                    subnets:
                        "networkCidr" in args.network && network.zones
                            ? { networkCidr: args.network.networkCidr, zones: network.zones }
                            : { ids: network.privateSubnetIds, cidrs: network.privateCidrs },
                    clientCidrs: network.privateCidrs,
                    kmsKeyArn: key.arn,
                    tags,
                },
                parent,
            );
        const dns01 = args.dns01ZoneId
            ? createEksDns01(name, { clusterName, region: args.region, zoneId: args.dns01ZoneId, partition, accountId, tags }, this)
            : undefined;

        const identity = kubeconfigIdentity({ profile: args.awsProfile, providerRoleArn: args.providerRoleArn, stackAdminRoleArn: this.adminRole?.arn });
        this.kubeconfig = pulumi.secret(
            pulumi
                .all([this.cluster.name, this.cluster.endpoint, this.cluster.certificateAuthority, identity.roleArn])
                .apply(([n, endpoint, ca, roleArn]) =>
                    eksKubeconfig({
                        clusterName: n,
                        endpoint,
                        certificateAuthority: ca.data ?? "",
                        region: args.region,
                        identity: { profile: identity.profile, roleArn },
                    }),
                ),
        );
        // Only a new cluster (new ARN) replaces the provider; kubeconfig edits are updates.
        this.provider = new k8s.Provider(`${name}-k8s`, { kubeconfig: this.kubeconfig, clusterIdentifier: this.cluster.arn }, parent);

        const karpenter =
            karpenterPools(args.nodePools).length > 0
                ? createKarpenter(name, this, {
                      clusterName,
                      region: args.region,
                      profile: args.profile,
                      pools: karpenterPools(args.nodePools),
                      partition,
                      accountId,
                      subnetIds: "vpcId" in args.network ? args.network.privateSubnetIds : undefined,
                      securityGroupId: this.cluster.vpcConfig.clusterSecurityGroupId,
                      provider: this.provider,
                      dependsOn: [...this.nodeGroups, coredns, podIdentityAgent, ...access],
                      tags,
                  })
                : undefined;

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
            { ...parent, provider: this.provider, dependsOn: [ebsCsi, ...access, accessWait] },
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
            dataStore: data && {
                kind: "s3",
                bucket: data.bucket,
                logsUrl: pulumi.interpolate`s3://${data.bucket}/airflow-logs`,
                endpoints: { cidrs: s3Cidrs(args.region, this), port: 443 },
            },
            placement: clusterPlacement(args.nodePools),
            metadataDatabase: database?.database,
            frontDoor: { loadBalancerAnnotations: EKS_LOAD_BALANCER, dns01: dns01?.info },
        };
        this.ready = [...this.nodeGroups, ...(karpenter?.ready ?? []), podIdentityAgent, kubeProxy, vpcCni, coredns, ebsCsi, storageClass, ...access, accessWait, ...(data?.associations ?? []), ...(dns01?.ready ?? [])];

        this.registerOutputs({
            clusterName: this.clusterName,
            kubeconfig: this.kubeconfig,
            vpcId: this.network.vpcId,
            dataBucket: data?.bucket,
            adminRoleArn: this.adminRole?.arn,
        });
    }

    /** Admin and team access entries; returns what must exist before anything is applied through the provider. */
    private createAccessEntries(name: string, args: EksClusterArgs, partition: pulumi.Output<string>): pulumi.Resource[] {
        const adminPolicy = pulumi.interpolate`arn:${partition}:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy`;
        const specs = accessEntrySpecs(args.adminRoleArns, args.teams).map((s) => ({ ...s, principalArn: pulumi.output(s.principalArn) }));
        if (this.adminRole) {
            specs.unshift({ key: "stack-admin", principalArn: this.adminRole.arn, groups: [], admin: true });
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
                // Dev: destroy empties the bucket (logs included). Prod: protected, and left in place by destroy.
                { bucketPrefix: `${args.clusterName.slice(0, 30)}-data-`, forceDestroy: args.forceDestroyData, tags: args.tags },
                { ...parent, protect: args.protect, retainOnDelete: args.protect },
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
        // Airflow's logs and the shared job namespace's data; team prefixes belong to the team roles alone.
        const sharedPrefixes = [DATA_PREFIXES.airflowLogs, DATA_PREFIXES.sharedJobs];
        new aws.iam.RolePolicy(`${name}-data-role-s3`, { role: role.id, policy: bucketArn.apply((arn) => json(prefixBucketPolicy(arn, sharedPrefixes))) }, { parent: role });
        // Namespaces cannot contain dots, so "<namespace>.<account>" names are unambiguous.
        const associations = args.dataServiceAccounts.map(
            (sa) =>
                new aws.eks.PodIdentityAssociation(
                    `${name}-pod-identity-${sa.namespace}.${sa.serviceAccount}`,
                    { clusterName: this.cluster.name, namespace: sa.namespace, serviceAccount: sa.serviceAccount, roleArn: role.arn, tags: args.tags },
                    parent,
                ),
        );
        const teams = createTeamRoles(name, { clusterName: this.cluster.name, bucketArn, accountId, teams: args.teamData, tags: args.tags }, this);
        // A new role is assumable only once IAM has replicated it; the workloads wait for that.
        const iamWait = propagationWait(`${name}-data-role-propagation`, "awsIam", [role, ...associations, ...teams.associations], { role: role.arn }, this);
        return { bucket, associations: [...associations, ...teams.associations, iamWait] };
    }
}

export function createEks(name: string, cfg: PlatformConfig, opts?: pulumi.ComponentResourceOptions): ClusterTarget {
    return new EksCluster(name, eksArgsFrom(cfg), opts);
}
