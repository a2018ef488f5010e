/**
 * The general Gompertz model of Laleh et al. 2022, dV/dt = V^λ·(δ − γ·ln V), in closed form. In u = ln V,
 * du/dt = e^(a·u)·(δ − γu) with a = λ − 1, and the substitution z = a·(δ − γu)/γ separates it:
 *
 *   dt = du / (e^(au)(δ − γu)) = −e^z dz / (γ·e^(aδ/γ)·z),   so   Ei(z(t)) = Ei(z0) − γ·e^(aδ/γ)·t
 *
 * with Ei the exponential integral. Written with the scaled H(z) = e^(−z)·Ei(z), which neither overflows nor
 * underflows where e^(aδ/γ) would (e^(z − aδ/γ) = e^(−au)):
 *
 *   G(u) = e^(−au)·H(z(u))/γ,   G(u(t)) = G(u0) − t,   G′(u) = −e^(−au)/(δ − γu) = −1/(du/dt).
 *
 * u(t) lies between u0 and the equilibrium u* = δ/γ; in d = ln((u* − u)/(u* − u0)) G is monotone and convex or
 * concave, and Newton's method on d (bisection where it would leave the bracket or crawl) finds u(t). a = 0 is the classic Gompertz and
 * γ = 0 the power law, both in elementary closed form. Where this does not give a finite value (an equilibrium
 * beyond the range of doubles, a solution that leaves it) the caller integrates the equation instead.
 */

/** Euler–Mascheroni constant. */
const EULER = 0.5772156649015329;

/**
 * H(z) = e^(−z)·Ei(z), z ≠ 0 (Ei the exponential integral, principal value; Ei(−x) = −E1(x)). Power series for
 * |z| ≤ 40 (x ≤ 1 for negative z), asymptotic series for z > 40, continued fraction of e^x·E1(x) for x = −z > 1
 * (Abramowitz & Stegun 5.1.10, 5.1.11, 5.1.22; Press et al., Numerical Recipes §6.3). Accurate to a few units of
 * the last place in absolute terms near the root of Ei (z ≈ 0.3725), relative elsewhere.
 */
export function scaledEi(z: number): number {
  if (z > 40) {
    // asymptotic: Ei(z) ~ (e^z/z)·Σ k!/z^k; at z = 40 the smallest term is 7e-17
    let term = 1;
    let sum = 1;
    for (let k = 1; k < 60; k++) {
      const next = (term * k) / z;
      if (next > term) break;
      term = next;
      sum += term;
      if (term < 1e-17 * sum) break;
    }
    return sum / z;
  }
  if (z > 0 || z >= -1) {
    // Ei(z) = γ + ln|z| + Σ z^k/(k·k!)
    let term = 1;
    let sum = 0;
    for (let k = 1; k < 200; k++) {
      term *= z / k;
      const add = term / k;
      sum += add;
      if (Math.abs(add) < 1e-17 * Math.abs(sum)) break;
    }
    return Math.exp(-z) * (EULER + Math.log(Math.abs(z)) + sum);
  }
  // z < −1: e^x·E1(x), x = −z, by the continued fraction (modified Lentz), H = −e^x·E1(x)
  const x = -z;
  let b = x + 1;
  let c = 1e300;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 500; i++) {
    const an = -i * i;
    b += 2;
    d = 1 / (an * d + b);
    c = b + an / c;
    const del = c * d;
    h *= del;
    if (Math.abs(del - 1) < 1e-16) break;
  }
  return -h;
}

/**
 * ln V(t) of the general Gompertz model for ln V(0) = u0, t ≥ 0; NaN where the closed form cannot give it (the
 * caller integrates the equation there). −Infinity: the tumor is extinct (γ = 0, δ < 0, λ < 1 reaches V = 0 in
 * finite time); +Infinity: it has blown up (γ = 0, δ > 0, λ > 1 does so in finite time).
 */
