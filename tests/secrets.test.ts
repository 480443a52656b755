// Secrets in config: encrypted values in the offline plan (checked as set and secret without a passphrase, in full with
// one), Pulumi-compatible passphrase decryption, and no secret value in any problem or warning, whatever the problem.
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { loadConfig } from "../stacks/config";
import { ConfigError } from "../stacks/problems";
import { Resources, ROOT, runStack, stackFileConfig } from "./harness";
import { passphraseDecrypter, passphraseEncrypter, passphraseFromEnv } from "./passphrase";

const obj = (v: unknown) => JSON.stringify(v);
const EXAMPLE_PASSPHRASE = "dataops-example";
const NOT_CHECKED = (key: string) =>
    `${key} is encrypted: it is set and is a secret, but its value was not checked offline. ` +
    "With the stack's passphrase in PULUMI_CONFIG_PASSPHRASE (or PULUMI_CONFIG_PASSPHRASE_FILE) the offline plan decrypts and checks it; pulumi preview always does.";

describe("secrets: passphrase decryption compatible with the Pulumi CLI", () => {
    // The passphrase-manager state from pulumi/pulumi's own tests (pkg/secrets/passphrase/manager_test.go): it opens
    // with "password" and not with "password123".
    const PULUMI_TEST_STATE = "v1:fozI5u6B030=:v1:F+6ZduKKd8G0/V7L:PGMFeIzwobWRKmEAzUdaQHqC5mMRIQ==";

    it("opens Pulumi's own test state with its passphrase and refuses a wrong one", () => {
        assert.ok(passphraseDecrypter(PULUMI_TEST_STATE, "password"));
        assert.strictEqual(passphraseDecrypter(PULUMI_TEST_STATE, "password123"), undefined);
        assert.strictEqual(passphraseDecrypter("v2:abc", "password"), undefined);
    });

    it("round-trips a value through a new salt, as pulumi config set --secret writes it", () => {
        const { encryptionSalt, encrypt } = passphraseEncrypter("correct horse");
        const ciphertext = encrypt("postgresql://u:p@db:5432/airflow");
        assert.match(ciphertext, /^v1:[A-Za-z0-9+/=]{16}:[A-Za-z0-9+/=]+$/);
        assert.strictEqual(passphraseDecrypter(encryptionSalt, "correct horse")!(ciphertext), "postgresql://u:p@db:5432/airflow");
    });

    it("takes the passphrase from PULUMI_CONFIG_PASSPHRASE, else from the file PULUMI_CONFIG_PASSPHRASE_FILE names", () => {
        const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "pass-"));
        fs.writeFileSync(path.join(tmp, "p"), "from-file\n");
        assert.strictEqual(passphraseFromEnv({ PULUMI_CONFIG_PASSPHRASE: "from-env", PULUMI_CONFIG_PASSPHRASE_FILE: path.join(tmp, "p") }), "from-env");
        assert.strictEqual(passphraseFromEnv({ PULUMI_CONFIG_PASSPHRASE_FILE: path.join(tmp, "p") }), "from-file");
        assert.strictEqual(passphraseFromEnv({}), undefined);
        fs.rmSync(tmp, { recursive: true });
    });
});

