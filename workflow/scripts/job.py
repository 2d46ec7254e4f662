"""The script of every rule: run the library job that the rule's ``job`` input names
(memtrade.runner.run), then end its process without the interpreter's teardown (runner.finish)."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(snakemake.scriptdir).parent))

from memtrade.runner import finish, run

run(snakemake)
finish()
