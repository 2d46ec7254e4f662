"""memtrade.runner.finish: a job's process ends with status 0, its log and its exit handlers done,
and at once after a joblib process pool (not after the pool's 300 s idle timeout)."""

import subprocess
import sys
from pathlib import Path

LIB = Path(__file__).resolve().parents[2] / "workflow"

SCRIPT = """
import atexit, sys
from pathlib import Path
from joblib import Parallel, delayed
from memtrade.io import open_log
from memtrade.runner import finish

out = Path(sys.argv[1])
log = open_log(out / "job.log")
log.info("the job's last record")
atexit.register(lambda: (out / "atexit.txt").write_text("ran"))
assert Parallel(n_jobs=2)(delayed(abs)(-i) for i in range(4)) == [0, 1, 2, 3]
print("to stdout", end="")
finish()
raise SystemExit("not reached")
"""


def test_finish_flushes_the_log_and_runs_the_exit_handlers(tmp_path):
    proc = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(tmp_path)], cwd=LIB, capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == "to stdout"
    assert "the job's last record" in (tmp_path / "job.log").read_text()
    assert (tmp_path / "atexit.txt").read_text() == "ran"
