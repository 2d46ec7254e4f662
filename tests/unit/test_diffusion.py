"""The diffusion laboratory: closed-form denoisers against independent posterior computations, the
excess-loss formulas against direct evaluation, DDIM against the mixture's moments, the memorization
ratio, the window rules, the analytic crossover, FB-Mem's regions and pruning, and the tables (the
claims: tests/claims/cases_diffusion.py)."""

import numpy as np
import pandas as pd
import pytest
from memtrade.diffusion import data, denoisers, fbmem, metrics, models, process, tables, theory
from numpy.polynomial.hermite_e import hermegauss
from scipy.special import logsumexp

TS = process.grid(0.001, 0.999, 26)


def mixture(d=6, k=3, n=12, seed=0):
    return data.gaussian_mixture(np.random.default_rng(seed), d, k, n, 10)


def noisy(x0, t, rng):
    return process.alpha(t) * x0 + process.sigma(t) * rng.standard_normal(x0.shape)


def test_empirical_denoiser_is_the_posterior_mean_over_the_training_points():
    """Bayes' rule enumerated over the N training points (Gaussian log-likelihoods) is the exact posterior."""
    mix = mixture()
    rng = np.random.default_rng(1)
    for t in (0.05, 0.3, 0.7, 0.95):
        a, s = float(process.alpha(t)), float(process.sigma(t))
        x = noisy(mix.x_train[:5], t, rng)
        ll = np.array([[-((xi - a * p) ** 2).sum() / (2 * s**2) for p in mix.x_train] for xi in x])
        post = np.exp(ll - logsumexp(ll, axis=1, keepdims=True))
        exact = post @ mix.x_train
        got = denoisers.gmm_x0(mix.x_train, 0.0, None, x, a, s)
        np.testing.assert_allclose(got, exact, atol=1e-6, rtol=0)


def test_ground_truth_denoiser_matches_quadrature_of_the_posterior():
    """Per-coordinate Gauss-Hermite quadrature (80 nodes) of N(x0; μ_k, v) N(x_t; α x0, σ²) gives each
    component's evidence and posterior mean; mixing them must equal the closed form to 1e-6. The
    quadrature weight is the narrower of the two Gaussians (the prior, or the likelihood as a
    function of x0, of width σ/α), so the other factor is smooth at the nodes."""
    mix = mixture(d=4, k=3)
    nodes, w = hermegauss(80)
    w = w / np.sqrt(2 * np.pi)
    rng = np.random.default_rng(2)

    def normal(z, mean, var):
        return np.exp(-((z - mean) ** 2) / (2 * var)) / np.sqrt(2 * np.pi * var)

    for t in (0.05, 0.1, 0.5, 0.9):
        a, s = float(process.alpha(t)), float(process.sigma(t))
        x = noisy(mix.x_val[:4], t, rng)[:, None, :, None]  # [B, 1, d, 1]
        mu = mix.means[None, :, :, None]  # [1, K, d, 1]
        if s / a < np.sqrt(mix.var):  # x0 = (x_t + σ u)/α, u ~ N(0, 1): weight from the likelihood
            x0 = (x + s * nodes) / a
            f = normal(x0, mu, mix.var) / a
        else:  # x0 = μ + √v u: weight from the prior
            x0 = mu + np.sqrt(mix.var) * nodes
            f = normal(x, a * x0, s**2)
        ev = (f * w).sum(-1)  # [B, K, d]
        mean_k = (f * w * x0).sum(-1) / ev
        log_ev = np.log(ev).sum(-1)  # independent coordinates
        post = np.exp(log_ev - logsumexp(log_ev, axis=1, keepdims=True))
        exact = np.einsum("bk,bkd->bd", post, mean_k)
        got = denoisers.gmm_x0(mix.means, mix.var, None, x[:, 0, :, 0], a, s)
        np.testing.assert_allclose(got, exact, atol=1e-6, rtol=0)


