"""The memtrade command: every subcommand against the library; bad input gives exit status 2 and one line."""

import io
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from conftest import QUICK, ROOT
from memtrade import cli
from memtrade.blackbox.learners import NaturalClassifier  # noqa: F401 (imported by path in the audit test)
from memtrade.eta import ratio_at
from memtrade.sdpi import sdpi_table


def run(*args, cwd=None):
    return subprocess.run(
        [sys.executable, "-m", "memtrade", *args], capture_output=True, text=True, cwd=cwd, timeout=300
    )


def test_console_script_is_installed_and_help_has_an_example():
    script = Path(sys.executable).parent / "memtrade"
    assert script.exists(), "bin/_env.sh installs the package (pyproject.toml [project.scripts])"
    for sub in ("bound", "eta", "audit", "lm-audit", "memscore", "mia"):
        out = subprocess.run([str(script), sub, "--help"], capture_output=True, text=True, timeout=60).stdout
        assert "example" in out and f"memtrade {sub}" in out


@pytest.mark.parametrize("problem", ["gaussian", "boolean", "sparse"])
def test_bound_equals_the_pipeline_tables_on_the_quick_config(problem):
    section = yaml.safe_load(QUICK.read_text())["problems"][problem]
    pipeline = sdpi_table(problem, section, section["d"], section["n"])
    for d in section["d"]:
        t = cli.bound_table(problem, d, section["n"], [0.0, 0.2], section["c"])
        ref = pipeline[pipeline["d"] == d].set_index("n")
        for row in t.itertuples():
            for col in ("tau", "rho", "F"):
                assert getattr(row, col) == pytest.approx(ref.loc[row.n, col], rel=1e-12, abs=1e-300)
    at_zero = t[t["error"] == 0.0]
    np.testing.assert_allclose(at_zero["lower_bound_bits"], at_zero["F"], rtol=1e-12)  # 1 - h2(0) = 1


