// VPC endpoints of a created VPC: the S3 gateway on every private route table, and in prod interface endpoints for
// ECR and STS in the node subnets, reachable on 443 from the VPC only.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { endpointServiceName, VpcEndpointPlan } from "./day2";

export interface EndpointArgs {
    vpcId: pulumi.Input<string>;
    vpcCidr: string;
    region: string;
    routeTableIds: pulumi.Input<string>[];
    subnetIds: pulumi.Input<string>[];
    plan: VpcEndpointPlan;
    clusterName: string;
    tags: Record<string, string>;
}

export function createVpcEndpoints(name: string, args: EndpointArgs, parent: pulumi.Resource): aws.ec2.VpcEndpoint[] {
    const tagged = (n: string) => ({ ...args.tags, Name: `${args.clusterName}-${n}` });
    const out = args.plan.gateway.map(
        (service) =>
            new aws.ec2.VpcEndpoint(
                `${name}-endpoint-${service}`,
                {
                    vpcId: args.vpcId,
                    serviceName: endpointServiceName(args.region, service),
                    vpcEndpointType: "Gateway",
                    routeTableIds: args.routeTableIds,
                    tags: tagged(service),
                },
                { parent },
            ),
    );
    if (args.plan.interface.length === 0) {
        return out;
    }
    const sg = new aws.ec2.SecurityGroup(
        `${name}-endpoints-sg`,
        {
            vpcId: args.vpcId,
            description: "Interface endpoints: HTTPS from the VPC",
            ingress: [{ protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: [args.vpcCidr], description: "HTTPS from the VPC" }],
            egress: [],
            tags: tagged("endpoints"),
        },
        { parent },
    );
    for (const service of args.plan.interface) {
        out.push(
            new aws.ec2.VpcEndpoint(
                `${name}-endpoint-${service.replace(/\./g, "-")}`,
                {
                    vpcId: args.vpcId,
                    serviceName: endpointServiceName(args.region, service),
                    vpcEndpointType: "Interface",
                    privateDnsEnabled: true,
                    subnetIds: args.subnetIds,
                    securityGroupIds: [sg.id],
                    tags: tagged(service),
                },
                { parent },
            ),
        );
    }
    return out;
}
