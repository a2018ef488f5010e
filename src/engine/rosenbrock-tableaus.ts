/**
 * Rosenbrock tableaus in the Hairer–Wanner "RODAS" form (transformed variables k_i = (I/(hγ) − J)⁻¹ · …):
 *   stage i: Y_i = y0 + Σ_{j<i} a[i][j] k_j,
 *            (I/(hγ) − J) k_i = f(t + c_i h, Y_i) + d_i h ∂f/∂t + Σ_{j<i} (C[i][j]/h) k_j
 *   y1 = y0 + Σ b_j k_j; the error estimate is the last stage k_{s−1} (stiffly accurate embedded pair).
 *   dense output: y(θ) = (1−θ) y0 + θ (y1 + (1−θ)(D_1 + θ (D_2 + θ D_3 …))), D_r = Σ_j H[r][j] k_j.
 */
export interface RosenbrockTableau {
  readonly name: string;
  readonly stages: number;
  /** Exponent of the step-size controller: order of the embedded pair's error (err ~ h^order). */
  readonly order: number;
  readonly gamma: number;
  readonly a: readonly (readonly number[])[];
  readonly C: readonly (readonly number[])[];
  readonly b: readonly number[];
  readonly c: readonly number[];
  readonly d: readonly number[];
  readonly H: readonly (readonly number[])[];
}

// Rodas4: Hairer & Wanner, Solving ODE II (1996), RODAS coefficients (METH = 1), as in rodas.f.
const r4a51 = 1.221224509226641,
  r4a52 = 6.019134481288629,
  r4a53 = 12.53708332932087,
  r4a54 = -0.687886036105895;

export const RODAS4: RosenbrockTableau = {
  name: "Rodas4",
  stages: 6,
  order: 4,
  gamma: 0.25,
  a: [
    [],
    [1.544],
    [0.9466785280815826, 0.2557011698983284],
    [3.314825187068521, 2.896124015972201, 0.9986419139977817],
    [r4a51, r4a52, r4a53, r4a54],
    [r4a51, r4a52, r4a53, r4a54, 1],
  ],
  C: [
    [],
    [-5.6688],
    [-2.430093356833875, -0.2063599157091915],
    [-0.1073529058151375, -9.594562251023355, -20.47028614809616],
    [7.496443313967647, -10.24680431464352, -33.99990352819905, 11.7089089320616],
    [8.083246795921522, -7.981132988064893, -31.52159432874371, 16.31930543123136, -6.058818238834054],
  ],
  b: [r4a51, r4a52, r4a53, r4a54, 1, 1],
  c: [0, 0.386, 0.21, 0.63, 1, 1],
  d: [0.25, -0.1043, 0.1035, -0.0362, 0, 0],
  H: [
    [10.12623508344586, -7.487995877610167, -34.80091861555747, -7.992771707568823, 1.025137723295662, 0],
    [-0.6762803392801253, 6.087714651680015, 16.43084320892478, 24.76722511418386, -6.594389125716872, 0],
  ],
};

// Rodas5P: Steinebach, "Construction of Rosenbrock–Wanner method Rodas5P and numerical benchmarks
// within the Julia Differential Equations package", BIT Numer. Math. 63 (2023) 27.
const p6 = [
  -7.502846399306121, 2.561846144803919, -11.627539656261098, -0.18268767659942256, 0.030198172008377946,
];

