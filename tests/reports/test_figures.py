"""Figures: PNGs that decode and are not blank; Chinese labels without missing glyphs."""

import ast
import io
import warnings
from pathlib import Path

import matplotlib.image
import pytest

from reports.compare import compare
from reports.figures import charts, cjk_font, drawing_style, forest_figure, png

from .conftest import ROOT, files_of

EXPECTED = {"queues", "wait-distribution", "waits", "containment", "utilisation", "rule-hits", "differences",
            "township-blossom-weekend", "township-blossom-volunteers"}


def decode(data: bytes):
    return matplotlib.image.imread(io.BytesIO(data), format="png")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_figure_is_a_real_png(lang, report_en, report_zh):
    files = files_of(report_en if lang == "en" else report_zh)
    names = {Path(n).stem for n in files if n.startswith("figures/")}
    assert names == EXPECTED
    for name in names:
        image = decode(files[f"figures/{name}.png"])
        assert image.shape[0] > 200 and image.shape[1] > 400, name
        assert image[..., :3].std() > 0.02, f"{name} looks blank"


def test_chinese_labels_have_every_glyph(experiments, scenarios):
    assert cjk_font() == "WenQuanYi Micro Hei"
    comparison = compare(experiments)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        charts(experiments, comparison, [s.horizon.start for s in scenarios], "zh")
    missing = [str(w.message) for w in caught if "missing" in str(w.message).lower()]
    assert not missing, missing[:3]


def test_plain_text_labels_are_not_mathtext(experiments):
    """A scenario name with dollar signs is drawn as text, not parsed (which could fail)."""
    import dataclasses
    renamed = [dataclasses.replace(e, scenario=f"cost $5 {i} $x^{{") for i, e in enumerate(experiments)]
    with drawing_style("en"):
        data = png(forest_figure(compare(renamed), "en"))
    assert decode(data).shape[0] > 100


def test_only_the_drawing_modules_import_matplotlib():
    users = []
    for path in sorted((ROOT / "reports").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            if any(n.split(".")[0] == "matplotlib" for n in names):
                users.append(path.name)
    assert set(users) == {"figures.py", "maps.py", "season_figures.py"}


def test_chinese_without_a_cjk_font_is_a_one_line_users_mistake(monkeypatch):
    from policy import PolicysimError
    from reports import figures
    monkeypatch.setattr(figures, "CJK_FONT_FILES", ())
    with pytest.raises(PolicysimError, match="fonts-wqy-microhei") as info:
        figures.check_fonts("zh")
    assert "\n" not in str(info.value)
    assert figures.check_fonts("en") is None