def test_bound_formats_and_output_file_only(tmp_path):
    proc = run("bound", "--problem", "sparse", "--d", "100", "--n", "1", "2", "--error", "0.1", "--format", "json")
    assert proc.returncode == 0 and len(json.loads(proc.stdout)) == 2
    out = tmp_path / "bound.csv"
    proc = run(
        "bound",
        "--problem",
        "boolean",
        "--d",
        "1000",
        "--n",
        "1",
        "4",
        "--format",
        "csv",
        "--output",
        str(out),
        cwd=tmp_path,
    )
    assert proc.returncode == 0 and proc.stdout == ""
    assert list(pd.read_csv(out).columns)[-3:] == ["F", "error", "lower_bound_bits"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bound.csv"]  # nothing else written


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_machine_readable_formats_carry_every_bit(fmt):
    """JSON and CSV give the library's floats exactly (not rounded to 10 decimals)."""
    import io

    from memtrade.bounds import bound_table
    from memtrade.problems import make_problem

    ref = bound_table(make_problem("boolean", 1000, {"c": 1.0}), [1, 3, 7], [0.1, 1 / 3])
    args = "bound --problem boolean --d 1000 --n 1 3 7 --error 0.1".split()
    proc = run(*args, repr(1 / 3), "--format", fmt)
    got = pd.DataFrame(json.loads(proc.stdout)) if fmt == "json" else pd.read_csv(io.StringIO(proc.stdout))
    for col in ("r", "tau", "rho", "F", "error", "lower_bound_bits"):
        assert got[col].tolist() == ref[col].tolist(), col  # equal to the last bit


def test_eta_of_known_channels(tmp_path):
    r = 0.6
    joint = np.array([[1 + r, 1 - r], [1 - r, 1 + r]]) / 4  # doubly symmetric binary pair: eta = r^2
    np.savetxt(tmp_path / "joint.csv", joint, delimiter=",")
    proc = run("eta", "--joint", str(tmp_path / "joint.csv"), "--format", "json")
    rec = json.loads(proc.stdout)[0]
    assert rec["eta_kl"] == pytest.approx(r**2, rel=1e-9) and "tilting" in rec["method"]
    s = 0.3  # A = erasure of B, survival s: eta = s (the bounds pin it)
    np.savetxt(tmp_path / "erasure.csv", [[s, 0, 1 - s], [0, s, 1 - s]], delimiter=",")
    proc = run("eta", "--channel", str(tmp_path / "erasure.csv"), "--input", "0.5,0.5", "--format", "json")
    assert json.loads(proc.stdout)[0]["eta_kl"] == pytest.approx(s, rel=1e-9)
    w = [[0.7, 0.2, 0.1], [0.1, 0.3, 0.6], [0.3, 0.3, 0.4]]  # three outputs: the optimiser
    np.savetxt(tmp_path / "w.csv", w, delimiter=",")
    proc = run("eta", "--channel", str(tmp_path / "w.csv"), "--input", "0.2,0.5,0.3", "--format", "json")
    rec = json.loads(proc.stdout)[0]
    assert "restarts" in rec["method"]
    assert rec["maximal_correlation2"] <= rec["eta_kl"] <= rec["dobrushin"] + 1e-12
    if isinstance(rec["maximising_q_b"], list):
        assert ratio_at([0.2, 0.5, 0.3], w, rec["maximising_q_b"]) == pytest.approx(rec["eta_kl"], rel=1e-6)


def test_audit_end_to_end_with_an_estimator_the_workflow_does_not_list(tmp_path):
    proc = run(
        "audit",
        "--problem",
        "sparse",
        "--d",
        "40",
        "--n",
        "1",
        "3",
        "--seeds",
        "3",
        "--bootstrap",
        "50",
        "--estimator",
        "sklearn.tree.DecisionTreeClassifier",
        "--param",
        "max_depth=4",
        "--output",
        str(tmp_path),
    )
    assert proc.returncode == 0, proc.stderr
    assert "seed 3/3 done" in proc.stderr and "elapsed" in proc.stderr  # progress on stderr
    t = pd.read_csv(tmp_path / "audit.csv")
    assert set(t["attack"]) == {"sign", "coordinate_ascent"} and set(t["n"]) == {1, 3}
    assert (t["certified_bits"] >= 0).all() and t["lower_bound_bits"].gt(0).all()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["audit.csv", "audit.pdf", "audit.png"]


@pytest.mark.parametrize("problem", ["boolean", "sparse"])
def test_audit_never_certifies_above_the_exact_memorization_of_the_natural_learner(problem):
    table = cli.audit(
        problem, 60, [1, 2, 4], 4, "memtrade.blackbox.learners.NaturalClassifier", {"problem": problem}, bootstrap=50
    )
    assert table["exact_bits"].notna().all()
    assert (table["certified_bits"] <= table["exact_bits"]).all()
    first = table[table["n"] == 1]
    assert (first["certified_bits_estimate"] > 0.5 * first["exact_bits"]).all()  # the attacks do find the bits


BAD = {
    "joint not summing to 1": (["eta", "--joint", "{dir}/j.csv"], "0.45,0.05\n0.05,0.449999\n", "not 1"),
    "negative entry": (["eta", "--joint", "{dir}/j.csv"], "0.6,-0.1\n0.05,0.45\n", "negative entry"),
    "non-numeric cell": (["eta", "--joint", "{dir}/j.csv"], "0.45,abc\n0.05,0.45\n", "not a numeric"),
    "channel rows not summing to 1": (
        ["eta", "--channel", "{dir}/j.csv", "--input", "0.5,0.5"],
        "0.9,0.2\n0.5,0.5\n",
        "row 1 sums",
    ),
    "unknown problem": (["bound", "--problem", "torus", "--d", "10", "--n", "1"], None, "invalid choice"),
    "n = 0": (["bound", "--problem", "gaussian", "--d", "10", "--n", "0"], None, "--n must be positive"),
    "error outside [0, 1/2]": (
        ["bound", "--problem", "gaussian", "--d", "10", "--n", "1", "--error", "0.75"],
        None,
        "[0, 1/2]",
    ),
    "estimator that does not import": (
        ["audit", "--problem", "sparse", "--d", "20", "--n", "1", "--estimator", "sklearn.nothere.Tree"],
        None,
        "does not import",
    ),
    "estimator without predict_proba": (
        [
            "audit",
            "--problem",
            "sparse",
            "--d",
            "20",
            "--n",
            "1",
            "--estimator",
            "sklearn.linear_model.LinearRegression",
        ],
        None,
        "neither predict_proba nor decision_function",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_input_is_one_line_and_exit_status_2(case, tmp_path):
    args, content, message = BAD[case]
    if content is not None:
        (tmp_path / "j.csv").write_text(content)
    proc = run(*[a.format(dir=tmp_path) for a in args])
    assert proc.returncode == 2, (proc.stdout, proc.stderr)
    assert message in proc.stderr and "Traceback" not in proc.stderr, proc.stderr


def test_workflow_runs_an_estimator_given_by_import_path():
    """config/quick.yaml lists a scikit-learn estimator by import path (family: sklearn)."""
    quick = yaml.safe_load(QUICK.read_text())
    assert any(spec["family"] == "sklearn" for spec in quick["blackbox"]["learners"].values())
    assert (ROOT / "workflow" / "memtrade" / "cli" / "__init__.py").exists()


@pytest.fixture(scope="module")
def lm_checkpoint(tmp_path_factory):
    """A GPT-2 checkpoint directory in the Hugging Face layout, trained briefly on lines that repeat."""
    import memtrade.lab  # noqa: F401
    from memtrade import seeds
    from memtrade.lab import gpt2, tokenizer
    from memtrade.lab.train import train

    words = "alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi omicron pi rho".split()
    rng = np.random.default_rng(1)
    lines = [" ".join(rng.choice(words, 10)) for _ in range(40)]
    tok = tokenizer.train(lines * 5, 300)
    cfg = gpt2.GPT2Config(tok.get_vocab_size(), 48, 32, 1, 2)
    params = gpt2.init_params(cfg, np.random.default_rng(0))
    ids, mask = tokenizer.pack(tok, lines)
    params, _ = train(params, cfg, ids, mask, seeds.generator(0, "cli-test"), epochs=60, batch=8, lr=1e-2,
                      warmup_fraction=0.1, weight_decay=0.0)  # fmt: skip
    path = tmp_path_factory.mktemp("ckpt")
    gpt2.save_checkpoint(path, params, cfg, tok.to_str())
    (path / "samples.txt").write_text("\n".join(lines[:6] + ["ab"]) + "\n")
    return path


def test_lm_audit_measures_a_checkpoint_it_did_not_train(lm_checkpoint, tmp_path):
    out = tmp_path / "audit.csv"
    proc = run("lm-audit", "--checkpoint", str(lm_checkpoint), "--samples", str(lm_checkpoint / "samples.txt"),
               "--prefix-tokens", "4", "--suffix-tokens", "5", "--perturb", "1", "3", "--draws", "2",
               "--canary", "alpha beta ", "--secret", "3", "--format", "csv", "--output", str(out))  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    t = pd.read_csv(out)
    assert len(t) == 7 and not t["measurable"].iloc[-1] and t["measurable"].iloc[:-1].all()
    m = t[t["measurable"]]
    assert m["extracted"].astype(bool).mean() >= 0.5  # the training lines were memorized
    assert ((m["mem_score"] >= 0) & (m["mem_score"] <= 1)).all() and {"mem_score_1", "mem_score_3"} <= set(t)
    assert 0 <= t["canary_exposure_exact"].iloc[0] <= np.log2(10) + 1e-9
    assert t["canary_log2_candidates"].iloc[0] == pytest.approx(np.log2(10))


@pytest.mark.parametrize(
    "remove, message",
    [("model.safetensors", "model.safetensors: missing"), ("tokenizer.json", "tokenizer.json: missing"),
     ("config.json", "config.json: missing")],
)  # fmt: skip
def test_lm_audit_names_the_missing_file(lm_checkpoint, tmp_path, remove, message):
    import shutil

    copy = tmp_path / "ckpt"
    shutil.copytree(lm_checkpoint, copy)
    (copy / remove).unlink()
    proc = run("lm-audit", "--checkpoint", str(copy), "--samples", str(copy / "samples.txt"))
    assert proc.returncode == 2 and message in proc.stderr and "Traceback" not in proc.stderr, proc.stderr


def test_lm_audit_rejects_a_prefix_longer_than_the_context(lm_checkpoint):
    proc = run("lm-audit", "--checkpoint", str(lm_checkpoint), "--samples", str(lm_checkpoint / "samples.txt"),
               "--prefix-tokens", "40", "--suffix-tokens", "20")  # fmt: skip
    assert proc.returncode == 2 and "exceeds the context 48" in proc.stderr, proc.stderr


@pytest.fixture(scope="module")
def labelled_csv(tmp_path_factory):
    """400 rows of scikit-learn's digits as a user's CSV, 4 of them relabelled (known mislabels)."""
    from sklearn.datasets import load_digits

    frame = load_digits(as_frame=True).frame.iloc[:400].copy()
    frame.loc[[3, 50, 120, 300], "target"] = (frame.loc[[3, 50, 120, 300], "target"] + 5) % 10
    path = tmp_path_factory.mktemp("memscore") / "digits.csv"
    frame.to_csv(path, index=False)
    return path


def test_memscore_scores_a_users_csv_and_finds_its_mislabels(labelled_csv, tmp_path):
    out = tmp_path / "scores"
    proc = run("memscore", "--data", str(labelled_csv), "--label", "target", "--models", "60", "--jobs", "2",
               "--estimator", "sklearn.neighbors.KNeighborsClassifier", "--param", "n_neighbors=1",
               "--output", str(out))  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert "60/60 models fitted" in proc.stderr and "models/s" in proc.stderr  # progress
    table = pd.read_csv(out / "memscore.csv")
    assert len(table) == 400 and {"index", "label", "mem", "mem_se", "p_in", "p_out"} <= set(table.columns)
    top = list(table["index"])
    assert {3, 50, 120, 300} <= set(top[:6]), top[:10]  # the relabelled rows are among the highest scores
    assert (out / "memscore.png").stat().st_size > 10_000 and (out / "memscore.pdf").exists()
    easy = table[(table["p_in"] == 1) & (table["p_out"] == 1)]  # mem 0 with a standard error of 0 ...
    assert len(easy) > 100 and (easy["mem_se"] == 0).all()
    assert (easy["mem_lo"] < -0.01).all() and (easy["mem_hi"] > 0.01).all()  # ... yet a 95 % interval around 0
    assert ((table["mem_lo"] <= table["mem"]) & (table["mem"] <= table["mem_hi"])).all()
    assert "layout" not in proc.stderr and "Warning" not in proc.stderr  # no tight_layout warning
    again = run("memscore", "--data", str(labelled_csv), "--label", "target", "--models", "60", "--format", "csv",
                "--estimator", "sklearn.neighbors.KNeighborsClassifier", "--param", "n_neighbors=1")  # fmt: skip
    assert pd.read_csv(io.StringIO(again.stdout)).equals(table)  # the same bytes of scores at one process


@pytest.mark.parametrize(
    "edit, args, message",
    [
        (None, ["--label", "nope"], "no label column 'nope'"),
        ("text", [], "feature column 'pixel_0_1' is not numeric"),
        ("single", [], "has one example"),
        (None, ["--fraction", "1.5"], "--fraction must lie strictly between 0 and 1"),
        (None, ["--fraction", "0"], "--fraction must lie strictly between 0 and 1"),
        (None, ["--models", "3"], "too few for a standard error"),
        (None, ["--estimator", "sklearn.nothere.X"], "does not import"),
        (None, ["--estimator", "sklearn.linear_model.LinearRegression"], "is a regressor"),
        (None, ["--estimator", "sklearn.neighbors.KNeighborsClassifier", "--param", "n_neighbors=0"],
         "The 'n_neighbors' parameter of KNeighborsClassifier"),
        ("continuous", [], "holds non-integer numbers (e.g. 0.5)"),
        (None, ["--test", "{dir}/absent.csv", "--output", "{dir}/out"], "absent.csv: no such file"),
        (None, ["--test", "{dir}/data.csv"], "give --output DIR"),
    ],
)  # fmt: skip
def test_memscore_rejects_bad_input_with_status_2(labelled_csv, tmp_path, edit, args, message):
    frame = pd.read_csv(labelled_csv)
    if edit == "text":
        frame["pixel_0_1"] = "x"
    if edit == "single":
        frame.loc[0, "target"] = 42
    if edit == "continuous":
        frame["target"] = frame["target"] + 0.5
    path = tmp_path / "data.csv"
    frame.to_csv(path, index=False)
    base = {"--label": "target", "--estimator": "sklearn.linear_model.LogisticRegression", "--models": "40"}
    extra = []
    for flag, value in zip(args[::2], args[1::2], strict=True):
        if flag == "--param":
            extra += [flag, value]
        else:
            base[flag] = value.format(dir=tmp_path)
    proc = run("memscore", "--data", str(path), *[x for kv in base.items() for x in kv], *extra)
    assert proc.returncode == 2 and message in proc.stderr and "Traceback" not in proc.stderr, proc.stderr
    assert not list(tmp_path.glob("memscore*"))


def blobs_csv(path, n, seed, noise=1.0):
    """n rows of three Gaussian classes in 4 features with noisy labels: a user's CSV the test writes."""
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 3, n)
    X = 1.5 * np.eye(3, 4)[y] + noise * rng.standard_normal((n, 4))
    frame = pd.DataFrame(X, columns=["a", "b", "c", "d"]).assign(y=y)
    frame.to_csv(path, index=False)
    return frame


def test_memscore_membership_inference_and_influence_from_the_same_fits(tmp_path):
    """--fraction 0.5 (LiRA's split), --test, --scale: every output file, one membership row per example."""
    blobs_csv(tmp_path / "train.csv", 120, 0)
    blobs_csv(tmp_path / "test.csv", 30, 1)
    out = tmp_path / "out"
    proc = run("memscore", "--data", str(tmp_path / "train.csv"), "--label", "y", "--models", "64",
               "--fraction", "0.5", "--estimator", "sklearn.tree.DecisionTreeClassifier", "--param", "max_depth=6",
               "--test", str(tmp_path / "test.csv"), "--pairs", "5", "--scale", "--jobs", "2",
               "--output", str(out))  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert sorted(p.name for p in out.iterdir()) == [
        "influence.csv", "membership.csv", "membership.json", "memscore.csv", "memscore.pdf", "memscore.png",
        "roc.csv", "roc.pdf", "roc.png",
    ]  # fmt: skip
    members = pd.read_csv(out / "membership.csv")
    assert list(members["index"]) == list(range(120))
    scores = pd.read_csv(out / "memscore.csv").set_index("index").sort_index()
    assert np.array_equal(members["mem"], scores["mem"]) and (scores["n_in"] + scores["n_out"] == 64).all()
    summary = json.loads((out / "membership.json").read_text())
    assert [r["attack"] for r in summary] == ["lira_online", "lira_offline", "loss"]
    for r in summary:
        assert set(r) == {"attack", "auc", "tpr_at_0.1pct_fpr", "tpr_at_1pct_fpr", "targets"} and r["targets"] == 64
        assert 0 <= r["tpr_at_0.1pct_fpr"] <= r["tpr_at_1pct_fpr"] <= 1
    assert summary[0]["auc"] > 0.7  # a depth-6 tree on noisy labels: its members stand out
    roc = pd.read_csv(out / "roc.csv")
    for _, curve in roc.groupby("attack"):
        assert curve["fpr"].is_monotonic_increasing and curve["tpr"].is_monotonic_increasing
    assert members["mem_phi"].corr(members["mem"], method="spearman") > 0.5  # the two scores agree
    pairs = pd.read_csv(out / "influence.csv")
    assert len(pairs) == 5 and pairs["influence"].is_monotonic_decreasing and pairs["test_index"].max() < 30
    assert "AUC" in proc.stderr and "Warning" not in proc.stderr


def test_memscore_warns_when_the_learner_fits_under_half_its_labels(tmp_path):
    blobs_csv(tmp_path / "train.csv", 60, 2)
    proc = run("memscore", "--data", str(tmp_path / "train.csv"), "--label", "y", "--models", "40",
               "--estimator", "sklearn.dummy.DummyClassifier", "--format", "csv")  # fmt: skip
    assert proc.returncode == 0 and "warning: DummyClassifier fits only" in proc.stderr, proc.stderr
    again = run("memscore", "--data", str(tmp_path / "train.csv"), "--label", "y", "--models", "40",
                "--estimator", "sklearn.tree.DecisionTreeClassifier", "--format", "csv")  # fmt: skip
    assert again.returncode == 0 and "warning" not in again.stderr


@pytest.fixture(scope="module")
def deployed(tmp_path_factory):
    """A forest fitted on the first 100 of 600 rows (joblib), 200 candidates (100 members) and a population."""
    import joblib
    from sklearn.ensemble import RandomForestClassifier

    path = tmp_path_factory.mktemp("mia")
    frame = blobs_csv(path / "all.csv", 600, 3, noise=1.5)
    model = RandomForestClassifier(n_estimators=20, random_state=0).fit(frame.iloc[:100, :4], frame["y"][:100])
    joblib.dump(model, path / "model.joblib")
    frame.iloc[:200].assign(member=np.arange(200) < 100).to_csv(path / "candidates.csv", index=False)
    frame.iloc[200:].to_csv(path / "population.csv", index=False)
    return path


def test_mia_scores_the_candidates_of_a_deployed_model(deployed, tmp_path):
    out = tmp_path / "audit"
    args = ["mia", "--model", str(deployed / "model.joblib"), "--candidates", str(deployed / "candidates.csv"),
            "--population", str(deployed / "population.csv"), "--label-column", "y", "--references", "8"]  # fmt: skip
    proc = run(*args, "--membership-column", "member", "--output", str(out))
    assert proc.returncode == 0, proc.stderr
    assert sorted(p.name for p in out.iterdir()) == ["membership.json", "mia.csv", "roc.csv", "roc.pdf", "roc.png"]
    table = pd.read_csv(out / "mia.csv")
    assert sorted(table["index"]) == list(range(200)) and table["lira_offline"].is_monotonic_decreasing
    summary = {r["attack"]: r for r in json.loads((out / "membership.json").read_text())}
    assert summary["lira_offline"]["auc"] > 0.75, summary
    assert "Warning" not in proc.stderr  # fitted on a DataFrame, asked with one
    plain = run(*args, "--format", "csv")  # no membership column: every column but the label is a feature
    assert plain.returncode == 2 and "missing ['member']" in plain.stderr


@pytest.mark.parametrize(
    "case, message",
    [("no predict_proba", "has no predict_proba"), ("columns", "columns differ"), ("small", "too few for reference"),
     ("not a model", "not a joblib model file")],
)  # fmt: skip
def test_mia_rejects_bad_input_with_status_2(deployed, tmp_path, case, message):
    import joblib
    from sklearn.svm import LinearSVC

    model, population = deployed / "model.joblib", pd.read_csv(deployed / "population.csv")
    if case == "no predict_proba":
        model = tmp_path / "svc.joblib"
        joblib.dump(LinearSVC().fit(population.iloc[:, :4], population["y"]), model)
    if case == "columns":
        population = population.drop(columns=["b"])
    if case == "small":
        population = population.iloc[:12]
    if case == "not a model":
        model = deployed / "candidates.csv"
    population.to_csv(tmp_path / "population.csv", index=False)
    proc = run("mia", "--model", str(model), "--candidates", str(deployed / "candidates.csv"), "--population",
               str(tmp_path / "population.csv"), "--label-column", "y", "--membership-column", "member")  # fmt: skip
    assert proc.returncode == 2 and message in proc.stderr and "Traceback" not in proc.stderr, proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1


def test_lm_audit_refuses_a_gpt2_variant_it_does_not_compute(lm_checkpoint, tmp_path):
    import json
    import shutil

    copy = tmp_path / "ckpt"
    shutil.copytree(lm_checkpoint, copy)
    meta = json.loads((copy / "config.json").read_text())
    (copy / "config.json").write_text(json.dumps(meta | {"scale_attn_by_inverse_layer_idx": True}))
    proc = run("lm-audit", "--checkpoint", str(copy), "--samples", str(copy / "samples.txt"))
    assert proc.returncode == 2 and "Traceback" not in proc.stderr, proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1 and "scale_attn_by_inverse_layer_idx = True" in proc.stderr
