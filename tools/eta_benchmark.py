"""Peer comparison: memtrade's exact eta_KL against dit's hypercontractivity coefficient (benchmark-only).

dit 2.3 computes s*(B || A) = max_{U - B - A} I(U; A) / I(U; B), which is eta_KL(P_B, P_{A|B}), by
basin-hopping over U. Both run on the channels the pipeline uses: the count statistic B of n
examples against theta (tau_n) and against a fresh example's coordinate (rho_n), for the Boolean
and sparse problems of config.yaml's d grid and n = 1, 2, 4, ..., 64. dit runs in a child process
with a time cap per call; once it hits the cap at some n, larger n are not tried for that channel.

Reference values, where A is binary: the exponential-tilting supremum evaluated with mpmath at 60
digits (a golden-section search on a fine grid of tilts, plus the lambda -> 0 limit evaluated at a
tiny tilt; extended precision removes the cancellation there). The ternary tau of the sparse
problem has no such reference: only the two methods' difference is reported.

    python tools/eta_benchmark.py [--cap SECONDS] [--nmax 64]
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import sys
import time
from pathlib import Path

import numpy as np
import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "workflow"))


def reference_binary(p_b, w, digits: int = 60) -> float:
    """sup over tilts Q ~ P_B exp(lam f) of D(Q W || P W) / D(Q || P_B), f = P(A = 1 | B), in mpmath."""
    import mpmath

    mpmath.mp.dps = digits
    p_b = [mpmath.mpf(float(x)) for x in p_b]
    total = mpmath.fsum(p_b)
    p_b = [x / total for x in p_b]  # float inputs sum to 1 only up to round-off; the channel is the normalised one
    f = [mpmath.mpf(float(x)) / (mpmath.mpf(float(x)) + mpmath.mpf(float(y))) for y, x in w]
    p = mpmath.fsum(pb * fb for pb, fb in zip(p_b, f, strict=True))

    # the lam -> 0 limit in closed form: D(q || p) ~ Var(f)^2 lam^2 / (2 p (1 - p)) and
    # D(Q || P_B) ~ Var(f) lam^2 / 2. Below |lam| spread = 1e-6 the ratio is this limit to far more
    # digits than a direct evaluation keeps (its terms cancel), so it is used there.
    var = mpmath.fsum(pb * (fb - p) ** 2 for pb, fb in zip(p_b, f, strict=True))
    limit = var / (p * (1 - p))
    spread = float(max(f) - min(f)) or 1.0

    def ratio(lam):
        if abs(lam) * spread < mpmath.mpf("1e-6"):
            return limit
        z = [pb * mpmath.exp(lam * fb) for pb, fb in zip(p_b, f, strict=True)]
        total = mpmath.fsum(z)
        q_b = [x / total for x in z]
        den = mpmath.fsum(q * mpmath.log(q / pb) for q, pb in zip(q_b, p_b, strict=True) if q > 0)
        q = mpmath.fsum(qb * fb for qb, fb in zip(q_b, f, strict=True))
        num = q * mpmath.log(q / p) + (1 - q) * mpmath.log((1 - q) / (1 - p))
        return num / den if den > 0 else mpmath.mpf(0)

    grid = [s * 10 ** (k / 8) / spread for s in (-1, 1) for k in range(-24, 29)]
    values = [ratio(mpmath.mpf(x)) for x in grid]
    best = max(range(len(grid)), key=lambda i: values[i])
    lo, hi = mpmath.mpf(grid[max(best - 1, 0)]), mpmath.mpf(grid[min(best + 1, len(grid) - 1)])
    golden = (mpmath.sqrt(5) - 1) / 2
    for _ in range(200):  # golden-section search for the maximum on [lo, hi]
        a, b = hi - golden * (hi - lo), lo + golden * (hi - lo)
        if ratio(a) > ratio(b):
            hi = b
        else:
            lo = a
    candidates = [max(values), ratio((lo + hi) / 2), limit]
    return float(max(candidates))


def _dit_worker(p_b, w, queue) -> None:
    import dit
    from dit.divergences import hypercontractivity_coefficient

    outcomes, pmf = [], []
    for b, row in enumerate(w):
        for a, prob in enumerate(row):
            if p_b[b] * prob > 0:
                outcomes.append((b, a))
                pmf.append(p_b[b] * prob)
    dist = dit.Distribution(outcomes, pmf)
    start = time.perf_counter()
    value = hypercontractivity_coefficient(dist, [[0], [1]])
    queue.put((float(value), time.perf_counter() - start))


def run_dit(p_b, w, cap: float):
    """(value, seconds) from dit in a child process, or (None, cap) when it exceeds the cap."""
    queue = mp.get_context("fork").Queue()
    proc = mp.get_context("fork").Process(target=_dit_worker, args=(p_b, w, queue))
    proc.start()
    proc.join(cap)
    if proc.is_alive():
        proc.kill()
        proc.join()
        return None, cap
    return queue.get() if not queue.empty() else (None, cap)


def main() -> None:
    from memtrade.eta import eta_kl
    from memtrade.problems import make_problem
    from memtrade.sdpi import statistic_channels

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cap", type=float, default=5.0, help="seconds per dit call")
    parser.add_argument("--nmax", type=int, default=64)
    args = parser.parse_args()
    config = yaml.safe_load((ROOT / "config.yaml").read_text())["problems"]
    ns = [n for n in (1, 2, 4, 8, 16, 32, 64) if n <= args.nmax]
    rows, speedups, ours_err, dit_err = [], [], [], []
    for name in ("boolean", "sparse"):
        for d in config[name]["d"]:
            problem = make_problem(name, d, config[name])
            capped = {"tau": False, "rho": False}
            for n in ns:
                p_b, post, fresh = statistic_channels(problem, n)
                for const, w in (("tau", post), ("rho", fresh)):
                    start = time.perf_counter()
                    ours = eta_kl(p_b, w).eta
                    t_ours = time.perf_counter() - start
                    ref = reference_binary(p_b, w) if w.shape[1] == 2 else None
                    if capped[const]:
                        theirs, t_dit = None, None
                    else:
                        theirs, t_dit = run_dit(p_b, w, args.cap)
                        capped[const] = theirs is None
                    e_ours = abs(ours - ref) / ref if ref else None
                    e_dit = abs(theirs - ref) / ref if (ref and theirs is not None) else None
                    if e_ours is not None:
                        ours_err.append(e_ours)
                    if e_dit is not None:
                        dit_err.append(e_dit)
                    if theirs is not None:
                        speedups.append(t_dit / t_ours)

                    if theirs is not None:
                        dit_cells = f"{theirs:.10g} | {t_dit:.2f} | " + (f"{e_dit:.1e}" if e_dit is not None else "–")
                    elif t_dit is not None:
                        dit_cells = f"over the {args.cap:g} s cap | – | –"
                    else:
                        dit_cells = "not run (over the cap at a smaller n) | – | –"
                    ref_cell = f"{e_ours:.1e}" if e_ours is not None else "– (ternary A)"
                    ours_cells = f"{ours:.10g} | {t_ours * 1e3:.2f} | {ref_cell}"
                    rows.append(f"| {name} | {d} | {n} | {const} | {ours_cells} | {dit_cells} |")
    head = ["problem", "d", "n", "constant", "memtrade eta", "memtrade ms", "memtrade rel. error"]
    print("| " + " | ".join(head + ["dit eta", "dit s", "dit rel. error"]) + " |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    print("\n".join(rows))
    print()
    print(
        f"Summary: memtrade is {np.median(speedups):.0f}x faster than dit (median over the {len(speedups)} "
        f"channels dit finished within {args.cap:g} s; minimum {min(speedups):.0f}x). Largest relative error "
        f"against the extended-precision reference: memtrade {max(ours_err):.1e}, dit {max(dit_err):.1e}."
    )


if __name__ == "__main__":
    main()
