// The README is a front page whose test command is exactly what CI runs; its table of contents and every relative link
// in it and in docs/ lead somewhere.
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { ROOT } from "./harness";

const read = (f: string) => fs.readFileSync(path.join(ROOT, f), "utf8");

/** Pages written alongside the README that have not landed yet; the README may link them before they do. */
const PAGES_IN_FLIGHT: string[] = [];

function markdownFiles(dir: string): string[] {
    return fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((e) =>
        e.isDirectory() ? markdownFiles(path.join(dir, e.name)) : e.name.endsWith(".md") ? [path.join(dir, e.name)] : [],
    );
}

const anchor = (heading: string) => heading.toLowerCase().replace(/[^a-z0-9 -]/g, "").replace(/ /g, "-");

describe("README and docs", () => {
    const readme = read("README.md");

    it("gives the test command CI runs, exactly", () => {
        assert.ok(readme.includes("| `npm ci && npm test` |"));
        const npm = read(".ci/run")
            .split("\n")
            .filter((l) => /^\s*npm /.test(l));
        assert.deepStrictEqual(npm, ["npm ci && npm test"]);
    });

    it("has a table of contents whose entries are its own headings", () => {
        const toc = [...readme.slice(readme.indexOf("## Contents"), readme.indexOf("## Quick start")).matchAll(/\]\(#([a-z0-9-]+)\)/g)].map((m) => m[1]);
        const headings = [...readme.matchAll(/^## (.+)$/gm)].map((m) => anchor(m[1])).filter((a) => a !== "contents");
        assert.deepStrictEqual(toc, headings);
    });

    it("maps every page under docs/ and the pages in flight", () => {
        const linked = [...readme.matchAll(/\]\(docs\/([^)#]+\.md)\)/g)].map((m) => m[1]);
        const pages = markdownFiles("docs").map((f) => path.relative("docs", f)).filter((f) => !PAGES_IN_FLIGHT.includes(f));
        assert.deepStrictEqual(pages.filter((p) => !linked.includes(p)), []);
        assert.deepStrictEqual(PAGES_IN_FLIGHT.filter((p) => !linked.includes(p)), []);
    });

    it("links only to files that exist (pages in flight aside), from the README and from every page", () => {
        const broken: string[] = [];
        for (const file of ["README.md", ...markdownFiles("docs")]) {
            for (const [, target] of read(file).matchAll(/\]\(([^)#\s]+)(#[^)]*)?\)/g)) {
                if (/^[a-z]+:/.test(target) || PAGES_IN_FLIGHT.includes(path.basename(target))) {
                    continue;
                }
                if (!fs.existsSync(path.join(ROOT, path.dirname(file), target))) {
                    broken.push(`${file} -> ${target}`);
                }
            }
        }
        assert.deepStrictEqual(broken, []);
    });

    it("says which Node.js versions are supported and what self-hosted runners need", () => {
        assert.ok(readme.includes("Node.js 22.9 or later; CI tests the LTS lines 22, 24 and 26."));
        assert.ok(readme.includes("self-hosted runners need runner version 2.327.1 or later"));
    });
});
