"""The township map: one marker per place, a line per patrol route, entry circles only where
entries happened, in both languages; the report and the sweep page embed it; every new
containment measure has a label in both languages that says where the time was spent."""

from __future__ import annotations

import html
import io
import math
import re
from types import SimpleNamespace

import matplotlib.image
import pytest

from reports import i18n
from reports.compare import compare
from reports.figures import drawing_style, png
from reports.frontier import ALL, TargetFrontier, frontier, shown_variant, site_entries, sweep_report
from reports.maps import draw_township, entry_area, mean_entries_by_site
from reports.render import describe_inputs, render_html, township_charts
from simulate import ExperimentResult, MapLink, MapNode, MapRoute, Statistic, Target, TownshipMap, Verdict
from simulate.sweep import SweepResult, VariantResult

NODES = (
    MapNode("ring-road", "road-entry", "平程路南口", 0.0, -4.0),
    MapNode("gate-s", "township-gate", "平程路南入乡口", 0.0, -3.0, "staffed"),
    MapNode("gate-e", "township-gate", "熊南路入乡口", 3.0, -3.0, "closed", camera=True),
    MapNode("fork", "junction", "fork", 0.0, -1.5),
    MapNode("v1", "village", "熊儿寨", 0.0, 0.0),
    MapNode("v2", "village", "北土门", 2.0, 1.0),
    MapNode("s1", "entrance", "s1", 0.0, -0.5, "staffed", village="v1"),
    MapNode("c1", "entrance", "c1", 0.5, 0.0, "closed", camera=True, village="v1"),
    MapNode("c2", "entrance", "c2", -0.5, 0.0, "closed", village="v1"),
    MapNode("o1", "entrance", "o1", 2.0, 1.5, "open", village="v2"),
    MapNode("f1", "fields", "orchards", -1.0, 0.5, village="v1"),
    MapNode("h1", "hotspot", "四座楼进山口", 1.0, 3.0, camera=True),
)
LINKS = (
    MapLink("ring-road", "gate-s", "road", 2.0),
    MapLink("gate-s", "fork", "road", 3.0),
    MapLink("fork", "v1", "road", 2.0),
    MapLink("fork", "v2", "side-road", 4.0),
    MapLink("c2", "f1", "way-round", 10.0),
    MapLink("gate-e", "h1", "hill-path", 60.0),
)
ROUTES = (
    MapRoute("night-v1", ("c1", "c2", "f1"), 2, ("20:00–06:00",)),
    MapRoute("mountain", ("h1", "v2"), 4, ("07:00–18:00", "20:00–22:00")),
)
TOWN = TownshipMap(NODES, LINKS, ROUTES, schematic=True)
AT = {n.id: (n.x, n.y) for n in NODES}


def decode(data: bytes):
    return matplotlib.image.imread(io.BytesIO(data), format="png")


def drawn(township: TownshipMap, entries: dict[str, float], lang: str):
    with drawing_style(lang):
        fig = draw_township(township, entries, lang)
        data = png(fig)
    return fig, fig.axes[0], data


def collections(ax, prefix: str):
    return [c for c in ax.collections if (c.get_gid() or "").startswith(prefix)]


def points(collection) -> set[tuple[float, float]]:
    return {(float(x), float(y)) for x, y in collection.get_offsets()}


@pytest.mark.parametrize("lang", i18n.LANGS)
def test_one_marker_per_place_grouped_by_kind_and_status(lang):
    _, ax, data = drawn(TOWN, {}, lang)
    groups = {c.get_gid(): points(c) for c in collections(ax, "node:")}
    assert sum(len(c.get_offsets()) for c in collections(ax, "node:")) == len(NODES) == 12
    assert groups["node:entrance:closed"] == {(0.5, 0.0), (-0.5, 0.0)}
    assert groups["node:entrance:staffed"] == {(0.0, -0.5)}
    assert groups["node:entrance:open"] == {(2.0, 1.5)}
    assert groups["node:township-gate:staffed"] == {(0.0, -3.0)}
    assert groups["node:township-gate:closed"] == {(3.0, -3.0)}
    assert groups["node:village:"] == {(0.0, 0.0), (2.0, 1.0)}
    assert groups["node:hotspot:"] == {(1.0, 3.0)}
    markers = {c.get_gid(): c.get_paths()[0].vertices.shape for c in collections(ax, "node:entrance:")}
    assert len(set(markers.values())) == 3, "staffed, closed and open entrances need distinct markers"
    (cameras,) = collections(ax, "cameras")
    assert points(cameras) == {(3.0, -3.0), (0.5, 0.0), (1.0, 3.0)}
    assert decode(data)[..., :3].std() > 0.02


