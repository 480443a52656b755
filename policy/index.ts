// The CrossGuard pack: `pulumi preview --policy-pack policy`. The policies live in policies.ts so tests can run them
// without constructing a PolicyPack (its constructor starts the analyzer's gRPC server).
import { PolicyPack } from "@pulumi/policy";
import { policies } from "./policies";

new PolicyPack("dataops", {
    description: "The dataops platform's guarantees: pinned atomic releases, isolated namespaces, least-privilege teams, hardened prod clusters.",
    enforcementLevel: "mandatory",
    policies,
});
