// The value-path machinery behind "values use only keys the chart has": extraction and the unknown-path check.
import * as assert from "assert";
import { schemaPaths, valuesPaths } from "../scripts/chart-keys";
import { chartKeys, unknownPaths } from "./chart-values";

describe("chart value paths", () => {
    it("extracts key paths from values.yaml content, marking free-form maps and lists", () => {
        const paths = valuesPaths({ replicas: 1, resources: {}, rbac: { create: true, namespaces: [] }, image: { tag: null } });
        assert.deepStrictEqual([...paths].sort(), ["image", "image.tag.*", "rbac", "rbac.create", "rbac.namespaces.*", "replicas", "resources.*"]);
    });

    it("extracts key paths from a values schema, honouring additionalProperties", () => {
        const paths = schemaPaths({
            type: "object",
            properties: {
                executor: { type: "string" },
                config: { type: "object" },
                data: { type: "object", properties: { metadataSecretName: { type: ["string", "null"] } }, additionalProperties: false },
            },
            additionalProperties: false,
        });
        assert.deepStrictEqual([...paths].sort(), ["config.*", "data", "data.metadataSecretName", "executor"]);
    });

    it("flags a misspelt or invented key and accepts keys under free-form maps", () => {
        const keys = chartKeys("grafana-12.11.1.txt");
        assert.deepStrictEqual(unknownPaths({ persistence: { enabled: true, size: "10Gi" }, resources: { requests: { cpu: "1" } } }, keys), []);
        assert.deepStrictEqual(unknownPaths({ persistance: { enabled: true }, admin: { existingSecrets: "x" } }, keys), [
            "persistance.enabled",
            "admin.existingSecrets",
        ]);
    });
});
