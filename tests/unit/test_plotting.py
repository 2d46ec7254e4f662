"""The figures' palettes: :func:`memtrade.plotting.palette` gives the colours seaborn gives, without a
figure job importing seaborn."""

import re
import subprocess
import sys
from pathlib import Path

import pytest
import seaborn as sns
from memtrade.plotting import palette

LIB = Path(__file__).resolve().parents[2] / "workflow" / "memtrade"
NAMES = ["colorblind", "deep", "mako_r", "tab10", "viridis"]  # every palette the study plots name


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("count", [1, 3, 10, 13])
def test_palette_is_seaborns(name, count):
    assert palette(name, count) == [tuple(float(v) for v in c) for c in sns.color_palette(name, count)]


def test_every_palette_a_plot_names_is_tested():
    named = {m for f in LIB.rglob("*.py") for m in re.findall(r'palette\("([^"]+)"', f.read_text())}
    assert named and named <= set(NAMES), named - set(NAMES)


def test_figure_jobs_do_not_import_seaborn():
    """Importing every study's plots module leaves seaborn (and scipy.stats, which it imports) out."""
    code = (
        "import sys, importlib\n"
        "for s in ('theory', 'mixture', 'brown', 'lab', 'memscore', 'diffusion'):\n"
        "    importlib.import_module(f'memtrade.{s}.plots')\n"
        "print('seaborn' in sys.modules, 'scipy.stats' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=LIB.parent)
    assert out.stdout.split() == ["False", "False"], out.stdout