describe("secrets: the shipped example with secure: values (Pulumi.dev-secrets.yaml)", () => {
    it("without a passphrase, puts a placeholder for each encrypted value and says they were not checked", () => {
        const { config, secretKeys, notes } = stackFileConfig("dev-secrets", ROOT, undefined);
        assert.deepStrictEqual(secretKeys, ["dataops:airflow", "dataops:alerting"]);
        assert.deepStrictEqual(JSON.parse(config["dataops:airflow"]), { metadataConnection: "offline-secret:dataops:airflow.metadataConnection" });
        assert.deepStrictEqual(notes, ["Pulumi.dev-secrets.yaml: encrypted values were not checked (no PULUMI_CONFIG_PASSPHRASE); they are set and secret."]);
    });

    it("with the passphrase, decrypts every value so validation checks it in full", () => {
        const { config, notes } = stackFileConfig("dev-secrets", ROOT, EXAMPLE_PASSPHRASE);
        assert.deepStrictEqual(JSON.parse(config["dataops:airflow"]), {
            metadataConnection: "postgresql://airflow:example-db-password@airflow-db.example.internal:5432/airflow",
        });
        assert.deepStrictEqual(JSON.parse(config["dataops:alerting"]), {
            slackWebhookUrl: "https://hooks.slack.com/services/T000/B000/example-webhook-token",
            slackChannel: "#dataops-alerts",
            pagerDutyRoutingKey: "example-pagerduty-routing-key",
        });
        assert.deepStrictEqual(notes, ["Pulumi.dev-secrets.yaml: encrypted values decrypted with the passphrase and checked."]);
        assert.deepStrictEqual(loadConfig(config, "dev-secrets").warnings, []);
    });

    it("with a wrong passphrase, falls back to the placeholders and says the passphrase does not open the stack", () => {
        const { config, notes } = stackFileConfig("dev-secrets", ROOT, "not-the-passphrase");
        assert.strictEqual(JSON.parse(config["dataops:alerting"]).pagerDutyRoutingKey, "offline-secret:dataops:alerting.pagerDutyRoutingKey");
        assert.deepStrictEqual(notes, ["Pulumi.dev-secrets.yaml: the passphrase does not open this stack's secrets; encrypted values were not checked."]);
    });

    it("plans without error; the metadata Secret is secret and the warnings are kept on the run, not printed", async () => {
        const run = await runStack("dev-secrets");
        assert.strictEqual(run.error, undefined);
        const secret = new Resources(run.resources).ofType("kubernetes:core/v1:Secret").find((r) => r.inputs?.stringData?.connection !== undefined);
        assert.ok(secret, "a Secret carries the metadata connection");
        assert.ok(secret.secretPaths.some((p) => p === "stringData" || p.startsWith("stringData")), secret.secretPaths.join(","));
        const passphrase = passphraseFromEnv();
        assert.deepStrictEqual(
            run.warnings.slice(1),
            passphrase === EXAMPLE_PASSPHRASE
                ? []
                : ["dataops:airflow.metadataConnection", "dataops:alerting.slackWebhookUrl", "dataops:alerting.pagerDutyRoutingKey"].map(NOT_CHECKED),
        );
    });
});

describe("secrets: offline placeholders in validation", () => {
    it("accepts a placeholder where a URL is required, keeps it, and warns that the value was not checked", () => {
        const { config, warnings } = loadConfig(
            { "dataops:cloud": "local", "dataops:airflow": obj({ metadataConnection: "offline-secret:dataops:airflow.metadataConnection", replicas: 2 }) },
            "dev",
        );
        assert.strictEqual(config.airflow.metadataConnection, "offline-secret:dataops:airflow.metadataConnection");
        assert.strictEqual(config.airflow.replicas, 2);
        assert.deepStrictEqual(warnings, [NOT_CHECKED("dataops:airflow.metadataConnection")]);
    });

    it("still reports the other problems of a section holding a placeholder", () => {
        assert.throws(
            () => loadConfig({ "dataops:cloud": "local", "dataops:alerting": obj({ slackWebhookUrl: "offline-secret:x", slackChannel: 5 }) }, "dev"),
            (e: ConfigError) => e.problems.map((p) => p.key).join() === "dataops:alerting.slackChannel",
        );
    });

    it("treats a section encrypted as a whole as unset offline, and refuses an encrypted cloud", () => {
        assert.deepStrictEqual(loadConfig({ "dataops:cloud": "local", "dataops:alerting": "offline-secret:dataops:alerting" }, "dev").warnings, [
            "dataops:alerting is encrypted as a whole and was not checked offline (it is treated as unset here). " +
                "With the stack's passphrase in PULUMI_CONFIG_PASSPHRASE (or PULUMI_CONFIG_PASSPHRASE_FILE) the offline plan decrypts and checks it; pulumi preview always does.",
        ]);
        assert.throws(
            () => loadConfig({ "dataops:cloud": "offline-secret:dataops:cloud" }, "dev"),
            (e: ConfigError) =>
                e.problems.length === 1 &&
                e.message.includes("dataops:cloud: is encrypted, but it decides how the whole stack is read, so it cannot be a secret. Fix: pulumi config set dataops:cloud <value> (without --secret)"),
        );
    });
});

