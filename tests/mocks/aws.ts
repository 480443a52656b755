// Mock outputs and invoke results for the aws target: what AWS would compute (ARNs, endpoint, CA, versions), with
// fixed, recognisable values so tests can assert them exactly.
import * as pulumi from "@pulumi/pulumi";
import type { CallFn, OutputsFn } from "./index";

export const MOCK_ACCOUNT = "123456789012";
export const MOCK_ENDPOINT = "https://ABCDEF0123456789.gr7.eu-west-1.eks.amazonaws.com";
export const MOCK_CA = "bW9jay1jYQ==";
/** Role the mocked session of the deploying identity was issued from. */
export const MOCK_DEPLOYER_ROLE = `arn:aws:iam::${MOCK_ACCOUNT}:role/deployer`;

/** Release date part of the mocked EKS-optimized AMI release versions. */
export const MOCK_AMI_DATE = "20251120";

/** Default add-on versions EKS pairs with a Kubernetes minor (the mock ignores the minor). */
export const MOCK_ADDON_VERSIONS: Record<string, string> = {
    "vpc-cni": "v1.20.4-eksbuild.2",
    coredns: "v1.12.4-eksbuild.1",
    "kube-proxy": "v1.34.1-eksbuild.2",
    "eks-pod-identity-agent": "v1.3.9-eksbuild.3",
    "aws-ebs-csi-driver": "v1.51.1-eksbuild.1",
};

/** What the S3 prefix list returns under mocks. */
export const MOCK_S3_CIDRS = ["3.5.64.0/21", "52.218.0.0/17"];

const region = () => pulumi.runtime.getConfig("aws:region") ?? "us-east-1";

export const awsOutputs: Record<string, OutputsFn> = {
    "aws:eks/cluster:Cluster": (name, inputs) => ({
        arn: `arn:aws:eks:${region()}:${MOCK_ACCOUNT}:cluster/${inputs.name ?? name}`,
        endpoint: MOCK_ENDPOINT,
        certificateAuthority: { data: MOCK_CA },
        vpcConfig: { ...inputs.vpcConfig, clusterSecurityGroupId: "sg-0c1u5te7000000001", vpcId: "vpc-0mock" },
        status: "ACTIVE",
    }),
    "aws:iam/role:Role": (name) => ({ arn: `arn:aws:iam::${MOCK_ACCOUNT}:role/${name}`, name }),
    "aws:sqs/queue:Queue": (name) => ({
        arn: `arn:aws:sqs:${region()}:${MOCK_ACCOUNT}:${name}`,
        name,
        url: `https://sqs.${region()}.amazonaws.com/${MOCK_ACCOUNT}/${name}`,
    }),
    "aws:kms/key:Key": (name) => ({ arn: `arn:aws:kms:${region()}:${MOCK_ACCOUNT}:key/${name}`, keyId: `${name}-key-id` }),
    "aws:cloudwatch/logGroup:LogGroup": (name, inputs) => ({ arn: `arn:aws:logs:${region()}:${MOCK_ACCOUNT}:log-group:${inputs.name ?? name}` }),
    "aws:ec2/launchTemplate:LaunchTemplate": () => ({ latestVersion: 1 }),
    "aws:rds/parameterGroup:ParameterGroup": (name, inputs) => ({ name: inputs.name ?? `${inputs.namePrefix ?? `${name}-`}mock` }),
    "aws:rds/instance:Instance": (name, inputs) => {
        const address = `${inputs.identifier ?? name}.c0mock0rds.${region()}.rds.amazonaws.com`;
        return { address, endpoint: `${address}:${inputs.port ?? 5432}`, arn: `arn:aws:rds:${region()}:${MOCK_ACCOUNT}:db:${inputs.identifier ?? name}` };
    },
    "aws:s3/bucket:Bucket": (name, inputs) => {
        const bucket = inputs.bucket ?? `${inputs.bucketPrefix ?? `${name}-`}mock`;
        return { bucket, arn: `arn:aws:s3:::${bucket}` };
    },
};

export const awsCalls: Record<string, CallFn> = {
    "aws:index/getPartition:getPartition": () => ({ id: "aws", partition: "aws", dnsSuffix: "amazonaws.com", reverseDnsPrefix: "com.amazonaws" }),
    "aws:index/getCallerIdentity:getCallerIdentity": () => ({
        id: MOCK_ACCOUNT,
        accountId: MOCK_ACCOUNT,
        arn: `arn:aws:sts::${MOCK_ACCOUNT}:assumed-role/deployer/ci-session`,
        userId: "AROAMOCK:ci-session",
    }),
    "aws:iam/getSessionContext:getSessionContext": (inputs) => ({
        id: inputs.arn,
        arn: inputs.arn,
        issuerArn: MOCK_DEPLOYER_ROLE,
        issuerId: "AROAMOCK",
        issuerName: "deployer",
        sessionName: "ci-session",
    }),
    "aws:index/getAvailabilityZones:getAvailabilityZones": () => {
        const names = ["a", "b", "c", "d"].map((z) => `${region()}${z}`);
        return { id: region(), names, zoneIds: names.map((_, i) => `mock-az${i + 1}`), groupNames: [region()] };
    },
    "aws:eks/getAddonVersion:getAddonVersion": (inputs) => ({
        id: inputs.addonName,
        addonName: inputs.addonName,
        kubernetesVersion: inputs.kubernetesVersion,
        version: MOCK_ADDON_VERSIONS[inputs.addonName] ?? "v0.0.0-unknown",
    }),
    // S3's published ranges in the region (the real list has a handful of entries and changes rarely).
    "aws:ec2/getManagedPrefixList:getManagedPrefixList": (inputs) => ({
        id: "pl-6ea54007",
        name: inputs.name,
        entries: MOCK_S3_CIDRS.map((cidr) => ({ cidr, description: "" })),
    }),
    // EKS-optimized AMI releases: `<minor>.<patch>-<date>` for the minor in the parameter name.
    "aws:ssm/getParameter:getParameter": (inputs) => {
        const minor = /optimized-ami\/(\d+\.\d+)\//.exec(String(inputs.name))?.[1] ?? "0.0";
        return { id: inputs.name, name: inputs.name, type: "String", value: `${minor}.4-${MOCK_AMI_DATE}`, insecureValue: "", version: 1, arn: "" };
    },
    // Existing subnets: the last two hex digits of the id pick the third octet of a /24 in 10.20.0.0/16.
    "aws:ec2/getVpc:getVpc": (inputs) => ({ id: inputs.id, cidrBlock: "10.20.0.0/16" }),
    "aws:ec2/getSubnet:getSubnet": (inputs) => ({ id: inputs.id, cidrBlock: `10.20.${parseInt(String(inputs.id).slice(-2), 16)}.0/24` }),
};
