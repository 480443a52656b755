// Config rules specific to `dataops:cloud: azure` (AKS).
import { z } from "zod";
import type { CloudValidationContext, CloudValidationResult } from "./context";

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const azureSchema = z.strictObject({
    /** Use an existing resource group instead of creating one. */
    resourceGroupName: z.string().regex(/^[-\w._()]{1,90}$/, "must be a resource group name").optional(),
    /** Entra ID group object IDs that get cluster admin. */
    adminGroupObjectIds: z.array(z.string().regex(GUID, "must be an Entra ID object ID (a GUID)")).optional(),
    /** Storage account for Airflow/Spark logs and data (created when absent). */
    dataStorageAccount: z.string().regex(/^[a-z0-9]{3,24}$/, "must be 3-24 lowercase letters and digits").optional(),
});

export type AzureInput = z.infer<typeof azureSchema>;

export const AZURE_LOCATION_FORMAT = /^[a-z]+[a-z0-9]*$/;

export const AZURE_LOCATIONS = [
    "eastus", "eastus2", "centralus", "northcentralus", "southcentralus", "westcentralus", "westus", "westus2", "westus3",
    "canadacentral", "canadaeast", "brazilsouth", "mexicocentral", "northeurope", "westeurope", "uksouth", "ukwest",
    "francecentral", "germanywestcentral", "switzerlandnorth", "norwayeast", "swedencentral", "polandcentral",
    "italynorth", "spaincentral", "uaenorth", "qatarcentral", "israelcentral", "southafricanorth", "centralindia",
    "southindia", "japaneast", "japanwest", "koreacentral", "eastasia", "southeastasia", "australiaeast",
    "australiasoutheast", "newzealandnorth",
] as const;

export const AKS_VERSIONS = ["1.31", "1.32", "1.33", "1.34", "1.35"] as const;

export function validateAzure(ctx: CloudValidationContext): CloudValidationResult {
    void ctx;
    return { problems: [], warnings: [] };
}
