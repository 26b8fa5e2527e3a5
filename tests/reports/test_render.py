"""The report's files: self-contained HTML with escaped user text, Markdown summary, CSV tables."""

import csv
import dataclasses
import hashlib
import io
import platform
import re
import shutil

import pytest

from reports import build_report, i18n, markdown_text

from .conftest import PAIR, REPLICATIONS, SCENARIOS, SEED, files_of

SCRIPT = "<script>alert('x')</script>"


def test_report_files(report_en):
    names = [n for n, _ in report_en.files]
    assert names[-1] == "report.html"                        # written last: present means complete
    assert {"summary.md", "metrics.csv", "comparison.csv", "verdicts.csv"} <= set(names)


def test_html_is_self_contained(report_en):
    page = files_of(report_en)["report.html"].decode()
    sources = re.findall(r'<img src="([^"]+)"', page)
    # the figures, and a township map per scenario
    assert len(sources) == sum(name.endswith(".png") for name in files_of(report_en)) == 7 + 2
    assert all(s.startswith("data:image/png;base64,") for s in sources)
    assert not re.search(r'(src|href)="(https?:)?//', page)
    assert "<link" not in page and "<script" not in page
    assert "@media print" in page


def test_html_summary_comes_first_and_shows_every_verdict(report_en):
    page = files_of(report_en)["report.html"].decode()
    assert page.index('id="summary"') < page.index('id="figures"') < page.index('id="inputs"')
    for v in report_en.comparison.verdicts:
        assert i18n.interval(v.estimate.mean, v.estimate.half_width) in page
        assert f'class="badge {v.status}"' in page


def test_html_lists_the_exact_inputs(report_en, scenarios):
    page = files_of(report_en)["report.html"].decode()
    for name in PAIR:
        assert hashlib.sha256((SCENARIOS / name).read_bytes()).hexdigest() in page
    assert hashlib.sha256((SCENARIOS / "baseline-march-weekend.yaml").read_bytes()).hexdigest() in page
    assert "xiongerzhai-2020@2" in page
    assert f'<span class="mono">{SEED}</span>' in page
    assert f'<span class="mono">{REPLICATIONS}</span>' in page
    for package in (f"python {platform.python_version()}", "simpy ", "numpy ", "durable-rules ", "policysim "):
        assert package in page


def test_text_from_scenario_and_pack_files_is_escaped(experiments, scenarios, tmp_path):
    pack = tmp_path / "pack"
    shutil.copytree(scenarios[0].pack, pack)
    rules = pack / "rules" / "gate.yaml"
    text = rules.read_text(encoding="utf-8")
    assert "id: gate.non-essential-turn-back" in text
    rules.write_text(re.sub(r"(id: gate\.non-essential-turn-back.*?\n    zh: )",
                            lambda m: m.group(1) + "<script>alert(1)</script>",
                            text, count=1, flags=re.S), encoding="utf-8")
    source = tmp_path / "evil.yaml"
    source.write_text(f"# {SCRIPT}\nextends: {SCENARIOS / PAIR[0]}\ntitle: \"{SCRIPT} & <b>\"\n", encoding="utf-8")
    evil = [dataclasses.replace(scenarios[0], source=str(source), files=(str(source), *scenarios[0].files),
                                pack=str(pack), title=SCRIPT), scenarios[1]]
    runs = [dataclasses.replace(experiments[0], title=f"{SCRIPT} & <b>"), experiments[1]]
    report = build_report(runs, evil, "zh")
    page = files_of(report)["report.html"].decode()
    assert "<script" not in page and "<b>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page             # the pack's reason, as text
    assert "# &lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in page  # the scenario file's content
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &lt;b&gt;" in page   # the title
    assert "<script" not in files_of(report)["summary.md"].decode()