def test_ground_truth_denoiser_agrees_with_monte_carlo_within_sampling_error():
    mix = mixture(d=3, k=2)
    rng = np.random.default_rng(3)
    t = 0.6
    a, s = float(process.alpha(t)), float(process.sigma(t))
    x = noisy(mix.x_val[:1], t, rng)
    draws = mix.means[rng.integers(2, size=200_000)] + rng.standard_normal((200_000, 3))
    lw = -((x - a * draws) ** 2).sum(1) / (2 * s**2)
    wgt = np.exp(lw - lw.max())
    wgt /= wgt.sum()
    mc = wgt @ draws
    se = np.sqrt(wgt**2 @ (draws - mc) ** 2)
    got = denoisers.gmm_x0(mix.means, mix.var, None, x, a, s)[0]
    assert (np.abs(got - mc) < 5 * se + 1e-9).all()


def test_two_region_template_denoiser_matches_the_full_covariance_posterior():
    """Component j is Gaussian: x0 = c_F ⊗ F_j + c_B ⊗ B_j, c_F ~ N(μ_Fj, v I_3), c_B ~ N(μ_Bj, v I_3),
    so x0 ~ N(μ_Fj ⊗ F_j + μ_Bj ⊗ B_j, v (I_3 ⊗ (F_j F_jᵀ + B_j B_jᵀ))); the posterior mean by dense
    linear algebra (float64) must equal the closed form. Component 2 has its foreground zeroed (a
    pruned unit): no term of its own, and no -inf or NaN."""
    rng = np.random.default_rng(4)
    p, m = 6, 3
    tpl = rng.random((m, p)) + 0.1
    reg = (rng.random((m, p)) < 0.5).astype(float)
    reg[:, 0], reg[:, 1] = 1.0, 0.0  # both regions nonempty
    tpl[2] *= 1 - reg[2]  # component 2: foreground pruned
    fg_col, bg_col = rng.standard_normal((m, 3)), rng.standard_normal((m, 3))
    v, t = 0.7, 0.4
    a, s = float(process.alpha(t)), float(process.sigma(t))
    x = rng.standard_normal((4, 3, p))
    flat = x.reshape(4, -1)
    logp, post_means = [], []
    for j in range(m):
        f, b = tpl[j] * reg[j], tpl[j] * (1 - reg[j])
        mu = np.kron(fg_col[j], f) + np.kron(bg_col[j], b)
        c = v * np.kron(np.eye(3), np.outer(f, f) + np.outer(b, b))
        cov_t = a**2 * c + s**2 * np.eye(3 * p)
        inv = np.linalg.inv(cov_t)
        diff = flat - a * mu
        logp.append(-0.5 * np.einsum("bi,ij,bj->b", diff, inv, diff) - 0.5 * np.linalg.slogdet(cov_t)[1])
        post_means.append(mu + (a * c @ inv @ diff.T).T)
    logp = np.array(logp).T
    w = np.exp(logp - logsumexp(logp, axis=1, keepdims=True))
    exact = np.einsum("bj,jbi->bi", w, np.array(post_means)).reshape(4, 3, p)
    args = (tpl, reg, fg_col, bg_col, v, None, x, np.full(4, a), np.full(4, s))
    np.testing.assert_allclose(denoisers.region_x0(*args), exact, atol=1e-6, rtol=0)
    got_w = denoisers.responsibilities(denoisers.region_logits(*args))
    np.testing.assert_allclose(got_w, w, atol=1e-9, rtol=0)


def test_two_region_data_colour_the_regions_independently():
    rng = np.random.default_rng(3)
    tpl = data.colored_templates(rng, 3, 400, 0, 0.5, 1.0)
    fg = tpl.masks[tpl.y_train][:, None, :]
    # each region is its colour times its template, and the two colours are uncorrelated
    ink = np.where(fg, tpl.templates[tpl.y_train][:, None], 0)
    np.testing.assert_allclose(np.where(fg, tpl.x_train, 0), tpl.fg_colors[:400, :, None] * ink)
    np.testing.assert_allclose(np.where(fg, 0, tpl.x_train), tpl.bg_colors[:400, :, None] * np.where(fg, 0, 1.0))
    r = np.corrcoef(tpl.fg_colors[:, 0], tpl.bg_colors[:, 0])[0, 1]
    assert abs(r) < 0.15


def test_masked_means_are_ignored():
    mix = mixture()
    x = noisy(mix.x_val[:3], 0.3, np.random.default_rng(5))
    pad = np.vstack([mix.x_train[:4], 100 + np.zeros((3, mix.x_train.shape[1]))])
    mask = np.arange(7) < 4
    a, s = float(process.alpha(0.3)), 0.3
    np.testing.assert_allclose(
        denoisers.gmm_x0(pad, 0.2, mask, x, a, s), denoisers.gmm_x0(mix.x_train[:4], 0.2, None, x, a, s), atol=1e-12
    )


