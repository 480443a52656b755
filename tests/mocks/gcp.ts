// Mock outputs and invoke results for the gcp target: the output-only fields the GKE target reads, shaped like the
// real provider's (emails, endpoints, CA data), plus the project lookup used for the GKE service agent.
import type { CallFn, OutputsFn } from "./index";

/** Private endpoint GKE would give a Private Service Connect cluster (an address in the node subnetwork). */
export const MOCK_GKE_PRIVATE_ENDPOINT = "10.10.0.2";
export const MOCK_GKE_PUBLIC_ENDPOINT = "34.78.10.20";
export const MOCK_GKE_CA = Buffer.from("mock-gke-ca").toString("base64");
export const MOCK_GCP_PROJECT_NUMBER = "123456789012";
/** The DNS-based control-plane endpoint GKE gives a cluster that asks for one. */
export const MOCK_GKE_DNS_ENDPOINT = "gke-0123456789abcdef0123456789abcdef01234567-123456789012.europe-west1.gke.goog";

export const gcpOutputs: Record<string, OutputsFn> = {
    "gcp:serviceaccount/account:Account": (_name, inputs) => ({
        email: `${inputs.accountId}@${inputs.project}.iam.gserviceaccount.com`,
        name: `projects/${inputs.project}/serviceAccounts/${inputs.accountId}@${inputs.project}.iam.gserviceaccount.com`,
    }),
    "gcp:container/cluster:Cluster": (_name, inputs) => ({
        endpoint: inputs.privateClusterConfig?.enablePrivateEndpoint ? MOCK_GKE_PRIVATE_ENDPOINT : MOCK_GKE_PUBLIC_ENDPOINT,
        masterAuth: { ...inputs.masterAuth, clusterCaCertificate: MOCK_GKE_CA },
        privateClusterConfig: {
            ...inputs.privateClusterConfig,
            privateEndpoint: MOCK_GKE_PRIVATE_ENDPOINT,
            publicEndpoint: inputs.privateClusterConfig?.enablePrivateEndpoint ? "" : MOCK_GKE_PUBLIC_ENDPOINT,
        },
        ...(inputs.controlPlaneEndpointsConfig?.dnsEndpointConfig
            ? { controlPlaneEndpointsConfig: { dnsEndpointConfig: { ...inputs.controlPlaneEndpointsConfig.dnsEndpointConfig, endpoint: MOCK_GKE_DNS_ENDPOINT } } }
            : {}),
    }),
};

export const gcpCalls: Record<string, CallFn> = {
    "gcp:compute/getSubnetwork:getSubnetwork": () => ({ ipCidrRange: "10.30.0.0/20" }),
    "gcp:organizations/getProject:getProject": (inputs) => ({
        projectId: inputs.projectId,
        number: MOCK_GCP_PROJECT_NUMBER,
        name: inputs.projectId,
    }),
};
