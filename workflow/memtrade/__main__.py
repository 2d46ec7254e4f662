"""python -m memtrade: the memtrade command (memtrade.cli)."""

import sys

from memtrade.cli import main

sys.exit(main())
