/**
 * The probability of grade ≥ 3 adverse events of a candidate protocol, by category (immune-related, CRS, ICANS,
 * cytopenias, other), from the label and trial rates of its agents (catalog/adverse-events.yaml). Agents combine
 * as 1 − Π(1 − p), which assumes that their events are independent; agents without a sourced rate make the figure
 * a lower bound and are named.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";
import { parseDocumentWith } from "../engine/language/index.js";
import { CATALOG_DIR, therapyCatalog } from "../therapy/catalog.js";
import type { Protocol } from "../therapy/protocol-schema.js";
import { administrations } from "../therapy/validate-protocol.js";

export const AE_CATEGORIES = ["immune-related", "crs", "icans", "cytopenia", "other"] as const;
export type AeCategory = (typeof AE_CATEGORIES)[number];

const prob = z.number().min(0).max(1);
const EntrySchema = z
  .object({
    id: z.string().min(1),
    agents: z.array(z.string()).optional(),
    classes: z.array(z.string()).optional(),
    tumor_types: z.array(z.string()).optional(),
    p: z.partialRecord(z.enum(AE_CATEGORIES), prob).optional(),
    any: prob.optional(),
    course_doses: z.number().int().positive().optional(),
    unknown: z.literal(true).optional(),
    /** The rate is only a floor of the grade ≥ 3 rate (e.g. treatment-related deaths). */
    floor: z.literal(true).optional(),
    what: z.string().min(1),
    source: z.string().min(1),
  })
  .strict()
  .refine((e) => (e.agents?.length ?? 0) + (e.classes?.length ?? 0) > 0, {
    message: "an entry names agents or classes",
    path: ["agents"],
  })
  .refine((e) => e.unknown === true || e.p !== undefined || e.any !== undefined, {
    message: "an entry gives rates (p or any) or says unknown: true",
    path: ["p"],
  });
const AdverseEventsSchema = z
  .object({
    categories: z.record(z.enum(AE_CATEGORIES), z.string()),
    entries: z.array(EntrySchema),
  })
  .strict();
export type AdverseEventData = z.infer<typeof AdverseEventsSchema>;
type Entry = AdverseEventData["entries"][number];

let cached: AdverseEventData | null = null;
export function adverseEventData(): AdverseEventData {
  if (cached) return cached;
  const file = path.join(CATALOG_DIR, "adverse-events.yaml");
  const data = parseDocumentWith(AdverseEventsSchema, readFileSync(file, "utf8"), file);
  const agents = therapyCatalog().agents;
  data.entries.forEach((e, i) =>
    (e.agents ?? []).forEach((a) => {
      if (!agents.has(a))
        throw new Error(`${file}: entries[${i}].agents: unknown agent '${a}' (catalog/agents.yaml)`);
    }),
  );
  cached = data;
  return cached;
}

export const INDEPENDENCE_ASSUMPTION =
  "agents' grade ≥ 3 events are combined as 1 − Π(1 − p), i.e. assumed independent (an assumption: combinations can be more toxic — nivolumab + ipilimumab 55 % vs 39 % so combined)";

export interface ToxicityContribution {
  readonly entry: string;
  readonly agents: readonly string[];
  readonly pAny: number;
  readonly what: string;
  readonly source: string;
}

export interface ToxicityRisk {
  /** P(at least one grade ≥ 3 adverse event), 1 − Π(1 − p) over the agents' entries. */
  readonly pAny: number;
  readonly byCategory: Readonly<Record<AeCategory, number>>;
  /** Given agents without a sourced rate, or with a floor only: pAny is then a lower bound. */
  readonly unknownAgents: readonly string[];
  readonly lowerBound: boolean;
  readonly contributions: readonly ToxicityContribution[];
}

const combine = (ps: readonly number[]) => 1 - ps.reduce((q, p) => q * (1 - p), 1);

/** The entry that applies to an agent (tumor-type-specific entries first), or undefined. */
function entryFor(
  data: AdverseEventData,
  agentId: string,
  agentClass: string,
  tumorTypes: readonly string[],
): Entry | undefined {
  const hits = data.entries.filter(
    (e) => (e.agents ?? []).includes(agentId) || (e.classes ?? []).includes(agentClass),
  );
  return (
    hits.find((e) => e.tumor_types?.some((t) => tumorTypes.includes(t))) ?? hits.find((e) => !e.tumor_types)
  );
}

export function toxicityRisk(protocol: Protocol, tumorTypes: readonly string[] = []): ToxicityRisk {
  const data = adverseEventData();
  const adm = administrations(protocol, therapyCatalog());
  const used = new Map<string, { entry: Entry; agents: Set<string>; doses: number }>();
  const unknown = new Set<string>();
  for (const a of adm) {
    const e = entryFor(data, a.agent.id, a.agent.class, tumorTypes);
    if (!e || e.unknown) {
      unknown.add(a.agent.id);
      continue;
    }
    if (e.floor) unknown.add(a.agent.id);
    const u = used.get(e.id) ?? { entry: e, agents: new Set<string>(), doses: 0 };
    u.agents.add(a.agent.id);
    u.doses++;
    used.set(e.id, u);
  }
  const byCat: Record<AeCategory, number[]> = {
    "immune-related": [],
    crs: [],
    icans: [],
    cytopenia: [],
    other: [],
  };
  const contributions: ToxicityContribution[] = [];
  for (const { entry, agents, doses } of used.values()) {
    // a course's hazard spread over its doses (entries with course_doses), else the course rate
    const scale = (p: number) =>
      entry.course_doses ? 1 - (1 - p) ** (Math.min(doses, entry.course_doses) / entry.course_doses) : p;
    const cats = Object.entries(entry.p ?? {}) as [AeCategory, number][];
    for (const [cat, p] of cats) byCat[cat].push(scale(p));
    const pAny = entry.any !== undefined ? scale(entry.any) : combine(cats.map(([, p]) => scale(p)));
    contributions.push({
      entry: entry.id,
      agents: [...agents],
      pAny,
      what: entry.what,
      source: entry.source,
    });
  }
  const byCategory = Object.fromEntries(AE_CATEGORIES.map((c) => [c, combine(byCat[c])])) as Record<
    AeCategory,
    number
  >;
  return {
    pAny: combine(contributions.map((c) => c.pAny)),
    byCategory,
    unknownAgents: [...unknown],
    lowerBound: unknown.size > 0,
    contributions,
  };
}
