// GKE target (dataops:cloud: gcp): VPC with Cloud NAT, a private GKE Standard cluster on Dataplane V2 with Workload
// Identity, dedicated node service account, node pools, a GCS data bucket with its Google service account, the
// platform StorageClass and a Kubernetes provider authenticated by gke-gcloud-auth-plugin. Decisions live in
// gke/plan.ts as pure functions; this file only wires resources.
import * as gcp from "@pulumi/gcp";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { commonLabels, PORTS, ZONE_LABEL } from "../../stacks/catalog";
import type { PlatformConfig } from "../../stacks/config";
import {
    clusterLocation,
    dataBucketName,
    GKE_SA_ANNOTATION,
    GkeClusterArgs,
    gkeArgsFrom,
    gkeKubeconfig,
    gkeProfileChoices,
    MAINTENANCE_WINDOW,
    NODE_OAUTH_SCOPES,
    NODE_SA_ROLES,
    nodePoolPlan,
    serviceAccountId,
    validateGkeArgs,
    workloadIdentityMember,
} from "./gke/plan";
import { createFolderGrants, PRIVATE_GOOGLE_APIS, privateGoogleApisDns } from "./gke/data-access";
import { authPluginEnv, controlPlaneEndpoints } from "./gke/day2";
import { clusterAutoscaling, EXECUTOR_COMPUTE_CLASS, executorComputeClassSpec, gkePlacement, gkePoolName, isExecutorPool, withComputeClass } from "./gke/autoscaling";
import { CloudSqlMetadataDatabase, networkPath } from "./gke/database";
import { createGkeDns01, GKE_LOAD_BALANCER } from "./gke/dns";
import { ClusterInfo, ClusterTarget } from "./types";
import { propagationWait } from "./waits";

export * from "./gke/plan";

/** The platform's StorageClass: pd-balanced, bound where the pod lands, expandable. */
export const GKE_STORAGE_CLASS = "dataops-pd-balanced";
export const GKE_API_PORTS = [443];

export function createGke(name: string, cfg: PlatformConfig, opts?: pulumi.ComponentResourceOptions): ClusterTarget {
    return new GkeCluster(name, gkeArgsFrom(cfg), opts);
}

export class GkeCluster extends pulumi.ComponentResource implements ClusterTarget {
    readonly provider: k8s.Provider;
    readonly clusterName: pulumi.Output<string>;
    readonly kubeconfig: pulumi.Output<string>;
    readonly info: ClusterInfo;
    readonly ready: pulumi.Resource[];
    readonly cluster: gcp.container.Cluster;
    readonly nodePools: gcp.container.NodePool[];
    readonly nodeServiceAccountEmail: pulumi.Output<string>;
    readonly dataServiceAccountEmail: pulumi.Output<string>;
    readonly dataBucket: pulumi.Output<string>;

