// Day-2 decisions of the GKE target: the DNS-based control-plane endpoint CI reaches a private cluster through, and
// the gcloud settings that make the kubeconfig act as the provider's identity. Pure functions, tested without mocks.

/**
 * The DNS endpoint: a Google-fronted name for the control plane that any network can reach and that admits a request
 * only with IAM permission on the cluster (container.clusters.connect), so a CI runner outside the VPC can deploy a
 * cluster whose IP endpoint is private. Undefined leaves the endpoint configuration to GKE.
 */
export function controlPlaneEndpoints(dnsEndpoint: boolean): { dnsEndpointConfig: { allowExternalTraffic: boolean } } | undefined {
    return dnsEndpoint ? { dnsEndpointConfig: { allowExternalTraffic: true } } : undefined;
}

/**
 * Environment of gke-gcloud-auth-plugin: it gets its token from gcloud, which impersonates the service account the
 * provider impersonates (`gcp:impersonateServiceAccount`), so Kubernetes calls run as the identity cloud calls do.
 */
export function authPluginEnv(impersonateServiceAccount?: string): { name: string; value: string }[] {
    return impersonateServiceAccount ? [{ name: "CLOUDSDK_AUTH_IMPERSONATE_SERVICE_ACCOUNT", value: impersonateServiceAccount }] : [];
}