export function generalGompertzLog(
  delta: number,
  gamma: number,
  lambda: number,
  u0: number,
  t: number,
): number {
  if (t === 0 || !Number.isFinite(u0)) return u0;
  const a = lambda - 1;
  if (gamma === 0) {
    if (a === 0) return u0 + delta * t;
    // e^(−au) = e^(−a·u0) − aδt, i.e. u = u0 − ln(1 − aδt·e^(a·u0))/a
    const x = -a * delta * t * Math.exp(a * u0);
    if (x > -1) return u0 - Math.log1p(x) / a;
    return a > 0 ? Infinity : -Infinity; // blows up (a > 0, δ > 0) or dies out (a < 0, δ < 0) before t
  }
  if (!(gamma > 0)) return NaN;
  const ustar = delta / gamma;
  const w0 = ustar - u0; // (δ − γ·u0)/γ
  if (w0 === 0) return u0;
  if (a === 0) return u0 - w0 * Math.expm1(-gamma * t);
  const z0 = a * w0;
  if (!Number.isFinite(z0)) return NaN;
  // Newton on d = ln(w/w0), w = u* − u the distance to the equilibrium (which falls along the solution): G is
  // monotone (increasing) and convex or concave in d, dG/dd = e^(−au)/γ; u = u0 − w0·expm1(d) and z = a·w0·e^d
  // carry no difference with u* (huge where γ is small)
  const uOf = (d: number) => u0 - w0 * Math.expm1(d);
  const Gd = (d: number) => (Math.exp(-a * uOf(d)) * scaledEi(z0 * Math.exp(d))) / gamma;
  const target = Gd(0) - t;
  if (!Number.isFinite(target)) return NaN;
  // G(u0) − t loses digits when G ≫ t (λ ≈ 1 and γ ≈ 0 together, G ~ ln|z|/γ): the error of u that leaves,
  // ~4ε·|G(u0)|·|dU/dG|, above 1e-11 sends the caller to the integrator
  if (
    4e-16 * Math.abs(target + t) * gamma * Math.abs(w0) * Math.exp(a * u0) >
    1e-11 * Math.max(1, Math.abs(u0))
  )
    return NaN;
  let lo = -1000;
  let hi = 0;
  // start: far from the equilibrium (|z| > 1) the power law (γ = 0); near it the linearization there
  let d = -gamma * Math.exp(Math.min(a * ustar, 700)) * t;
  if (Math.abs(z0) > 1) {
    const x = -a * (delta - gamma * u0) * t * Math.exp(a * u0);
    if (x > -1) d = Math.log(1 - -Math.log1p(x) / a / w0);
  }
  if (!(d > lo && d < hi)) d = -Math.min(1, 0.5 * gamma * t);
  if (!(d > lo && d < hi)) d = 0.5 * (lo + hi);
  // the rounding of G − target (a few units of the larger) and its effect on u
  const noise = (g: number) => 4e-16 * (Math.abs(g) + Math.abs(target));
  let stepPrev = hi - lo;
  for (let it = 0; it < 200; it++) {
    const g = Gd(d);
    let r = g - target;
    if (Number.isNaN(r)) {
      // e^(−au) under- or overflowed: a size beyond the range of doubles, further along the solution than t
      if (!(Math.abs(uOf(d)) > 700)) return NaN;
      r = -Infinity;
    }
    if (Number.isFinite(g) && Math.abs(r) <= noise(g)) return uOf(d);
    if (r < 0) lo = d;
    else hi = d;
    let next = NaN;
    if (Number.isFinite(r)) next = d - (r * gamma) / Math.exp(-a * uOf(d));
    // Newton where its steps at least halve (rtsafe of Numerical Recipes: far from the equilibrium G is exponential
    // in d, where Newton steps from the steep side crawl); bisection otherwise
    const newton = next > lo && next < hi && Math.abs(next - d) <= 0.5 * stepPrev;
    if (!newton) next = 0.5 * (lo + hi);
    stepPrev = Math.abs(next - d);
    // converged when the step moves u by less than 1e-15 (relative above 1), or d by its rounding
    const uNext = uOf(next);
    const du = Math.abs(uNext - uOf(d));
    if (
      (newton && du <= 1e-15 * Math.max(1, Math.abs(uNext))) ||
      Math.abs(next - d) <= 4e-16 * Math.max(1e-300, Math.abs(d))
    )
      return uNext;
    d = next;
  }
  // not converged to rounding: the bracket, if it pins u to 1e-10
  if (Math.abs(uOf(hi) - uOf(lo)) <= 1e-10 * Math.max(1, Math.abs(uOf(d)))) return uOf(0.5 * (lo + hi));
  if (uOf(hi) > 710) return Infinity; // beyond the largest double
  return NaN;
}
