/*
 * The documentation a clone gets is all there: every relative link in the
 * README and docs/ names a file inside the repository that exists (0.1 linked
 * the protocol at ../shared/spec/PROTOCOL.md, outside any clone).
 */
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { PROJECT_ROOT } from "../src/project-root";

const DOCUMENTS = ["README.md", ...fs.readdirSync(path.join(PROJECT_ROOT, "docs")).filter((name) => name.endsWith(".md")).map((name) => `docs/${name}`)];

/** Relative link targets of a Markdown file (`[text](target)`, anchors dropped). */
function relativeLinks(text: string): string[] {
  return [...text.matchAll(/\]\(([^)\s]+)\)/g)]
    .map((match) => match[1]!.split("#")[0]!)
    .filter((target) => target !== "" && !/^[a-z]+:/i.test(target));
}

describe("documentation links", () => {
  it.each(DOCUMENTS)("%s links only to files inside the repository", (document) => {
    const text = fs.readFileSync(path.join(PROJECT_ROOT, document), "utf8");
    for (const target of relativeLinks(text)) {
      const resolved = path.resolve(path.dirname(path.join(PROJECT_ROOT, document)), target);
      expect(resolved.startsWith(`${PROJECT_ROOT}${path.sep}`), `${document} links outside the repository: ${target}`).toBe(true);
      expect(fs.existsSync(resolved), `${document} links to a missing file: ${target}`).toBe(true);
    }
  });

  it("the README links the protocol, docs/protocol.md", () => {
    expect(relativeLinks(fs.readFileSync(path.join(PROJECT_ROOT, "README.md"), "utf8"))).toContain("docs/protocol.md");
  });
});
