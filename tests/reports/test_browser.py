"""The report in a real browser: headless Chromium loads every image and shows the numbers.

Chromium comes from Debian's packages (``make system-deps``). Where it cannot be found the
test says so and skips.
"""

import html
import re
import shutil
import subprocess
from pathlib import Path

import matplotlib.image
import pytest

from reports import i18n

from .conftest import files_of

CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-dev-shm-usage", "--virtual-time-budget=10000")
# Injected into a copy of the page only: the report itself carries no script.
PROBE = """<script>
window.addEventListener('load', function () {
  var images = Array.prototype.slice.call(document.images), loaded = 0;
  images.forEach(function (img) {
    var ok = img.complete && img.naturalWidth > 0;
    img.setAttribute('data-loaded', ok ? 'yes' : 'no');
    if (ok) { loaded += 1; }
  });
  document.body.setAttribute('data-images', loaded + '/' + images.length);
});
</script>
"""


def chromium() -> str:
    for name in CANDIDATES:
        found = shutil.which(name) or (f"/usr/bin/{name}" if Path(f"/usr/bin/{name}").exists() else None)
        if found:
            return found
    pytest.skip("chromium not installed: none of " + ", ".join(CANDIDATES) + " on PATH "
                "(make system-deps installs Debian's chromium)")


def browse(page: Path, profile: Path, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run([chromium(), *FLAGS, f"--user-data-dir={profile}", *extra, page.as_uri()],
                          capture_output=True, timeout=120, check=False)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_report_renders_in_chromium(lang, report_en, report_zh, tmp_path):
    report = report_en if lang == "en" else report_zh
    page = files_of(report)["report.html"].decode()
    probed = tmp_path / "probed.html"
    probed.write_text(page.replace("</body>", PROBE + "</body>"), encoding="utf-8")
    dump = browse(probed, tmp_path / "profile-dom", "--dump-dom")
    dom = dump.stdout.decode("utf-8", "replace")
    assert dump.returncode == 0, dump.stderr.decode()[-2000:]
    total = page.count("<img ")
    assert total == sum(name.endswith(".png") for name in files_of(report)) == 7 + 2   # figures + a map per scenario
    assert f'data-images="{total}/{total}"' in dom, "not every image loaded"
    assert dom.count('data-loaded="yes"') == total

    text = html.unescape(re.sub(r"<[^>]+>", " ", dom))
    c = report.comparison
    for v in c.verdicts:
        assert i18n.interval(v.estimate.mean, v.estimate.half_width) in text
        assert i18n.status_label(lang, v.status) in text
    diff = c.metric("all.wait_p95_min").differences[1]
    assert i18n.signed_interval(diff.mean, diff.low, diff.high, diff.half_width) in text

    report_page = tmp_path / "report.html"
    report_page.write_text(page, encoding="utf-8")
    shot = tmp_path / "screenshot.png"
    taken = browse(report_page, tmp_path / "profile-shot", f"--screenshot={shot}", "--window-size=1280,2400",
                   "--hide-scrollbars")
    assert taken.returncode == 0, taken.stderr.decode()[-2000:]
    assert shot.stat().st_size > 50_000
    image = matplotlib.image.imread(shot)
    assert image.shape[:2] == (2400, 1280)
    assert image[..., :3].std() > 0.05, "the screenshot is blank"
    top = image[:600, :, :3]
    assert (top.mean(axis=2) < 0.5).mean() > 0.01, "no text in the summary area"
