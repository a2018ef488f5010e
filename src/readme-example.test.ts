/**
 * The README's library example runs and prints what its comments say (the event and its time).
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { loadModelByName, solve } from "./index.js";

const README = readFileSync(path.resolve(import.meta.dirname, "../README.md"), "utf8");

describe("the README's library example", () => {
  it("gives the event its comment names, at the time it names (to the digits shown)", () => {
    const block = /## The library\s+```ts\n([\s\S]*?)```/.exec(README)?.[1] ?? "";
    expect(block).toContain('loadModelByName("depillis2006")');
    const doses = /doses: (\[.*\])/.exec(block)![1];
    expect(doses).toBe('[{ kind: "bolus", state: "M", amount: 2, at: 0, every: 9, count: 11 }]');
    const said = /sol\.events; \/\/ \[\{ name: "(\w+)", t: ([\d.]+)/.exec(block);
    expect(said, "the comment on sol.events").not.toBeNull();
    const { model } = loadModelByName("depillis2006");
    const sol = solve(
      model.problem({
        tEnd: 100,
        doses: [{ kind: "bolus", state: "M", amount: 2, at: 0, every: 9, count: 11 }],
      }),
      { rtol: 1e-6, atol: 1e-6, nOut: 1001 },
    );
    expect(sol.events.map((e) => e.name)).toEqual([said![1]]);
    const digits = said![2].split(".")[1]?.length ?? 0;
    expect(sol.events[0].t.toFixed(digits)).toBe(said![2]);
    expect(sol.column(model.stateIndex("T"))).toHaveLength(1001);
  });
});