def test_generalizing_excess_formula_matches_direct_evaluation():
    """Well-separated components, small t: E‖x0 - E[x0|x_t]‖² under the ground truth is d v/(1 + ψ v),
    and the memorizing denoiser's training loss is ~0, so the excess is the formula."""
    rng = np.random.default_rng(6)
    d = 30
    mix = data.gaussian_mixture(rng, d, 3, 20, 0)
    for t in (0.02, 0.05, 0.1):
        a, s = float(process.alpha(t)), float(process.sigma(t))
        x0 = np.repeat(mix.x_train, 400, axis=0)
        xt = noisy(x0, t, rng)
        gt = ((denoisers.gmm_x0(mix.means, mix.var, None, xt, a, s) - x0) ** 2).sum(1).mean()
        mem = ((denoisers.gmm_x0(mix.x_train, 0.0, None, xt, a, s) - x0) ** 2).sum(1).mean()
        assert mem < 1e-3 * gt
        assert gt - mem == pytest.approx(float(theory.excess_generalizing(t, d, mix.var)), rel=0.03)


def test_partial_excess_formula_is_the_component_mean_model():
    """d v (1 - M/N) is the excess of the model that reproduces the M memorized points and answers a
    non-memorized point with its component mean; evaluated directly on a large sample."""
    rng = np.random.default_rng(7)
    d, n, m = 20, 4000, 1000
    mix = data.gaussian_mixture(rng, d, 3, n, 0)
    err = np.where(np.arange(n)[:, None] < m, 0.0, (mix.x_train - mix.means[mix.y_train]) ** 2).sum(1).mean()
    assert err == pytest.approx(float(theory.excess_partial(0.1, d, m, n)), rel=0.03)


def test_crossover_solves_the_weighted_balance():
    for weighting in ("eps", "x0"):
        r = theory.crossover(TS, 1.0, weighting)
        w = theory.weights(TS, weighting)
        gen = (w * theory.excess_generalizing(TS, 7)).sum()
        part = (w * theory.excess_partial(TS, 7, r * 1000, 1000)).sum()
        assert gen == pytest.approx(part, rel=1e-9)
    # ε weighting puts weight ψ ≈ 10⁶ on t = 0.001, so the crossover is at M ≈ N
    assert theory.crossover(TS) > 0.9999 and 0.6 < theory.crossover(TS, weighting="x0") < 0.7
    with pytest.raises(ValueError, match="weighting"):
        theory.weights(TS, "v")


def test_ddim_on_the_ground_truth_reproduces_the_mixture_moments():
    import jax.numpy as jnp

    mix = mixture(d=4, k=2, seed=8)
    rng = np.random.default_rng(9)
    x = jnp.asarray(rng.standard_normal((4000, 4)), jnp.float32)
    ts = process.grid(0.001, 0.999, 100)
    means = jnp.asarray(mix.means, jnp.float32)
    out = np.asarray(
        process.ddim(lambda y, t: denoisers.gmm_x0(means, 1.0, None, y, jnp.sqrt(1 - t**2), t, jnp), x, ts), float
    )
    # equal weights: mean = average of the means, covariance = v I + covariance of the means
    np.testing.assert_allclose(out.mean(0), mix.means.mean(0), atol=0.1)
    cov = mix.var * np.eye(4) + np.cov(mix.means.T, bias=True)
    np.testing.assert_allclose(np.cov(out.T), cov, atol=0.2)


def test_untrained_model_at_m_equals_n_memorizes_everything():
    mix = mixture(d=10, k=3, n=20)
    rng = np.random.default_rng(10)
    params, masks = models.gmm_pmem(rng, mix.x_train, [20], 20, 1e-6)
    gen = models.sample("gmm", params, masks, rng.standard_normal((1, 50, 10)), TS)
    ratio, _ = metrics.nn_ratio(gen[0], mix.x_train)
    assert (ratio < 1 / 3).mean() == 1.0
    # and the ground truth does not memorize
    gt = ({"means": mix.means[None], "std": np.ones(1)}, np.ones((1, 3), bool))
    gen = models.sample("gmm", *gt, rng.standard_normal((1, 50, 10)), TS)
    assert (metrics.nn_ratio(gen[0], mix.x_train)[0] < 1 / 3).mean() < 0.2


