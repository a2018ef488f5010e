export { solve } from "./solve.js";
export { OdeSolution, type SolveStatus } from "./solution.js";
export { SolverError, type SolverFailure } from "./errors.js";
export type {
  OdeSystem,
  OdeProblem,
  SolveOptions,
  SolverStats,
  Dose,
  Bolus,
  Infusion,
  ScaleDose,
  StateEvent,
  EventRecord,
  Method,
} from "./problem.js";
export { RODAS4, RODAS5P, type RosenbrockTableau } from "./rosenbrock-tableaus.js";
