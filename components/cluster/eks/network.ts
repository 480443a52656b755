// The EKS network: a new VPC across three zones (private node subnets, public load-balancer subnets, NAT), or an
// existing VPC's subnets. Resources are children of the EKS component (subnets, routes and gateways of the VPC).
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { Profile } from "../../../stacks/schema";
import { VpcEndpointPlan } from "./day2";
import { createVpcEndpoints } from "./endpoints";
import { natGatewayCount, subnetPlan, ZONE_COUNT } from "./plan";

/** Zone IDs where EKS cannot place a control plane; zone names map to different IDs in each account. */
export const EKS_UNSUPPORTED_ZONE_IDS = ["use1-az3", "usw1-az2", "cac1-az3"];

export interface EksNetwork {
    vpcId: pulumi.Input<string>;
    /** Node subnets; the control plane's ENIs are placed in them too. */
    privateSubnetIds: pulumi.Input<string>[];
    /** Their ranges: where pods reach the API server. */
    privateCidrs: pulumi.Input<string>[];
    /** The VPC's range: nodes and the private services beside them (an external Airflow database, say). */
    vpcCidrs: pulumi.Input<string>[];
    /** Egress paths the nodes need before they can join (NAT and routes); empty for an existing VPC. */
    egress: pulumi.Resource[];
}

export interface NewVpcArgs {
    networkCidr: string;
    profile: Profile;
    clusterName: string;
    tags: Record<string, string>;
    region: string;
    endpoints: VpcEndpointPlan;
}

export function createVpc(name: string, args: NewVpcArgs, parent: pulumi.Resource): EksNetwork {
    const plan = subnetPlan(args.networkCidr);
    const tagged = (n: string, extra: Record<string, string> = {}) => ({ ...args.tags, Name: n, ...extra });
    // Zones are looked up, not hard-coded; opt-in Local Zones are excluded because EKS cannot use them for nodes here.
    const zones = aws.getAvailabilityZonesOutput(
        {
            state: "available",
            filters: [{ name: "opt-in-status", values: ["opt-in-not-required"] }],
            excludeZoneIds: EKS_UNSUPPORTED_ZONE_IDS,
        },
        { parent },
    ).names.apply((names) => {
        if (names.length < ZONE_COUNT) {
            throw new pulumi.RunError(`aws:region has ${names.length} availability zones; the EKS target needs ${ZONE_COUNT}.`);
        }
        return names.slice(0, ZONE_COUNT);
    });

    const vpc = new aws.ec2.Vpc(
        `${name}-vpc`,
        { cidrBlock: args.networkCidr, enableDnsHostnames: true, enableDnsSupport: true, tags: tagged(`${args.clusterName}-vpc`) },
        { parent },
    );
    // The default security group allows all traffic between its members; nothing should use it, so it is emptied.
    new aws.ec2.DefaultSecurityGroup(`${name}-vpc-default-sg`, { vpcId: vpc.id, ingress: [], egress: [], tags: tagged(`${args.clusterName}-default`) }, { parent: vpc });
    const igw = new aws.ec2.InternetGateway(`${name}-igw`, { vpcId: vpc.id, tags: tagged(`${args.clusterName}-igw`) }, { parent: vpc });

    const publicRt = new aws.ec2.RouteTable(`${name}-public-rt`, { vpcId: vpc.id, tags: tagged(`${args.clusterName}-public`) }, { parent: vpc });
    const publicRoute = new aws.ec2.Route(
        `${name}-public-default`,
        { routeTableId: publicRt.id, destinationCidrBlock: "0.0.0.0/0", gatewayId: igw.id },
        { parent: publicRt },
    );

    const publicSubnets = plan.public.map((cidr, i) => {
        const s = new aws.ec2.Subnet(
            `${name}-public-${i + 1}`,
            {
                vpcId: vpc.id,
                cidrBlock: cidr,
                availabilityZone: zones[i],
                // Load balancers get their own public addresses; instances never should.
                mapPublicIpOnLaunch: false,
                tags: tagged(`${args.clusterName}-public-${i + 1}`, { "kubernetes.io/role/elb": "1" }),
            },
            { parent: vpc },
        );
        new aws.ec2.RouteTableAssociation(`${name}-public-${i + 1}-rta`, { subnetId: s.id, routeTableId: publicRt.id }, { parent: s });
        return s;
    });

    const nats = [...Array(natGatewayCount(args.profile)).keys()].map((n) => {
        const eip = new aws.ec2.Eip(`${name}-nat-${n + 1}-eip`, { domain: "vpc", tags: tagged(`${args.clusterName}-nat-${n + 1}`) }, { parent: vpc });
        return new aws.ec2.NatGateway(
            `${name}-nat-${n + 1}`,
            { allocationId: eip.id, subnetId: publicSubnets[n].id, tags: tagged(`${args.clusterName}-nat-${n + 1}`) },
            { parent: vpc, dependsOn: [publicRoute] },
        );
    });

    const egress: pulumi.Resource[] = [...nats];
    const privateRouteTables: pulumi.Output<string>[] = [];
    const privateSubnets = plan.private.map((cidr, i) => {
        const s = new aws.ec2.Subnet(
            `${name}-private-${i + 1}`,
            {
                vpcId: vpc.id,
                cidrBlock: cidr,
                availabilityZone: zones[i],
                mapPublicIpOnLaunch: false,
                // Internal load balancers, and Karpenter's subnet discovery should it be added later.
                tags: tagged(`${args.clusterName}-private-${i + 1}`, { "kubernetes.io/role/internal-elb": "1", "karpenter.sh/discovery": args.clusterName }),
            },
            { parent: vpc },
        );
        const rt = new aws.ec2.RouteTable(`${name}-private-${i + 1}-rt`, { vpcId: vpc.id, tags: tagged(`${args.clusterName}-private-${i + 1}`) }, { parent: vpc });
        privateRouteTables.push(rt.id);
        // Each zone uses its own NAT gateway when there is one per zone (prod), else the shared one.
        const route = new aws.ec2.Route(
            `${name}-private-${i + 1}-default`,
            { routeTableId: rt.id, destinationCidrBlock: "0.0.0.0/0", natGatewayId: nats[Math.min(i, nats.length - 1)].id },
            { parent: rt },
        );
        const rta = new aws.ec2.RouteTableAssociation(`${name}-private-${i + 1}-rta`, { subnetId: s.id, routeTableId: rt.id }, { parent: s });
        egress.push(route, rta);
        return s;
    });

    createVpcEndpoints(
        name,
        {
            vpcId: vpc.id,
            vpcCidr: args.networkCidr,
            region: args.region,
            routeTableIds: privateRouteTables,
            subnetIds: privateSubnets.map((s) => s.id),
            plan: args.endpoints,
            clusterName: args.clusterName,
            tags: args.tags,
        },
        vpc,
    );

    return {
        vpcId: vpc.id,
        privateSubnetIds: privateSubnets.map((s) => s.id),
        privateCidrs: plan.private,
        vpcCidrs: [args.networkCidr],
        egress,
    };
}

/** An existing VPC: nothing is created; the subnets' ranges are looked up for the API egress policy. */
export function existingVpc(vpcId: string, privateSubnetIds: string[], parent: pulumi.Resource): EksNetwork {
    return {
        vpcId,
        privateSubnetIds,
        privateCidrs: privateSubnetIds.map((id) => aws.ec2.getSubnetOutput({ id }, { parent }).cidrBlock),
        vpcCidrs: [aws.ec2.getVpcOutput({ id: vpcId }, { parent }).cidrBlock],
        egress: [],
    };
}