def test_nn_ratio_and_window_rules():
    train = np.array([[0.0], [1.0], [10.0]])
    ratio, nearest = metrics.nn_ratio(np.array([[0.1], [5.0]]), train)
    np.testing.assert_allclose(ratio, [0.1 / 0.9, 4 / 5])
    assert list(nearest) == [0, 1]
    sizes = [10, 20, 30, 40, 50]
    assert metrics.window(sizes, [0, 0.05, 0.5, 0.95, 1]) == (20, 40)
    assert metrics.window(sizes, [0.5, 0.6, 0.7, 0.8, 0.85]) == (10, 50)  # never crosses: the whole grid
    assert metrics.refine(20, 40, 10) == [20, 22, 24, 26, 28, 30, 32, 34, 36, 38, 40]
    assert metrics.refine(20, 22, 10) == [20, 21, 22]


def test_region_memorization_separates_foreground_from_background():
    rng = np.random.default_rng(11)
    tpl, masks = data.digit_templates(rng, 3, 0.5)
    y = np.array([0, 0, 1, 1, 2, 2])
    c = rng.standard_normal((6, 3))
    train = c[:, :, None] * tpl[y][:, None, :]
    copy = train[:1].copy()
    res = metrics.region_memorization(copy, train, masks[y], 1 / 3, 1 / 3)
    assert res["memorized"][0] and res["foreground_memorized"][0] and res["background_memorized"][0]
    # the foreground copied, the background recoloured with a fresh colour: only the foreground memorized
    fresh = np.array([3.0, -3.0, 3.0])[None, :, None] * tpl[y[0]][None, None, :]
    mixed = np.where(masks[y[0]][None, None, :], train[:1], fresh)
    res = metrics.region_memorization(mixed, train, masks[y], 1 / 3, 1 / 3)
    assert res["foreground_memorized"][0] and not res["background_memorized"][0]
    assert res["foreground_matches"][0] >= 1


def test_pruning_drops_the_most_concentrated_units_of_either_region():
    rng = np.random.default_rng(12)
    tpl = data.colored_templates(rng, 2, 8, 0, 0.5, 1.0)
    params, masks = models.template_pmem(rng, tpl, [8, 4], 8, 1e-6)
    keep = fbmem.mitigate(params, masks, tpl.x_train, TS, {"fraction": 0.5, "probe_index": 1}, 0)
    assert keep.shape == (2, 8, 2)
    assert (keep.reshape(2, -1).sum(1) == [8, 4]).all() and not (keep & ~masks[:, :, None]).any()
    c = fbmem.concentration(params, masks, tpl.x_train, float(TS[1]), __import__("jax").random.PRNGKey(0))
    assert c.shape == (2, 8, 2)
    # at M = N each PMEM unit sits on its own training image: far more responsible for it than for any other
    assert (c[0][masks[0]] > np.log(2)).all()
    # the kept units are the least concentrated of the model
    flat_c, flat_k = c[1][masks[1]].ravel(), keep[1][masks[1]].ravel()
    assert flat_c[flat_k].max() <= flat_c[~flat_k].min()
    # pruning zeroes exactly the dropped parts; a component with no unit left is masked out
    pruned, kept = fbmem.prune(params, masks, keep)
    reg = params["regions"]
    fg_gone = ~keep[..., 0] & masks
    assert np.allclose((pruned["templates"] * reg)[fg_gone], 0)
    assert np.allclose((pruned["templates"] * reg)[keep[..., 0]], (params["templates"] * reg)[keep[..., 0]])
    assert (kept == (masks & keep.any(-1))).all()