def test_markdown_escaping():
    assert markdown_text("a|b <i>c</i> *d* _e_") == r"a\|b &lt;i&gt;c&lt;/i&gt; \*d\* \_e\_"


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_markdown_summary_has_the_tables_and_numbers(lang, report_en, report_zh):
    report = report_en if lang == "en" else report_zh
    md = files_of(report)["summary.md"].decode()
    assert md.startswith(f"# {i18n.text(lang, 'report.title')}\n")
    c = report.comparison
    rows = [line for line in md.splitlines() if line.startswith("| blossom")]
    assert len(rows) == 2 + len(c.verdicts)
    for v in c.verdicts:
        assert (f"| {v.scenario} | {i18n.metric_label(lang, v.metric)} | ≤ {v.limit:g} | "
                f"{i18n.interval(v.estimate.mean, v.estimate.half_width)} | "
                f"{i18n.status_label(lang, v.status)} |") in md
    diff = c.metric("all.wait_p95_min").differences[1]
    assert f"Δ {i18n.signed_interval(diff.mean, diff.low, diff.high, diff.half_width)}" in md
    assert "xiongerzhai-2020@2" in md


def test_metrics_csv_has_every_metric_per_scenario_and_replication(report_en, experiments):
    rows = list(csv.DictReader(io.StringIO(files_of(report_en)["metrics.csv"].decode())))
    assert len(rows) == len(experiments) * REPLICATIONS
    for e in experiments:
        for r in e.replications:
            row = next(x for x in rows if x["scenario"] == e.scenario and int(x["replication"]) == r.replication)
            assert int(row["seed"]) == SEED
            for metric, value in r.metrics().items():
                assert float(row[metric]) == value, metric


def test_comparison_csv_matches_the_comparison(report_en):
    rows = list(csv.DictReader(io.StringIO(files_of(report_en)["comparison.csv"].decode())))
    c = report_en.comparison
    row = next(x for x in rows if x["metric"] == "all.queue_max" and x["scenario"] == c.scenarios[1])
    m = c.metric("all.queue_max")
    assert float(row["mean"]) == m.estimates[1].mean
    assert float(row["ci_low"]) == pytest.approx(m.estimates[1].low)
    assert float(row["diff_vs_base"]) == m.differences[1].mean
    assert float(row["diff_high"]) == pytest.approx(m.differences[1].high)
    base_row = next(x for x in rows if x["metric"] == "all.queue_max" and x["scenario"] == c.scenarios[0])
    assert base_row["diff_vs_base"] == ""
    verdicts = list(csv.DictReader(io.StringIO(files_of(report_en)["verdicts.csv"].decode())))
    assert [(v["scenario"], v["target"], v["status"]) for v in verdicts] == \
        [(v.scenario, v.target, v.status) for v in c.verdicts]


def test_one_scenario_report_for_simulate(experiments, scenarios):
    report = build_report(experiments[:1], scenarios[:1], "en")
    files = files_of(report)
    assert "figures/differences.png" not in files
    page = files["report.html"].decode()
    assert "<h1>Scenario report</h1>" in page
    assert "Best scenario per target" not in page


def test_clearly_better_says_yes_not_yet_or_the_same():
    from reports import BestScenario, clearly_label
    from simulate import Interval
    best = BestScenario("t", "m", "a", "b", Interval(-2.0, 1.0, 3), True)
    assert clearly_label(best, "en") == "yes"
    assert clearly_label(dataclasses.replace(best, clear=False, difference=Interval(-2.0, 3.0, 3)), "en") == "not yet"
    tie = dataclasses.replace(best, clear=False, difference=Interval(0.0, 0.0, 3))
    assert clearly_label(tie, "zh") == "否：每次重复结果相同"


def test_the_staff_section_shows_each_scenarios_roster(report_en, scenarios):
    """The roster's people, hours a week and most on duty appear per scenario, as the summary says."""
    from simulate import roster_summary

    html = files_of(report_en)["report.html"].decode("utf-8")
    section = html[html.index('<section id="staff">'):html.index('<section id="figures">')]
    for scenario in scenarios:
        roster = roster_summary(scenario)
        assert roster is not None
        row = section[section.index(f"<td class=\"name\">{scenario.name}</td>"):]
        row = row[:row.index("</tr>")]
        cells = re.findall(r"<td>([^<]*)</td>", row)
        assert cells == [str(roster.people), f"{roster.hours_per_person_week_mean:.1f}",
                         f"{roster.hours_per_person_week_max:.1f}", str(roster.max_on_duty)]
