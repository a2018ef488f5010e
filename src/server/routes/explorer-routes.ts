import { describeModelError, shippedModelError } from "../../population/model-error.js";
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import {
  EXPLORER_DRAWS,
  ExplorerInputError,
  MAX_EXPLORER_DAYS,
  exploreClinicalPatient,
  explorerArm,
  explorerCancers,
  explorerPopulation,
  explorerSamples,
} from "../../planner/explore-clinical.js";
import { simulateOffThread } from "../../planner/pool.js";
import { BAND_QUANTILES, MILESTONES } from "../../planner/simulate-candidate.js";
import { CANCER_TYPES, type CancerType } from "../../population/types.js";
import type { AppContext } from "../app.js";
import { forbidden, HttpError } from "../http.js";
import { ErrorSchema, requireActor } from "./common.js";

const CancerParams = z.object({ cancer: z.enum(CANCER_TYPES) });
const Arm = z.string().min(1).max(200);
const Horizon = z.number().int().min(7).max(MAX_EXPLORER_DAYS);
/** A body size for the population bands' doses [Immunoplan choice: a typical adult]. */
const TYPICAL_PATIENT = { id: "typical adult", weight_kg: 75, height_cm: 170, gfr_ml_min: 90 };

/** The explorer shows virtual patients, no patient data; it is the staff's (clinicians, coordinators, admins). */
function requireStaff(req: FastifyRequest): void {
  const actor = requireActor(req);
  if (actor.role === "patient") throw forbidden("the model explorer is for the clinic's staff");
}

function asHttp<T>(f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof ExplorerInputError)
      throw new HttpError(400, e.message, `body.${e.field}`, "invalid-input");
    throw e;
  }
}

/** The model explorer on the calibrated clinical model (planner/explore-clinical.ts). */
export async function explorerRoutes(base: FastifyInstance, _ctx: AppContext): Promise<void> {
  const api = base.withTypeProvider<ZodTypeProvider>();

  api.get(
    "/explorer",
    { schema: { tags: ["models"], summary: "Cancer types with a calibrated virtual population" } },
    async (req) => {
      requireStaff(req);
      return { cancers: explorerCancers(), draws: EXPLORER_DRAWS, maxDays: MAX_EXPLORER_DAYS };
    },
  );

  api.get(
    "/explorer/:cancer",
    {
      schema: {
        tags: ["models"],
        summary: "A calibrated population: size, calibration, and the trial arms it can be treated with",
        params: CancerParams,
        response: { 200: z.unknown(), 400: ErrorSchema },
      },
    },
    async (req) => {
      requireStaff(req);
      return asHttp(() => explorerPopulation(req.params.cancer as CancerType));
    },
  );

  api.post(
    "/explorer/:cancer/simulate",
    {
      schema: {
        tags: ["models"],
        summary:
          "One virtual patient of the calibrated population under a trial arm's protocol, parameters changed",
        params: CancerParams,
        body: z.strictObject({
          arm: Arm,
          draw: z
            .number()
            .int()
            .min(0)
            .max(EXPLORER_DRAWS - 1),
          overrides: z.record(z.string().max(64), z.number()).default({}),
          horizonDays: Horizon.default(365),
        }),
        response: { 200: z.unknown(), 400: ErrorSchema },
      },
    },
    async (req) => {
      requireStaff(req);
      const t0 = performance.now();
      const r = asHttp(() =>
        exploreClinicalPatient({ cancer: req.params.cancer as CancerType, ...req.body }),
      );
      return { ...r, ms: performance.now() - t0 };
    },
  );

  api.post(
    "/explorer/:cancer/population",
    {
      schema: {
        tags: ["models"],
        summary:
          "A trial arm's protocol on the explorer's virtual patients of the calibrated population: bands of the sum of diameters, P(response), P(control)",
        params: CancerParams,
        body: z.strictObject({ arm: Arm, horizonDays: Horizon.default(365) }),
        response: { 200: z.unknown(), 400: ErrorSchema },
      },
    },
    async (req) => {
      requireStaff(req);
      const cancer = req.params.cancer as CancerType;
      const t0 = performance.now();
      const { arm, clinical } = asHttp(() => ({
        arm: explorerArm(cancer, req.body.arm),
        clinical: explorerSamples(cancer),
      }));
      const o = await simulateOffThread({
        protocol: arm.protocol,
        patient: TYPICAL_PATIENT,
        samples: [],
        clinical,
        horizon: req.body.horizonDays,
      });
      return {
        arm: arm.id,
        published: arm.published,
        trial: arm.trial,
        source: arm.source,
        samples: o.samples,
        failures: o.failures.length,
        days: o.days,
        sldBands: o.sldBands ?? null,
        pResponse: o.pResponse ?? null,
        pComplete: o.pComplete ?? null,
        // how wrong the model is on trials left out of its calibration (model-error.ts)
        modelError: describeModelError(shippedModelError()),
        quantiles: BAND_QUANTILES,
        milestones: MILESTONES,
        pControl: o.pControl,
        medianTtpDays: o.medianTtp,
        dosedFor: TYPICAL_PATIENT,
        ms: performance.now() - t0,
      };
    },
  );
}