def test_tables_on_synthetic_rows():
    rows = []
    for seed in range(3):
        for m in (10, 20, 30, 40, 50, 60, 70, 80, 90, 100):
            rows.append(
                {
                    "d": 30,
                    "k": 3,
                    "n": 100,
                    "steps": 10,
                    "seed": seed,
                    "m": m,
                    "phase": "coarse",
                    "memorization_ratio": float(m >= 90) * (0.95 + 0.01 * seed),
                    "learned_std": 0.1,
                    "final_loss": 1.0,
                    "batch_models": 10,
                    "m_over_n": m / 100,
                }
            )
    frame = pd.DataFrame(rows)
    settings = {
        "times": {"t_min": 0.001, "t_max": 0.999, "count": 26},
        "delta": 0.1,
        "coarse_step": 0.1,
        "component_var": 1.0,
    }
    summ = tables.summary(frame, 0.95)
    # exact losses: the partly memorizing denoiser's training loss (over two grid times) reaches the
    # ground truth's (20) between M = 40 (22) and M = 50 (18): M*/N = 0.45 by linear interpolation
    loss_rows = [
        {"d": 30, "k": 3, "n": 100, "model": "ground_truth", "m": 3, "split": "train", "t": t, "loss": 10.0}
        for t in (0.01, 0.5)
    ]
    loss_rows += [
        {"d": 30, "k": 3, "n": 100, "model": "partial_mem", "m": m, "split": split, "t": t, "loss": loss}
        for m, loss in ((10, 30.0), (40, 11.0), (50, 9.0), (100, 1.0))
        for t in (0.01, 0.5)
        for split in ("train", "val")
    ]
    win = tables.windows(summ, frame, settings, pd.DataFrame(loss_rows))
    assert win["window_start"].iloc[0] == 0.8 and win["window_end"].iloc[0] == 0.9
    assert bool(win["within_one_step"].iloc[0]) and win["monotone_violations"].iloc[0] == 0
    assert bool(win["crosses_low"].iloc[0]) and bool(win["crosses_high"].iloc[0])
    assert win["predicted_exact"].iloc[0] == pytest.approx(0.45)
    never = summ.assign(memorization_ratio=0.5)  # a ratio that never crosses 0.1 or 0.9: no fallback hides it
    flat = tables.windows(never, frame, settings, pd.DataFrame(loss_rows))
    assert not flat["crosses_low"].iloc[0] and not flat["crosses_high"].iloc[0]
    fb = []
    for seed in range(3):
        for stage, fg, bg in (("before", 0.9, 0.9), ("after", 0.8 + 0.01 * seed, 0.2)):
            fb.append(
                {
                    "seed": seed,
                    "m": 100,
                    "m_over_n": 1.0,
                    "mitigation": stage,
                    "components": 50,
                    "foreground_units": 25,
                    "background_units": 25,
                    "global_mem": bg,
                    "foreground_mem": fg,
                    "background_mem": bg,
                    "foreground_matches": 1.0,
                    "background_matches": 1.0,
                }
            )
    t = tables.fbmem(pd.DataFrame(fb), 0.95)
    fall = t[t["mitigation"] == "fall"].iloc[0]
    assert fall["background_minus_foreground_fall_lo"] > 0 and fall["level"] == 0.95
    tm = pd.DataFrame(
        [
            {
                "seed": s,
                "m": m,
                "m_over_n": m / 100,
                "memorization_ratio": r,
                "learned_std": 0.5,
                "eval_loss": 5.0,
                "ground_truth_loss": 5.5,
                "memorizing_loss": 0.2,
                "loss_drift": -0.01,
            }
            for s in range(3)
            for m, r in ((20, 0.0), (100, 0.8 + 0.1 * s))
        ]
    )
    tt = tables.templates(tm, 0.95).set_index("m")
    assert tt.at[100, "memorization_ratio_min"] == pytest.approx(0.8)
    assert tt.at[100, "memorization_ratio"] == pytest.approx(0.9) and tt.at[20, "eval_loss"] == 5.0


def test_sizes_train_in_padding_buckets():
    from memtrade.diffusion.experiment import buckets

    assert buckets(range(10, 101, 10), 100) == {50: [10, 20, 30, 40, 50], 100: [60, 70, 80, 90, 100]}
    assert buckets([5, 10, 15, 20], 20) == {20: [5, 10, 15, 20]}  # small N: one compilation
    assert buckets([10, 200, 300], 400) == {50: [10], 200: [200], 400: [300]}


