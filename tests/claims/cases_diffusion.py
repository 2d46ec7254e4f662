"""Synthetic cases of the diffusion laboratory's claims (tests/claims/cases.py)."""

import pandas as pd

POINTS = [(30, 3, 50), (30, 4, 50)]


def _models(full_ratio=1.0, small_std=1.0):
    rows = []
    for d, k, n in POINTS:
        for seed in range(5):
            for m in (5, 25, 50):
                ratio = {5: 0.0, 25: 0.5, 50: full_ratio if seed == 0 else 1.0}[m]
                std = small_std if m == 5 else 0.3
                rows.append(
                    dict(d=d, k=k, n=n, seed=seed, m=m, memorization_ratio=ratio, learned_std=std, true_std=1.0)
                )
    return pd.DataFrame(rows)


def _losses(small_loss=10.0):
    rows = []
    for d, k, n in POINTS:
        for t in (0.01, 0.5):
            rows.append(dict(d=d, k=k, n=n, model="ground_truth", m=k, split="train", t=t, loss=10.0))
            rows.append(dict(d=d, k=k, n=n, model="trained", m=5, split="train", t=t, loss=small_loss))
            rows.append(dict(d=d, k=k, n=n, model="trained", m=5, split="val", t=t, loss=99.0))
    return pd.DataFrame(rows)


def _window(start=0.4, end=0.55, crosses=True, predicted=0.5):
    w = pd.DataFrame(
        {
            "d": [p[0] for p in POINTS],
            "k": [p[1] for p in POINTS],
            "n": [p[2] for p in POINTS],
            "window_start": [0.4, start],
            "window_end": [0.55, end],
            "predicted": [0.5, predicted],
            "predicted_x0": [0.5, predicted],
            "predicted_exact": [0.5, predicted],
            "crosses_low": [True, crosses],
            "crosses_high": [True, crosses],
        }
    )
    return w


def _crossover(column, **window):
    """Tables of the crossover claims; ``window`` changes the second point's window or prediction."""

    def tables(full_ratio=1.0, small_std=1.0, small_loss=10.0):
        w = _window(**window)
        if column != "predicted":  # only the claim's own prediction moves
            w["predicted"] = 0.5
        return {
            "diffusion_window": w,
            "diffusion_models": _models(full_ratio, small_std),
            "diffusion_losses": _losses(small_loss),
        }

    return tables


def _gated(column, **kw):
    return lambda: _crossover(column)(**kw)


def _summary(drop=0.0, seeds=5):
    def tables():
        rows = []
        for d, k, n in POINTS:
            for m, r in ((5, 0.0), (25, 0.6), (40, 0.6 - drop), (50, 1.0)):
                rows.append(dict(d=d, k=k, n=n, m=m, seeds=seeds, memorization_ratio=r))
        return {
            "diffusion_summary": pd.DataFrame(rows),
            "diffusion_models": _models(),
            "diffusion_losses": _losses(),
        }

    return tables


def _templates(full_min=1.0, small_loss=6.0):
    return pd.DataFrame(
        [
            {"m": 20, "memorization_ratio_min": 0.0, "eval_loss": small_loss, "ground_truth_loss": 5.7},
            {"m": 100, "memorization_ratio_min": full_min, "eval_loss": 0.4, "ground_truth_loss": 5.7},
        ]
    )


def _fbmem(lo, global_fall_lo=0.2, before_mem=0.5, **trained):
    def tables():
        f = pd.DataFrame(
            [
                {"m": 100, "mitigation": "before", "global_mem": before_mem},
                {
                    "m": 100,
                    "mitigation": "fall",
                    "level": 0.95,
                    "global_fall": 0.4,
                    "global_fall_lo": global_fall_lo,
                    "foreground_fall": 0.1,
                    "background_fall": 0.7,
                    "background_minus_foreground_fall": 0.6,
                    "background_minus_foreground_fall_lo": lo,
                    "background_minus_foreground_fall_hi": 0.8,
                },
            ]
        )
        return {"diffusion_fbmem": f, "diffusion_templates": _templates(**trained)}

    return tables


def _crossover_cases(column):
    return {
        "pass": _gated(column),
        # the window holds the prediction only widened: 0.6 lies 0.05 beyond its end
        "fail": lambda: _crossover(column, predicted=0.6)(),
        "not-run": _gated(column, full_ratio=0.5),  # a seed does not memorize at M = N: not trained
    }


CASES = {
    "diffusion_crossover_predicts_transition": _crossover_cases("predicted"),
    "diffusion_crossover_x0_reading": _crossover_cases("predicted_x0"),
    "diffusion_crossover_exact_loss": _crossover_cases("predicted_exact"),
    "diffusion_ratio_monotone": {"pass": _summary(0.05), "fail": _summary(0.2), "not-run": _summary(0.0, seeds=3)},
    "diffusion_fbmem_foreground_persists": {
        "pass": _fbmem(0.4),
        "fail": _fbmem(-0.1),
        "not-run": _fbmem(0.4, global_fall_lo=-0.05),  # the pruning does not lower memorization
    },
}

# More ways each claim fails or is not run, checked by test_more_diffusion_cases below.
MORE = {
    "diffusion_crossover_predicts_transition": [
        ("fail", lambda: _crossover("predicted", crosses=False)()),  # no crossing: no fallback window
        ("fail", lambda: _crossover("predicted", start=0.3, end=0.6)()),  # 0.3 wide
        ("not-run", _gated("predicted", small_std=0.05)),  # learned std stuck far from the truth
        ("not-run", _gated("predicted", small_loss=30.0)),  # loss 3x the ground truth's
    ],
    "diffusion_fbmem_foreground_persists": [
        ("not-run", _fbmem(0.4, before_mem=0.95)),  # no size with global memorization in [0.2, 0.8]
        ("not-run", _fbmem(0.4, full_min=0.6)),  # a seed does not memorize at M = N: not trained
        ("not-run", _fbmem(0.4, small_loss=9.0)),  # the smallest model far from the generalizing loss
    ],
}
