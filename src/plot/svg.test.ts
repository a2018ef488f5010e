import { describe, expect, it } from "vitest";
import { renderSvgPlot } from "./svg.js";

describe("SVG plots", () => {
  it("a linear y axis (survival 0–1): nice ticks, no decade labels, values placed proportionally", () => {
    const svg = renderSvgPlot({
      title: "PFS",
      times: [0, 10],
      series: [{ name: "arm", x: [0, 10], values: [1, 0.5] }],
      yLinear: { min: 0, max: 1 },
    });
    expect(svg).not.toMatch(/>1e-?\d+</);
    for (const t of ["0", "0.2", "0.5", "1"])
      expect(svg).toMatch(new RegExp(`>${t.replace(".", "\\.")}</text>`));
    // the line goes from the top of the plot (y = 50) to its middle (50 + 400 / 2)
    expect(svg).toMatch(/d="M80\.00,50\.00L740\.00,250\.00"/);
  });

  it("the log axis stays the default", () => {
    const svg = renderSvgPlot({ title: "T", times: [0, 1], series: [{ name: "T", values: [1e3, 1e6] }] });
    expect(svg).toMatch(/>1e3</);
    expect(svg).toMatch(/>1e6</);
  });
});
