// Day-2 decisions of the AKS target: the API server subnet of VNet integration, the kubelogin arguments that follow
// the provider's tenant, and who holds the deploy-time admin grant. Pure functions, unit-tested without mocks.
import { parseCidr, subnet } from "../../../stacks/cidr";

/** API server VNet integration needs a subnet of its own, delegated to AKS; /28 is the smallest AKS accepts. */
export const API_SERVER_SUBNET_PREFIX = 28;
export const API_SERVER_SUBNET_DELEGATION = "Microsoft.ContainerService/managedClusters";

/** The first /28 of the VNet's second half (the node subnet is the first half; the rest stays free). */
export function apiServerSubnetCidr(networkCidr: string): string {
    const net = parseCidr(networkCidr);
    if (!net) {
        throw new Error(`${networkCidr} is not a CIDR`);
    }
    return subnet(networkCidr, API_SERVER_SUBNET_PREFIX, 2 ** (API_SERVER_SUBNET_PREFIX - net.prefix - 1));
}

/**
 * kubelogin in `azurecli` mode, asking the provider's tenant for tokens, so a CLI session whose default tenant is
 * another one still gets a token the cluster accepts.
 */
export function kubeloginArgs(serverId: string, tenantId?: string): string[] {
    return ["get-token", "--login", "azurecli", "--server-id", serverId, ...(tenantId ? ["--tenant-id", tenantId] : [])];
}