def test_sampled_times_are_one_grid_time_per_training_point():
    import jax
    import jax.numpy as jnp
    from memtrade.diffusion.train import _noise

    x0 = jnp.zeros((40, 3))
    eps, a, s = _noise(jax.random.PRNGKey(0), x0, jnp.asarray(TS, jnp.float32), 4, "sampled")
    assert eps.shape == (160, 3)
    per_point = np.asarray(s).reshape(40, 4)
    assert (per_point == per_point[:, :1]).all()  # the draws of one point share its time
    assert np.isin(per_point[:, 0], np.float32(TS)).all() and len(set(per_point[:, 0])) > 5
    np.testing.assert_allclose(np.asarray(a) ** 2 + np.asarray(s) ** 2, 1.0, rtol=1e-6)
    eps, _, s = _noise(jax.random.PRNGKey(0), x0, jnp.asarray(TS, jnp.float32), 2, "stratified")
    assert eps.shape == (40 * 26 * 2, 3)
    np.testing.assert_allclose(np.asarray(s).reshape(40, 26, 2)[3, :, 1], TS, rtol=1e-6)


def test_replicates_train_side_by_side_as_they_would_alone():
    from memtrade.diffusion.train import Schedule, train

    sched = Schedule(steps=60, peak_lr=1e-2, final_lr=1e-4, warmup=0.1, draws=2, times="sampled")
    a, b = mixture(seed=1), mixture(seed=2)
    rng = np.random.default_rng(0)
    pa, ma = models.gmm_pmem(rng, a.x_train, [4, 8], 12, 1e-2)
    pb, mb = models.gmm_pmem(rng, b.x_train, [4, 8], 12, 1e-2)
    both, trace = train(
        "gmm", *models.stack((pa, ma), (pb, mb)), 7, np.stack([a.x_train, b.x_train]), TS, sched, np.array([0, 0, 1, 1])
    )
    alone, _ = train("gmm", pb, mb, 7, b.x_train, TS, sched)
    np.testing.assert_allclose(both["means"][2:], alone["means"], rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(both["std"][2:], alone["std"], rtol=1e-4)
    assert not np.allclose(both["means"][:2], alone["means"])  # the other replicate's data moved them differently
    assert trace.final_loss.shape == (4,) and np.isfinite(trace.final_grad_norm).all()


def test_their_schedule_reaches_the_generalizing_solution_at_small_m():
    """Their schedule (50,000 steps, peak 1e-3) on a small mixture: the smallest model leaves its
    memorizing initialisation for the ground truth (loss near it, s near 1), the M = N one stays."""
    from memtrade.diffusion.train import Schedule, train

    mix = mixture(d=6, k=2, n=12, seed=3)
    sched = Schedule(steps=50_000, peak_lr=1e-3, final_lr=1e-6, warmup=0.1, draws=1, times="sampled")
    params, masks = models.gmm_pmem(np.random.default_rng(4), mix.x_train, [2, 12], 12, 1e-6)
    out, trace = train("gmm", params, masks, 5, mix.x_train, TS, sched)
    assert 0.7 < abs(out["std"][0]) < 1.3 and abs(out["std"][1]) < 0.1
    gt = ({"means": mix.means[None], "std": np.ones(1)}, np.ones((1, 2), bool))
    every = models.stack((out, masks), gt)
    loss = models.losses_per_t("gmm", *every, mix.x_train, TS, 20, __import__("jax").random.PRNGKey(1)).mean(1)
    assert loss[0] <= 1.2 * loss[2] and loss[1] < loss[2]
    assert abs(trace.loss_drift[0]) < 0.2


def test_template_pmem_starts_with_every_class_when_it_can():
    """The regions stay fixed in training: a model of at least K components starts with one
    training image of every class (a class left out could never be represented), the rest drawn
    without replacement; fewer than K components are drawn at random."""
    rng = np.random.default_rng(13)
    tpl = data.colored_templates(rng, 6, 100, 0, 0.5, 1.0)
    for seed in range(20):
        params, masks = models.template_pmem(np.random.default_rng(seed), tpl, [6, 20, 100, 4], 100, 1e-6)
        for i, m in enumerate([6, 20, 100, 4]):
            got = params["templates"][i, :m]
            cls = [int(np.flatnonzero((tpl.templates == t).all(axis=1))[0]) for t in got]
            if m >= 6:
                assert set(cls) == set(range(6))
            # components are distinct training images: their colour pairs never repeat
            pairs = np.concatenate([params["fg_colors"][i, :m], params["bg_colors"][i, :m]], axis=1)
            assert len(np.unique(pairs, axis=0)) == m
