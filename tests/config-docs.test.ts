// docs/configuration.md is generated from the schema; this fails when a schema change was not followed by `npm run docs`.
import * as assert from "assert";
import * as fs from "fs";
import { configReference, OUTPUT } from "../scripts/config-docs";

describe("configuration reference (docs/configuration.md)", () => {
    const text = configReference();

    it("is up to date with the schema (run `npm run docs` after changing stacks/schema.ts or stacks/clouds/*.ts)", () => {
        assert.ok(fs.readFileSync(OUTPUT, "utf8") === text, "docs/configuration.md is stale: run npm run docs");
    });

    it("states each key's rule from the schema and its description from the schema's comments", () => {
        assert.ok(text.includes("## dataops:cloud\n\nRequired. One of `local`, `aws`, `gcp`, `azure`.\n"));
        assert.ok(text.includes("| `dataops:kafka.brokers` | whole number 1–50 |  |"));
        assert.ok(
            text.includes(
                "| `dataops:airflow.metadataConnection` | string; must be a database URL like postgresql://user:password@host:5432/airflow | " +
                    "The external metadata database's URL; set it as a secret",
            ),
        );
        assert.ok(text.includes("| `dataops:cluster.nodePools[].name` | string; must start with a letter"));
        assert.ok(text.includes("| `kafka.brokers` | 1 | 3 |"));
    });
});
