/**
 * The Node.js version the project supports is said once in package.json `engines`, repeated in the README, and
 * every locked dependency must run on its lowest version (npm install warns otherwise).
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = path.resolve(import.meta.dirname, "..");
const pkg = JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")) as {
  engines: { node: string };
};
const lock = JSON.parse(readFileSync(path.join(ROOT, "package-lock.json"), "utf8")) as {
  packages: Record<string, { engines?: { node?: string } | string[]; optional?: boolean; os?: string[] }>;
};

type V = [number, number, number];
const parse = (s: string): { v: V; parts: number } => {
  const p = s
    .replace(/^v/, "")
    .split(".")
    .filter((x) => x !== "" && x !== "x" && x !== "*");
  return { v: [Number(p[0] ?? 0), Number(p[1] ?? 0), Number(p[2] ?? 0)], parts: p.length };
};
const cmp = (a: V, b: V) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2];

/** Does version v satisfy a node-semver range (the forms package.json engines use: ^ ~ >= > <= < and x-ranges)? */
function satisfies(v: string, range: string): boolean {
  const ver = parse(v).v;
  return range.split("||").some((alt) => {
    const comps = alt
      .trim()
      .replace(/(>=|<=|>|<|\^|~)\s+/g, "$1")
      .split(/\s+/)
      .filter(Boolean);
    return comps.every((c) => {
      const m = /^(>=|<=|>|<|\^|~|=)?(.*)$/.exec(c)!;
      const { v: r, parts } = parse(m[2]);
      switch (m[1]) {
        case ">=":
          return cmp(ver, r) >= 0;
        case ">":
          return cmp(ver, r) > 0;
        case "<=":
          return cmp(ver, r) <= 0;
        case "<":
          return cmp(ver, r) < 0;
        case "^":
          return cmp(ver, r) >= 0 && (r[0] > 0 ? ver[0] === r[0] : ver[0] === 0 && ver[1] === r[1]);
        case "~":
          return cmp(ver, r) >= 0 && ver[0] === r[0] && (parts < 2 || ver[1] === r[1]);
        default: // a bare or x-range version: the parts given must match
          return ver.slice(0, Math.max(parts, 1)).every((x, i) => x === r[i]);
      }
    });
  });
}

describe("one Node.js version across engines, README and the dependencies", () => {
  const minimum = /\^?(\d+\.\d+\.\d+)/.exec(pkg.engines.node)![1];

  it("the range check reads engines ranges as npm does", () => {
    expect(satisfies("20.19.0", "^20.19.0 || >=22.12.0")).toBe(true);
    expect(satisfies("20.18.3", "^20.19.0 || >=22.12.0")).toBe(false);
    expect(satisfies("22.11.0", "^20.19.0 || >=22.12.0")).toBe(false);
    expect(satisfies("24.1.0", "^20.19.0 || >=22.12.0")).toBe(true);
    expect(satisfies("20.19.0", ">=22")).toBe(false);
    expect(satisfies("20.19.0", "18 || 20 || >=22")).toBe(true);
    expect(satisfies("20.19.0", ">= 0.8")).toBe(true);
    expect(satisfies("20.19.0", "^18.18.0 || ^20.9.0 || >=21.1.0")).toBe(true);
  });

  it(`every locked package runs on Node ${minimum}, the lowest version engines allows`, () => {
    const refusing = Object.entries(lock.packages)
      .filter(([name, p]) => name !== "" && !Array.isArray(p.engines) && p.engines?.node)
      .filter(([, p]) => !satisfies(minimum, (p.engines as { node: string }).node))
      .map(
        ([name, p]) => `${name.replace(/^.*node_modules\//, "")}: ${(p.engines as { node: string }).node}`,
      );
    expect(refusing).toEqual([]);
  });

  it("the README states the same versions", () => {
    const readme = readFileSync(path.join(ROOT, "README.md"), "utf8");
    expect(readme).toContain(pkg.engines.node);
    expect(readme).toContain(`Node.js ${minimum.replace(/\.0$/, "")} or newer`);
  });
});