describe("secrets: no secret value in any message", () => {
    const SECRET = "Sup3r-S3cret-Value";

    /** Loads the config with `secretKeys` marked secret and returns everything a user could see. */
    function visible(raw: Record<string, string>, secretKeys: string[]): string {
        const isSecret = (k: string) => secretKeys.includes(k);
        try {
            const { warnings } = loadConfig(raw, "dev", "dataops", isSecret);
            return warnings.join("\n");
        } catch (e) {
            assert.ok(e instanceof ConfigError, String(e));
            return `${e.message}\n${JSON.stringify(e.problems)}`;
        }
    }

    const cases: [string, Record<string, string>, string[], RegExp][] = [
        ["a mistyped key holding a secret", { "dataops:acess": obj({ token: SECRET }) }, ["dataops:acess"], /dataops:acess = \[secret\]: is not a dataops setting/],
        ["a secret field set without --path", { "dataops:airflow.metadataConnection": `postgresql://a:${SECRET}@db/x` }, ["dataops:airflow.metadataConnection"], /= \[secret\]: is a field of dataops:airflow/],
        ["a secret section that is not a mapping", { "dataops:alerting": SECRET }, ["dataops:alerting"], /dataops:alerting = \[secret\]: must be a YAML mapping/],
        ["a wrong type", { "dataops:alerting": obj({ pagerDutyRoutingKey: 123456789 }) }, ["dataops:alerting"], /pagerDutyRoutingKey = \[secret\]: must be a string/],
        ["a format error", { "dataops:airflow": obj({ metadataConnection: SECRET }) }, ["dataops:airflow"], /metadataConnection = \[secret\]: must be a database URL/],
        ["an unknown field in a secret section", { "dataops:alerting": obj({ slackWebhook: `https://x/${SECRET}` }) }, ["dataops:alerting"], /slackWebhook = \[secret\]: is not a known field/],
        ["a value outside the allowed set", { "dataops:airflow": obj({ executor: SECRET }) }, ["dataops:airflow"], /executor = \[secret\]: must be one of/],
        ["a number out of range", { "dataops:airflow": obj({ replicas: 987654 }) }, ["dataops:airflow"], /replicas = \[secret\]: must be at most 10/],
        ["a cross-field rule quoting another value", { "dataops:cluster": obj({ networkCidr: "10.0.0.0/8", podCidr: "10.1.0.0/16" }) }, ["dataops:cluster"], /podCidr = \[secret\]: overlaps dataops:cluster.networkCidr = \[secret\]/],
        ["a cloud rule", { "dataops:azure": obj({ adminGroupObjectIds: [SECRET] }) }, ["dataops:azure"], /adminGroupObjectIds\[0\] = \[secret\]/],
        ["a warning quoting a value", { "dataops:airflow": obj({ metadataSecretName: "secret-db-name" }) }, ["dataops:airflow"], /\[secret\]" must exist in namespace airflow/],
        ["a credential in plain text", { "dataops:alerting": obj({ slackWebhookUrl: `https://hooks/${SECRET}` }) }, [], /slackWebhookUrl: is a credential but was set in plain text/],
    ];
    for (const [what, config, secretKeys, shown] of cases) {
        it(`shows [secret] for ${what}`, () => {
            const raw = { "dataops:cloud": what === "a cloud rule" ? "azure" : what === "a cross-field rule quoting another value" ? "aws" : "local", "aws:region": "eu-west-1", "azure-native:location": "westeurope", ...config };
            const text = visible(raw, secretKeys);
            for (const s of [SECRET, "123456789", "987654", "10.0.0.0/8", "10.1.0.0/16", "secret-db-name"]) {
                assert.ok(!text.includes(s), `${what}: ${s} appears in: ${text}`);
            }
            assert.match(text, shown);
        });
    }
});