@pytest.mark.parametrize("lang", i18n.LANGS)
def test_each_patrol_route_is_a_line_through_its_sites(lang):
    _, ax, _ = drawn(TOWN, {}, lang)
    routes = {line.get_gid(): line.get_xydata().tolist() for line in ax.lines
              if (line.get_gid() or "").startswith("route:")}
    assert routes == {
        "route:night-v1": [[0.5, 0.0], [-0.5, 0.0], [-1.0, 0.5], [0.5, 0.0]],     # a circuit back to the start
        "route:mountain": [[1.0, 3.0], [2.0, 1.0]],                              # two sites: there and back
    }
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    if lang == "en":
        assert "mountain · team of 4 · 07:00–18:00, 20:00–22:00" in legend
    else:
        assert "mountain · 4 人 · 07:00–18:00, 20:00–22:00" in legend
    assert sum(1 for line in ax.lines if (line.get_gid() or "").startswith("link:")) == len(LINKS)


@pytest.mark.parametrize("lang", i18n.LANGS)
def test_entry_circles_only_where_entries_happened_sized_by_the_mean(lang):
    entries = {"c1": 2.0, "o1": 0.5, "h1": 0.0, "not-on-the-map": 3.0}
    _, ax, _ = drawn(TOWN, entries, lang)
    (circles,) = collections(ax, "entries")
    assert points(circles) == {AT["c1"], AT["o1"]}
    # area ∝ mean: the largest (2.0) gets 1400 pt², a quarter of it (0.5) a quarter of that
    assert sorted(circles.get_sizes().tolist()) == [350.0, 1400.0]
    texts = {t.get_text() for t in ax.texts}
    assert {"2.0", "0.50"} <= texts and not {"0.00", "0.0", "3.0"} & texts      # small means keep 2 decimals


def test_entry_area_has_a_floor_and_handles_no_entries():
    assert entry_area(0.01, 10.0) == 40.0
    assert entry_area(5.0, 10.0) == 700.0
    assert entry_area(1.0, 0.0) == 40.0


@pytest.mark.parametrize("lang", i18n.LANGS)
def test_a_map_without_links_routes_or_entries_still_draws(lang):
    bare = TownshipMap(NODES, (), (), schematic=False)
    fig, ax, data = drawn(bare, {}, lang)
    assert not collections(ax, "entries") and not [line for line in ax.lines if line.get_gid()]
    assert decode(data).shape[0] > 300
    assert ax.get_xlabel() == i18n.text(lang, "map.km")
    assert i18n.text(lang, "map.schematic") not in {t.get_text() for t in fig.texts}
    schematic, _, _ = drawn(TownshipMap(NODES[:1], (), (), schematic=True), {}, lang)
    assert i18n.text(lang, "map.schematic") in {t.get_text() for t in schematic.texts}


def test_mean_entries_by_site_averages_over_every_replication():
    def rep(**sites):
        return SimpleNamespace(containment=SimpleNamespace(leaks_by_site=sites))
    means = mean_entries_by_site([rep(c1=3, o1=1), rep(c1=1), rep(), rep(h1=2)])
    assert means == {"c1": 1.0, "o1": 0.25, "h1": 0.5}
    assert mean_entries_by_site([]) == {}


def scenario_map(scenario) -> TownshipMap:
    """A test-only map from the scenario's township: villages in a row, entrances below each,
    gates and hotspots on lines of their own, patrols as routes (so the test needs no graph)."""
    town = scenario.township
    nodes = []
    for i, v in enumerate(town.villages):
        nodes.append(MapNode(v.id, "village", v.name, 4.0 * i, 0.0))
        nodes += [MapNode(e.id, "entrance", e.id, 4.0 * i + 0.3 * j, -1.0, e.status, e.camera, v.id)
                  for j, e in enumerate(v.entrances)]
    nodes += [MapNode(g.id, "township-gate", g.name, 5.0 * i, -5.0, g.status) for i, g in enumerate(town.gates)]
    nodes += [MapNode(h.id, "hotspot", h.name, 5.0 * i, 5.0, "", h.camera) for i, h in enumerate(town.hotspots)]
    routes = tuple(MapRoute(p.id, p.route, p.team, ("20:00–06:00",)) for p in scenario.patrols)
    return TownshipMap(tuple(nodes), (), routes, schematic=True)


@pytest.mark.parametrize("lang", i18n.LANGS)
def test_the_report_page_embeds_a_map_per_scenario_in_its_containment_section(lang, experiments, scenarios,
                                                                               monkeypatch):
    import reports.render
    monkeypatch.setattr(reports.render, "township_map", scenario_map)
    maps = township_charts(experiments, scenarios, lang)
    assert [c.name for c in maps] == ["township-blossom-weekend", "township-blossom-volunteers"]
    assert all(decode(c.png)[..., :3].std() > 0.02 for c in maps)
    comparison = compare(experiments)
    inputs = describe_inputs(scenarios, comparison.seed, comparison.replications)
    page = render_html(experiments, comparison, (), inputs, lang, scenarios[0].horizon.start, maps)
    section = page[page.index('<section id="containment">'):page.index('<section id="figures">')]
    for name in ("blossom-weekend", "blossom-volunteers"):
        figure = re.search(rf'<figure id="figure-township-{name}">.*?<img src="([^"]+)"', section, re.S)
        assert figure and figure.group(1).startswith("data:image/png;base64,")
        assert i18n.text(lang, "fig.map", scenario=name) in section
    for metric in ("all.entries_per_day", "all.resident_crossings_per_day", "all.observation_exits_per_day",
                   "all.village_person_min_per_day", "all.hill_person_min_per_day", "containment.found_by.patrol",
                   "containment.found_by.camera", "containment.found_by.neighbours",
                   "containment.leaks.hill_path"):
        assert f'title="{metric}">{i18n.metric_label(lang, metric)}</td>' in html.unescape(section), metric


