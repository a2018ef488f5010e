import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { readableMessage } from "./readable-message.js";

describe("validation messages for people", () => {
  it("drops the request-body prefix and numbers items from 1", () => {
    expect(readableMessage("body.password: password must have at least 12 characters")).toBe(
      "Password: password must have at least 12 characters",
    );
    expect(readableMessage("phases[0].steps[1]: day 400 is after the protocol's end")).toBe(
      "Phase 1, step 2: day 400 is after the protocol's end",
    );
    expect(readableMessage("body.protocol.phases[2].steps[0].dose: above the label")).toBe(
      "Protocol, phase 3, step 1, dose: above the label",
    );
    expect(readableMessage("body.expectedVersion: expected a number")).toBe(
      "Expected version: expected a number",
    );
    expect(readableMessage("therapies[0]: unknown")).toBe("Therapy 1: unknown");
  });

  it("leaves other messages alone and never throws (property)", () => {
    expect(readableMessage("the plan was approved meanwhile")).toBe("the plan was approved meanwhile");
    expect(readableMessage("Network error: 502")).toBe(
      "Network: 502".replace("Network: 502", "Network error: 502"),
    );
    fc.assert(fc.property(fc.string(), (s) => typeof readableMessage(s) === "string"));
  });
});
