"""memtrade.runner.finish: a job's process ends with status 0, its log and its exit handlers done,
and at once after a joblib process pool (not after the pool's 300 s idle timeout); a job that fails
still exits with Python's failing status through the rules' script."""

import subprocess
import sys
from pathlib import Path

WORKFLOW = Path(__file__).resolve().parents[2] / "workflow"

SCRIPT = """
import atexit, logging, logging.handlers, sys
from pathlib import Path
from joblib import Parallel, delayed
from memtrade.io import open_log
from memtrade.runner import finish

out = Path(sys.argv[1])
log = open_log(out / "job.log")
log.info("the job's last record")
# a handler that writes only when logging's exit handler flushes and closes it
buffered = logging.getLogger("buffered")
buffered.addHandler(logging.handlers.MemoryHandler(1000, target=logging.FileHandler(out / "buffered.log")))
buffered.warning("held until shutdown")
atexit.register(lambda: (out / "atexit.txt").write_text("ran"))
assert Parallel(n_jobs=2)(delayed(abs)(-i) for i in range(4)) == [0, 1, 2, 3]
print("to stdout", end="")
finish()
raise SystemExit("not reached")
"""

# the rules' script with a job whose run raises (claims, given a job without its inputs)
FAILING = """
import runpy, sys
from pathlib import Path
from types import SimpleNamespace

workflow, out = Path(sys.argv[1]), Path(sys.argv[2])
job = SimpleNamespace(
    scriptdir=str(workflow / "scripts"),
    log=[str(out / "job.log")],
    input=SimpleNamespace(job=str(workflow / "memtrade" / "jobs" / "claims.py")),
)
runpy.run_path(str(workflow / "scripts" / "job.py"), init_globals={"snakemake": job})
"""


def test_finish_flushes_the_log_and_runs_the_exit_handlers(tmp_path):
    proc = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(tmp_path)], cwd=WORKFLOW, capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == "to stdout"
    assert "the job's last record" in (tmp_path / "job.log").read_text()
    assert (tmp_path / "buffered.log").read_text() == "held until shutdown\n"
    assert (tmp_path / "atexit.txt").read_text() == "ran"


def test_a_failing_job_exits_with_a_failing_status(tmp_path):
    proc = subprocess.run(
        [sys.executable, "-c", FAILING, str(WORKFLOW), str(tmp_path)],
        cwd=WORKFLOW,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 1, proc.stderr
    assert "AttributeError" in proc.stderr