export const RODAS5P: RosenbrockTableau = {
  name: "Rodas5P",
  stages: 8,
  order: 5,
  gamma: 0.21193756319429014,
  a: [
    [],
    [3.0],
    [2.849394379747939, 0.45842242204463923],
    [-6.954028509809101, 2.489845061869568, -10.358996098473584],
    [2.8029986275628964, 0.5072464736228206, -0.3988312541770524, -0.04721187230404641],
    p6,
    [...p6, 1],
    [...p6, 1, 1],
  ],
  C: [
    [],
    [-14.155112264123755],
    [-17.97296035885952, -2.859693295451294],
    [147.12150275711716, -1.41221402718213, 71.68940251302358],
    [165.43517024871676, -0.4592823456491126, 42.90938336958603, -5.961986721573306],
    [24.854864614690072, -3.0009227002832186, 47.4931110020768, 5.5814197821558125, -0.6610691825249471],
    [
      30.91273214028599, -3.1208243349937974, 77.79954646070892, 34.28646028294783, -19.097331116725623,
      -28.087943162872662,
    ],
    [
      37.80277123390563, -3.2571969029072276, 112.26918849496327, 66.9347231244047, -40.06618937091002,
      -54.66780262877968, -9.48861652309627,
    ],
  ],
  b: [...p6, 1, 1, 1],
  c: [0, 0.6358126895828704, 0.4095798393397535, 0.9769306725060716, 0.4288403609558664, 1, 1, 1],
  d: [
    0.21193756319429014, -0.42387512638858027, -0.3384627126235924, 1.8046452872882734, 2.325825639765069, 0,
    0, 0,
  ],
  H: [
    [
      25.948786856663858, -2.5579724845846235, 10.433815404888879, -2.3679251022685204, 0.524948541321073,
      1.1241088310450404, 0.4272876194431874, -0.17202221070155493,
    ],
    [
      -9.91568850695171, -0.9689944594115154, 3.0438037242978453, -24.495224566215796, 20.176138334709044,
      15.98066361424651, -6.789040303419874, -6.710236069923372,
    ],
    [
      11.419903575922262, 2.8879645146136994, 72.92137995996029, 80.12511834622643, -52.072871366152654,
      -59.78993625266729, -0.15582684282751913, 4.883087185713722,
    ],
  ],
};

/** A tableau's coefficients as the step reads them (read-only, shared by every stepper of the tableau). */
export interface TableauArrays {
  readonly A: Float64Array; // s×s, a[i][j]
  readonly Cm: Float64Array; // s×s, C[i][j]
  readonly B: Float64Array;
  readonly cc: Float64Array;
  readonly dd: Float64Array;
  readonly nDense: number;
  readonly Hd: Float64Array; // nDense×s
  /**
   * incremental[i] (2 ≤ i < s): row i of A is row i − 1 plus a 1 at column i − 1, so stage i's argument is stage
   * i − 1's plus k_{i−1} (Rodas5P's last stages); incremental[s]: the same for b against the last row of A.
   */
  readonly incremental: Uint8Array;
}
const tableauCache = new WeakMap<RosenbrockTableau, TableauArrays>();

export function tableauArrays(tableau: RosenbrockTableau): TableauArrays {
  const cached = tableauCache.get(tableau);
  if (cached) return cached;
  const s = tableau.stages;
  const A = new Float64Array(s * s);
  const Cm = new Float64Array(s * s);
  for (let i = 0; i < s; i++) {
    for (let j = 0; j < i; j++) {
      A[i * s + j] = tableau.a[i][j] ?? 0;
      Cm[i * s + j] = tableau.C[i][j] ?? 0;
    }
  }
  const nDense = tableau.H.length;
  const Hd = new Float64Array(nDense * s);
  tableau.H.forEach((row, r) => row.forEach((v, j) => (Hd[r * s + j] = v)));
  const incremental = new Uint8Array(s + 1);
  const row = (i: number): number[] => (i === s ? tableau.b : tableau.a[i]).slice();
  for (let i = 2; i <= s; i++) {
    const cur = row(i);
    const prev = row(i - 1);
    let same = cur.length === i && prev.length <= i - 1 && cur[i - 1] === 1;
    for (let j = 0; same && j < i - 1; j++) same = (cur[j] ?? 0) === (prev[j] ?? 0);
    incremental[i] = same ? 1 : 0;
  }
  const out = {
    A,
    Cm,
    B: Float64Array.from(tableau.b),
    cc: Float64Array.from(tableau.c),
    dd: Float64Array.from(tableau.d),
    nDense,
    Hd,
    incremental,
  };
  tableauCache.set(tableau, out);
  return out;
}
