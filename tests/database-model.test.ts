// The managed metadata database seen in the rendered model (real helm over the program's values, plus the program's
// own objects): no bundled PostgreSQL is rendered, Airflow reads the Secret built from the instance, and the only
// NetworkPolicy egress in the whole cluster that reaches the database's addresses on 5432 is Airflow's, to exactly them.
import * as assert from "assert";
import { databaseSubnetCidrs } from "../components/cluster/eks/database";
import { databaseSubnetCidr } from "../components/cluster/aks/database";
import { K8sObject, stackModel } from "../model";
import { Cidr, contains, overlaps, parseCidr } from "../stacks/cidr";
import { MOCK_CLOUD_SQL_IP } from "./mocks/gcp";

const DB_PORT = 5432;

/** The database's addresses per shipped prod stack, as the target reports them (fixed by the address plan and mocks). */
const DATABASES: Record<string, string[]> = {
    "prod-aws": databaseSubnetCidrs("10.10.0.0/16"),
    "prod-gcp": [`${MOCK_CLOUD_SQL_IP}/32`],
    "prod-azure": [databaseSubnetCidr("10.20.0.0/16")],
};

const objectsOf = (objects: { object: K8sObject }[], kind: string) => objects.map((o) => o.object).filter((o) => o.kind === kind);

/** Every (namespace, policy, cidr) whose egress reaches any of `db` on DB_PORT: ipBlocks minus their excepts, any port or 5432. */
function egressReaching(policies: K8sObject[], db: Cidr[]): { namespace: string; policy: string; cidr: string }[] {
    const out: { namespace: string; policy: string; cidr: string }[] = [];
    for (const p of policies) {
        if (!(p.spec?.policyTypes ?? []).includes("Egress") && !p.spec?.egress) {
            continue;
        }
        for (const rule of p.spec?.egress ?? []) {
            const ports: { port?: number | string }[] | undefined = rule.ports;
            const onPort = !ports || ports.length === 0 || ports.some((x) => x.port === undefined || x.port === DB_PORT);
            // A rule without `to` allows every destination.
            const peers: { ipBlock?: { cidr: string; except?: string[] } }[] = rule.to ?? [{ ipBlock: { cidr: "0.0.0.0/0" } }];
            for (const peer of peers) {
                const block = peer.ipBlock && parseCidr(peer.ipBlock.cidr);
                if (!onPort || !block) {
                    continue;
                }
                const except = (peer.ipBlock!.except ?? []).map((e) => parseCidr(e)!);
                if (db.some((d) => overlaps(block, d) && !except.some((e) => contains(e, d)))) {
                    out.push({ namespace: p.metadata.namespace ?? "", policy: p.metadata.name, cidr: peer.ipBlock!.cidr });
                }
            }
        }
    }
    return out;
}

describe("rendered model: the managed metadata database", function () {
    this.timeout(600_000);

    for (const [stack, cidrs] of Object.entries(DATABASES)) {
        it(`${stack}: renders no PostgreSQL, points Airflow at the metadata Secret, and opens egress to exactly the database`, async () => {
            const model = await stackModel(stack);
            const airflow = model.objects.filter((o) => "release" in o.origin && o.origin.release === "airflow").map((o) => o.object);
            assert.ok(airflow.length > 0, "the airflow release rendered");
            const postgres = airflow.filter((o) => /postgres/i.test(o.metadata.name) || JSON.stringify(o.spec?.template?.spec?.containers ?? []).includes("postgresql"));
            assert.deepStrictEqual(postgres.map((o) => `${o.kind}/${o.metadata.name}`), []);

            // Every Airflow container that gets the database connection gets it from the Secret the program built.
            const refs = airflow
                .flatMap((o) => [...(o.spec?.template?.spec?.containers ?? []), ...(o.spec?.template?.spec?.initContainers ?? [])])
                .flatMap((c: { env?: { name: string; valueFrom?: { secretKeyRef?: { name: string; key: string } } }[] }) => c.env ?? [])
                .filter((e) => e.name === "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN");
            assert.ok(refs.length > 0, "some container reads the metadata connection");
            assert.deepStrictEqual([...new Set(refs.map((e) => JSON.stringify(e.valueFrom?.secretKeyRef)))], [JSON.stringify({ name: "airflow-metadata", key: "connection" })]);
            const secret = objectsOf(model.objects, "Secret").find((s) => s.metadata.name === "airflow-metadata" && s.metadata.namespace === "airflow");
            assert.ok(secret && "program" in model.objects.find((o) => o.object === secret)!.origin, "the Secret is the program's");

            const policies = objectsOf(model.objects, "NetworkPolicy");
            assert.deepStrictEqual(
                egressReaching(policies, cidrs.map((c) => parseCidr(c)!)),
                cidrs.map((cidr) => ({ namespace: "airflow", policy: "allow-metadata-db", cidr })),
            );
        });
    }

    it("dev (bundled) renders the chart's PostgreSQL and opens no egress to a database outside the cluster", async () => {
        const model = await stackModel("dev");
        const sts = objectsOf(model.objects, "StatefulSet").filter((o) => o.metadata.namespace === "airflow").map((o) => o.metadata.name);
        assert.ok(sts.includes("airflow-postgresql"), sts.join(", "));
        assert.deepStrictEqual(objectsOf(model.objects, "NetworkPolicy").filter((p) => p.metadata.name === "allow-metadata-db"), []);
    });
});