    constructor(name: string, args: GkeClusterArgs, opts?: pulumi.ComponentResourceOptions) {
        validateGkeArgs(args);
        super("dataops:cluster:Gke", name, {}, opts);
        const choices = gkeProfileChoices(args.profile);
        const location = clusterLocation(args);
        const { project, region, labels } = args;
        const stateful = { parent: this, protect: choices.protect };

        // Network: nodes only get private addresses, so Cloud NAT is their way out for image pulls;
        // Google APIs are reached through Private Google Access on the subnetwork.
        let networkId: pulumi.Input<string>;
        let subnetworkId: pulumi.Input<string>;
        let ipAllocationPolicy: gcp.types.input.container.ClusterIpAllocationPolicy;
        let nodeRange: pulumi.Input<string>;
        const netDeps: pulumi.Resource[] = [];
        if ("create" in args.network) {
            const plan = args.network.create;
            const network = new gcp.compute.Network(
                `${name}-network`,
                { project, name: args.clusterName, autoCreateSubnetworks: false, routingMode: "REGIONAL" },
                { parent: this },
            );
            const subnet = new gcp.compute.Subnetwork(
                `${name}-subnet`,
                {
                    project,
                    region,
                    name: `${args.clusterName}-nodes`,
                    network: network.id,
                    ipCidrRange: plan.nodeCidr,
                    secondaryIpRanges: [
                        { rangeName: "pods", ipCidrRange: plan.podCidr },
                        { rangeName: "services", ipCidrRange: plan.serviceCidr },
                    ],
                    privateIpGoogleAccess: true,
                    stackType: "IPV4_ONLY",
                    logConfig: choices.flowLogs
                        ? { aggregationInterval: "INTERVAL_10_MIN", flowSampling: 0.5, metadata: "INCLUDE_ALL_METADATA" }
                        : undefined,
                },
                { parent: network },
            );
            const router = new gcp.compute.Router(
                `${name}-router`,
                { project, region, name: `${args.clusterName}-router`, network: network.id },
                { parent: network },
            );
            const nat = new gcp.compute.RouterNat(
                `${name}-nat`,
                {
                    project,
                    region,
                    name: `${args.clusterName}-nat`,
                    router: router.name,
                    natIpAllocateOption: "AUTO_ONLY",
                    sourceSubnetworkIpRangesToNat: "LIST_OF_SUBNETWORKS",
                    subnetworks: [{ name: subnet.id, sourceIpRangesToNats: ["ALL_IP_RANGES"] }],
                    logConfig: { enable: true, filter: "ERRORS_ONLY" },
                },
                { parent: router },
            );
            networkId = network.id;
            subnetworkId = subnet.id;
            nodeRange = plan.nodeCidr;
            ipAllocationPolicy = { clusterSecondaryRangeName: "pods", servicesSecondaryRangeName: "services" };
            netDeps.push(nat);
        } else {
            // GKE adds the pod and service ranges to the existing subnetwork itself; NAT is the network owner's job.
            const e = args.network.existing;
            networkId = e.network;
            subnetworkId = e.subnetwork;
            nodeRange = gcp.compute.getSubnetworkOutput(
                e.subnetwork.includes("/") ? { selfLink: e.subnetwork } : { project, region, name: e.subnetwork },
                { parent: this },
            ).ipCidrRange;
            ipAllocationPolicy = { clusterIpv4CidrBlock: e.podCidr, servicesIpv4CidrBlock: e.serviceCidr };
        }

        // Dedicated node identity: the Compute default account has project Editor.
        const nodeSa = new gcp.serviceaccount.Account(
            `${name}-nodes`,
            {
                project,
                accountId: serviceAccountId(args.clusterName, "nodes"),
                displayName: `GKE nodes of ${args.clusterName}`,
            },
            { parent: this },
        );
        const nodeSaMember = pulumi.interpolate`serviceAccount:${nodeSa.email}`;
        const nodeRoles = NODE_SA_ROLES.map(
            (role) =>
                new gcp.projects.IAMMember(
                    `${name}-nodes-${role.split("/")[1]}`,
                    { project, role, member: nodeSaMember },
                    { parent: nodeSa },
                ),
        );

        // Application-layer Secrets encryption: the GKE service agent must be able to use the key before the cluster exists.
        let databaseEncryption: gcp.types.input.container.ClusterDatabaseEncryption = { state: "DECRYPTED" };
        const kmsDeps: pulumi.Resource[] = [];
        let stackKeyRing: gcp.kms.KeyRing | undefined;
        if (choices.kmsSecretsEncryption) {
            // Key rings can never be deleted: a suffix per stack incarnation lets a destroyed stack be created again.
            const suffix = new random.RandomString(`${name}-keyring-suffix`, { length: 6, special: false, upper: false }, stateful);
            const keyRing = new gcp.kms.KeyRing(
                `${name}-keyring`,
                { project, location: region, name: pulumi.interpolate`${args.clusterName}-${suffix.result}` },
                stateful,
            );
            const key = new gcp.kms.CryptoKey(
                `${name}-secrets-key`,
                { keyRing: keyRing.id, name: "gke-secrets", purpose: "ENCRYPT_DECRYPT", rotationPeriod: "7776000s", labels },
                { ...stateful, parent: keyRing },
            );
            const projectNumber = gcp.organizations.getProjectOutput({ projectId: project }, { parent: this }).number;
            kmsDeps.push(
                new gcp.kms.CryptoKeyIAMMember(
                    `${name}-secrets-key-gke`,
                    {
                        cryptoKeyId: key.id,
                        role: "roles/cloudkms.cryptoKeyEncrypterDecrypter",
                        member: pulumi.interpolate`serviceAccount:service-${projectNumber}@container-engine-robot.iam.gserviceaccount.com`,
                    },
                    // Parented to the component, not the key: children inherit `protect`, and a grant holds no data.
                    { parent: this },
                ),
            );
            databaseEncryption = { state: "ENCRYPTED", keyName: key.id };
            stackKeyRing = keyRing;
        }

        const shielded = { enableSecureBoot: true, enableIntegrityMonitoring: true };
        const authorized = args.authorizedCidrs.map((cidrBlock) => ({ cidrBlock, displayName: `dataops ${cidrBlock}` }));
        this.cluster = new gcp.container.Cluster(
            `${name}-gke`,
            {
                project,
                name: args.clusterName,
                location,
                network: networkId,
                subnetwork: subnetworkId,
                networkingMode: "VPC_NATIVE",
                ipAllocationPolicy,
                // The default pool is deleted right after creation; it still runs as the node SA so clusters can be
                // created in projects where the Compute default account is disabled.
                removeDefaultNodePool: true,
                initialNodeCount: 1,
                nodeConfig: {
                    serviceAccount: nodeSa.email,
                    oauthScopes: NODE_OAUTH_SCOPES,
                    shieldedInstanceConfig: shielded,
                    workloadMetadataConfig: { mode: "GKE_METADATA" },
                },
                minMasterVersion: args.kubernetesVersion,
                releaseChannel: { channel: args.releaseChannel },
                maintenancePolicy: { recurringWindow: { ...MAINTENANCE_WINDOW } },
                // No masterIpv4CidrBlock: new private clusters use Private Service Connect, the endpoint gets an
                // address in the node subnetwork.
                privateClusterConfig: { enablePrivateNodes: true, enablePrivateEndpoint: args.privateEndpoint },
                controlPlaneEndpointsConfig: controlPlaneEndpoints(args.dnsEndpoint),
                // Without CIDRs a public dev endpoint stays reachable from anywhere (IAM still authenticates).
                masterAuthorizedNetworksConfig:
                    args.privateEndpoint || authorized.length > 0
                        ? {
                              cidrBlocks: authorized,
                              gcpPublicCidrsAccessEnabled: false,
                              privateEndpointEnforcementEnabled: args.privateEndpoint && authorized.length > 0,
                          }
                        : undefined,
                // Dataplane V2 (eBPF, Cilium) enforces NetworkPolicies and replaces kube-proxy.
                datapathProvider: "ADVANCED_DATAPATH",
                workloadIdentityConfig: { workloadPool: `${project}.svc.id.goog` },
                databaseEncryption,
                enableShieldedNodes: true,
                enableLegacyAbac: false,
                masterAuth: { clientCertificateConfig: { issueClientCertificate: false } },
                authenticatorGroupsConfig: args.securityGroup ? { securityGroup: args.securityGroup } : undefined,
                loggingConfig: { enableComponents: choices.logComponents },
                // Managed Prometheus stays off: the platform runs kube-prometheus-stack.
                monitoringConfig: { enableComponents: choices.metricComponents, managedPrometheus: { enabled: false } },
                addonsConfig: {
                    gcePersistentDiskCsiDriverConfig: { enabled: true },
                    httpLoadBalancing: { disabled: false },
                    horizontalPodAutoscaling: { disabled: false },
                },
                clusterAutoscaling: clusterAutoscaling(args.nodePools, args.profile, nodeSa.email),
                deletionProtection: args.deletionProtection,
                resourceLabels: labels,
            },
            {
                ...stateful,
                dependsOn: [...netDeps, ...nodeRoles, ...kmsDeps],
                // The default pool's settings only matter at creation; GKE reports them differently afterwards.
                ignoreChanges: ["nodeConfig", "initialNodeCount"],
            },
        );

        // The control plane calls admission webhooks on the nodes, and a private cluster lets it reach only 443 and 10250
        // by default; the Spark operator's webhook (failurePolicy Fail) listens on its own port.
        const webhooks = new gcp.compute.Firewall(
            `${name}-webhooks`,
            {
                project,
                network: networkId,
                direction: "INGRESS",
                description: "Control plane to admission webhooks on the nodes",
                sourceRanges: [this.cluster.privateClusterConfig.apply((c) => `${c.privateEndpoint}/32`)],
                targetServiceAccounts: [nodeSa.email],
                allows: [{ protocol: "tcp", ports: [String(PORTS.sparkWebhook)] }],
            },
            { parent: this },
        );

        this.nodePools = args.nodePools.map((pool) => {
            const p = nodePoolPlan(withComputeClass(pool), choices.regional);
            return new gcp.container.NodePool(
                `${name}-pool-${p.name}`,
                {
                    project,
                    location,
                    cluster: this.cluster.name,
                    // The suffix follows the create-only settings, so a replacement pool exists beside the old one.
                    name: gkePoolName(pool),
                    initialNodeCount: p.initialNodeCount,
                    autoscaling: p.autoscaling,
                    management: { autoRepair: true, autoUpgrade: true },
                    upgradeSettings: { strategy: "SURGE", maxSurge: 1, maxUnavailable: 0 },
                    nodeConfig: {
                        machineType: p.machineType,
                        diskSizeGb: p.diskSizeGb,
                        diskType: "pd-balanced",
                        imageType: "COS_CONTAINERD",
                        spot: p.spot,
                        labels: p.labels,
                        taints: p.taints,
                        serviceAccount: nodeSa.email,
                        oauthScopes: NODE_OAUTH_SCOPES,
                        workloadMetadataConfig: { mode: "GKE_METADATA" },
                        shieldedInstanceConfig: shielded,
                        metadata: { "disable-legacy-endpoints": "true" },
                        resourceLabels: labels,
                    },
                },
                // The autoscaler owns the node count after creation. Parented to the component so pools do not inherit
                // the cluster's `protect`: they hold no data and must stay replaceable.
                { parent: this, ignoreChanges: ["initialNodeCount", "nodeCount"] },
            );
        });

        // Data: one bucket, one Google service account with object access to it, impersonated by the Airflow and Spark
        // Kubernetes service accounts through Workload Identity.
        let bucketName: pulumi.Output<string>;
        if (args.dataBucket === undefined) {
            const bucket = new gcp.storage.Bucket(
                `${name}-data`,
                {
                    project,
                    name: dataBucketName(project, args.clusterName),
                    location: region.toUpperCase(),
                    uniformBucketLevelAccess: true,
                    publicAccessPrevention: "enforced",
                    versioning: { enabled: choices.bucketVersioning },
                    forceDestroy: choices.bucketForceDestroy,
                    labels,
                },
                // Prod: `pulumi destroy` leaves the bucket and its data in place.
                { ...stateful, retainOnDelete: choices.protect },
            );
            bucketName = bucket.name;
        } else {
            bucketName = pulumi.output(args.dataBucket);
        }
        const dataSa = new gcp.serviceaccount.Account(
            `${name}-data-sa`,
            {
                project,
                accountId: serviceAccountId(args.clusterName, "data"),
                displayName: `Airflow and Spark of ${args.clusterName} (bucket access)`,
            },
            { parent: this },
        );
        // Access per prefix (managed folders), not to the whole bucket: team prefixes belong to the teams alone.
        const folderAccess = createFolderGrants(
            name,
            { project, bucket: bucketName, platformMember: pulumi.interpolate`serviceAccount:${dataSa.email}`, grants: args.folders, cluster: this.cluster },
            this,
        );
        const dns = "create" in args.network ? privateGoogleApisDns(name, { project, clusterName: args.clusterName, network: networkId, labels }, this) : [];
        const ksas = args.workloadIdentity.airflow;
        const wiReady: pulumi.Resource[] = [...folderAccess, ...dns];
        if (ksas.length > 0) {
            // Authoritative for this role on an account the stack owns: nothing else can be granted impersonation.
            wiReady.push(
                new gcp.serviceaccount.IAMBinding(
                    `${name}-data-wi`,
                    {
                        serviceAccountId: dataSa.name,
                        role: "roles/iam.workloadIdentityUser",
                        members: ksas.map((k) => workloadIdentityMember(project, k)),
                    },
                    // Workload Identity members only resolve once the cluster created the pool.
                    { parent: dataSa, dependsOn: [this.cluster] },
                ),
            );
        }

        // Through the DNS endpoint when there is one: it is reachable from outside the VPC and checks IAM.
        const endpoint = args.dnsEndpoint
            ? this.cluster.controlPlaneEndpointsConfig.apply((c) => c.dnsEndpointConfig?.endpoint ?? "")
            : this.cluster.endpoint;
        this.kubeconfig = pulumi.secret(
            pulumi
                .all([endpoint, this.cluster.masterAuth])
                .apply(([server, auth]) =>
                    gkeKubeconfig({
                        project,
                        location,
                        clusterName: args.clusterName,
                        endpoint: server,
                        caCertificate: auth.clusterCaCertificate ?? "",
                        env: authPluginEnv(args.impersonateServiceAccount),
                    }),
                ),
        );
        // The provider is replaced only when its cluster identifier changes, not when the kubeconfig does (CA rotation).
        this.provider = new k8s.Provider(
            `${name}-k8s`,
            { kubeconfig: this.kubeconfig, clusterIdentifier: this.cluster.id, enableServerSideApply: true },
            { parent: this },
        );

        const storageClass = new k8s.storage.v1.StorageClass(
            `${name}-storageclass`,
            {
                metadata: { name: GKE_STORAGE_CLASS, labels: commonLabels() },
                provisioner: "pd.csi.storage.gke.io",
                parameters: { type: "pd-balanced" },
                reclaimPolicy: choices.reclaimPolicy,
                volumeBindingMode: "WaitForFirstConsumer",
                allowVolumeExpansion: true,
            },
            { parent: this, provider: this.provider },
        );

        const computeClasses = args.nodePools.some(isExecutorPool)
            ? [
                  new k8s.apiextensions.CustomResource(
                      `${name}-computeclass-executors`,
                      {
                          apiVersion: "cloud.google.com/v1",
                          kind: "ComputeClass",
                          metadata: { name: EXECUTOR_COMPUTE_CLASS, labels: commonLabels() },
                          spec: nodeSa.email.apply((email) => executorComputeClassSpec(args.nodePools, email)),
                      },
                      { parent: this, provider: this.provider, dependsOn: this.nodePools },
                  ),
              ]
            : [];
        const database =
            args.database &&
            new CloudSqlMetadataDatabase(
                `${name}-airflow-db`,
                {
                    project,
                    region,
                    clusterName: args.clusterName,
                    settings: args.database,
                    network: "create" in args.network ? networkId : networkPath(project, args.network.existing.network),
                    createPrivateServicesAccess: "create" in args.network,
                    keyRing: stackKeyRing?.id,
                    labels,
                },
                { parent: this },
            );

        const identity = { serviceAccountAnnotations: { [GKE_SA_ANNOTATION]: dataSa.email }, podLabels: {} };
        const dns01 = args.dns01Zone
            ? createGkeDns01(name, { project, clusterName: args.clusterName, managedZone: args.dns01Zone, cluster: this.cluster }, this)
            : undefined;
        this.info = {
            cloud: "gcp",
            managedControlPlane: true,
            storageClass: GKE_STORAGE_CLASS,
            networkCidrs: [nodeRange],
            // The GKE metadata server (Workload Identity); with Dataplane V2 it also answers on 169.254.169.252:988.
            identityEndpoints: [
                { cidr: "169.254.169.254/32", port: 80 },
                { cidr: "169.254.169.252/32", port: 988 },
            ],
            // Dataplane V2 applies egress policy after Service translation, so the rule must name the endpoint itself.
            apiServer: {
                cidrs: [this.cluster.privateClusterConfig.apply((c) => `${c.privateEndpoint}/32`)],
                ports: GKE_API_PORTS,
            },
            zoneTopologyKey: ZONE_LABEL,
            networkPolicyEnforced: true,
            kubeProxy: false,
            // Spark service accounts are Workload Identity principals of their own (no Google SA to annotate).
            workloadIdentity: { airflow: identity, spark: { serviceAccountAnnotations: {}, podLabels: {} } },
            dataStore: {
                kind: "gcs",
                bucket: bucketName,
                logsUrl: pulumi.interpolate`gs://${bucketName}/airflow-logs`,
                endpoints: { cidrs: [PRIVATE_GOOGLE_APIS.cidr], port: 443 },
            },
            placement: gkePlacement(args.nodePools),
            metadataDatabase: database?.database,
            frontDoor: { loadBalancerAnnotations: GKE_LOAD_BALANCER, dns01: dns01?.info },
        };
        // IAM bindings (Workload Identity included) take minutes to apply; Airflow and Spark wait for them.
        const iamWait = propagationWait(`${name}-iam-propagation`, "gcpIam", wiReady, { dataServiceAccount: dataSa.email }, this);
        this.ready = [this.cluster, ...this.nodePools, webhooks, storageClass, ...computeClasses, ...wiReady, iamWait, ...(dns01?.ready ?? [])];
        this.clusterName = this.cluster.name;
        this.nodeServiceAccountEmail = nodeSa.email;
        this.dataServiceAccountEmail = dataSa.email;
        this.dataBucket = bucketName;
        this.registerOutputs({
            clusterName: this.clusterName,
            kubeconfig: this.kubeconfig,
            nodeServiceAccountEmail: this.nodeServiceAccountEmail,
            dataServiceAccountEmail: this.dataServiceAccountEmail,
            dataBucket: this.dataBucket,
        });
    }
}
