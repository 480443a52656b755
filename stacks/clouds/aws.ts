// Config rules specific to `dataops:cloud: aws` (EKS).
import { z } from "zod";
import type { CloudValidationContext, CloudValidationResult } from "./context";

export const awsSchema = z.strictObject({
    /** Use an existing VPC instead of creating one (then subnet ids are required). */
    vpcId: z.string().regex(/^vpc-[0-9a-f]{8,17}$/, "must be a VPC id like vpc-0123456789abcdef0").optional(),
    privateSubnetIds: z.array(z.string().regex(/^subnet-[0-9a-f]{8,17}$/, "must be a subnet id like subnet-0123abcd")).optional(),
    publicSubnetIds: z.array(z.string().regex(/^subnet-[0-9a-f]{8,17}$/, "must be a subnet id like subnet-0123abcd")).optional(),
    /** IAM role ARNs granted cluster admin through an access entry. */
    adminRoleArns: z.array(z.string().regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/.+$/, "must be an IAM role ARN")).optional(),
    /** S3 bucket for Airflow/Spark logs and data: an existing bucket name, or created when absent. */
    dataBucket: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, "must be a valid S3 bucket name").optional(),
    logRetentionDays: z.number().int().min(1).optional(),
});

export type AwsInput = z.infer<typeof awsSchema>;

/** Regions known to offer EKS; a well-formed region outside this list is a warning, not an error. */
export const AWS_REGIONS = [
    "us-east-1", "us-east-2", "us-west-1", "us-west-2", "ca-central-1", "ca-west-1", "sa-east-1", "mx-central-1",
    "eu-west-1", "eu-west-2", "eu-west-3", "eu-central-1", "eu-central-2", "eu-north-1", "eu-south-1", "eu-south-2",
    "ap-south-1", "ap-south-2", "ap-northeast-1", "ap-northeast-2", "ap-northeast-3", "ap-southeast-1",
    "ap-southeast-2", "ap-southeast-3", "ap-southeast-4", "ap-southeast-5", "ap-southeast-7", "ap-east-1",
    "me-south-1", "me-central-1", "il-central-1", "af-south-1",
] as const;

export const AWS_REGION_FORMAT = /^[a-z]{2}(-gov)?-[a-z]+-\d$/;

/** EKS minor versions in standard or extended support when this was written. */
export const EKS_VERSIONS = ["1.30", "1.31", "1.32", "1.33", "1.34", "1.35"] as const;

export function validateAws(ctx: CloudValidationContext): CloudValidationResult {
    void ctx;
    return { problems: [], warnings: [] };
}