def sweep_variant(index: int, cost: float, leaks: float, status: str, sites: list[dict[str, int]]):
    target = Target("leaks_per_day", "all.leaks_per_day", 1.0)
    reps = tuple(SimpleNamespace(containment=SimpleNamespace(leaks_by_site=s)) for s in sites)
    experiment = ExperimentResult(f"base[{index}]", "base", 1, reps,
                                  (Statistic(target.metric, 2, leaks, 0.1, leaks - 0.1, leaks + 0.1),),
                                  (Verdict(target.name, target.metric, 1.0, leaks, 0.1, status),))
    return VariantResult(index, (("patrols.night-v1.team", index),), experiment, cost, True)


@pytest.mark.parametrize("lang", i18n.LANGS)
def test_the_sweep_page_shows_the_base_map_with_the_chosen_variants_entries(lang):
    target = Target("leaks_per_day", "all.leaks_per_day", 1.0)
    sweep = SweepResult("base", "base", 1, ("patrols.night-v1.team=2..4",), (target,), None, (
        sweep_variant(0, 10.0, 3.0, "fails", [{"c1": 4, "o1": 2}, {"c1": 2}]),
        sweep_variant(1, 20.0, 0.5, "holds", [{"c1": 1}, {"h1": 1}]),        # the cheapest that holds
    ))
    sites, means = site_entries(sweep)
    assert sites == ("c1", "o1", "h1") and means[1] == {"c1": 0.5, "h1": 0.5}
    files = dict(sweep_report(sweep, lang, township=TOWN).files)
    assert list(files)[-1] == "sweep.html" and files["figures/township.png"].startswith(b"\x89PNG")
    page = files["sweep.html"].decode("utf-8")
    variant = "patrols.night-v1.team=1"
    assert shown_variant(sweep, frontier(sweep)) == 1 and shown_variant(sweep, ()) == 0
    wait_only = (TargetFrontier("wait", "all.wait_p95_min", 10.0, (1,), (1,)),
                 TargetFrontier(ALL, "", math.nan, (), ()))
    assert shown_variant(sweep, wait_only) == 0, "a variant meeting only some targets is not the one shown"
    assert i18n.text(lang, "fig.map.sweep", scenario="base", variant=variant) in page
    assert re.search(r'<figure id="figure-township">\s*<figcaption>[^<]*</figcaption>\s*'
                     r'<img src="data:image/png;base64,', page)
    assert "<td>3.00</td><td>1.00</td><td>0.00</td>" in page         # variant 0: c1 (4+2)/2, o1 2/2, h1 0
    without = dict(sweep_report(sweep, lang).files)
    assert "figures/township.png" not in without and 'id="figure-township"' not in without["sweep.html"].decode()


NEW_METRICS = ("all.entries_per_day", "all.resident_crossings_per_day", "all.observation_exits_per_day",
               "all.village_person_min_per_day", "all.hill_person_min_per_day", "containment.resident_crossings",
               "containment.outsider_village_min", "containment.outsider_hills_min",
               "containment.found_by.patrol", "containment.found_by.camera", "containment.found_by.neighbours",
               "containment.leaks.hill_path", "containment.leaks.returner_unregistered")


@pytest.mark.parametrize("lang", i18n.LANGS)
def test_every_new_measure_has_its_own_label_and_hill_time_never_says_village(lang):
    labels = [i18n.metric_label(lang, m) for m in NEW_METRICS]
    assert all(label != metric for label, metric in zip(labels, NEW_METRICS, strict=True))
    assert len(set(labels)) == len(labels)
    for metric in ("all.hill_person_min_per_day", "containment.outsider_hills_min"):
        label = i18n.metric_label(lang, metric)
        assert ("village" not in label.lower()) if lang == "en" else ("村内" not in label), label
    for metric in ("all.village_person_min_per_day", "containment.outsider_village_min"):
        assert ("villages" in i18n.metric_label(lang, metric)) if lang == "en" else \
            ("村内" in i18n.metric_label(lang, metric))


def test_every_place_kind_status_and_link_kind_has_words_in_both_languages():
    from simulate.township_map import LINK_KINDS, NODE_KINDS
    for lang in i18n.LANGS:
        assert all(i18n.text(lang, f"map.kind.{k}") for k in NODE_KINDS)
        assert all(i18n.text(lang, f"map.link.{k}") for k in LINK_KINDS)
        assert all(i18n.text(lang, f"map.status.{s}") for s in ("staffed", "closed", "open"))
