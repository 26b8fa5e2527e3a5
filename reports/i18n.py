"""Chinese and English words of the report: labels, metric names, verdicts, number formats.

The township reads Chinese; others read English. Every string a reader sees in a figure,
the HTML or the Markdown comes from here, so the two languages stay in step (a test checks
that both have the same keys). Text from scenario and pack files is never translated here.
"""

from __future__ import annotations

import datetime as dt
import math
from types import MappingProxyType

from .metric_labels import GATE_FIELDS as _GATE_FIELDS
from .metric_labels import LEAK_PATHS as _LEAK_PATHS
from .metric_labels import METRICS as _METRICS

LANGS = ("en", "zh")

_TEXT = MappingProxyType({
    "en": MappingProxyType({
        "report.title": "Scenario comparison",
        "report.title.one": "Scenario report",
        "report.lede": "Means over {n} replications per scenario with 95% confidence intervals. "
                       "Every scenario saw the same visitors (common random numbers, seed {seed}), "
                       "so differences against {base} are paired, replication by replication.",
        "summary": "Summary",
        "summary.targets": "Verdicts against targets",
        "summary.best": "Best scenario per target",
        "figures": "Figures",
        "details": "Details",
        "details.metrics": "Every metric",
        "details.rules": "Rule hits",
        "inputs": "Inputs, for reproducing this report",
        "scenario": "Scenario",
        "metric": "Metric",
        "target": "Target",
        "limit": "Limit",
        "verdict": "Verdict",
        "mean_ci": "Mean ± 95% CI",
        "difference": "Difference vs {base}",
        "best": "Best",
        # plausible worlds (--uncertainty), a self-contained block
        "worlds": "Across plausible worlds",
        "worlds.lede": "{n} worlds drawn by Latin hypercube from the assumptions' plausible ranges, {r} "
                       "replications in each, on the same random numbers in every world. A world's verdict "
                       "comes from its own replications; shares of worlds carry 95% Wilson intervals.",
        "worlds.today": "Verdict at the point values",
        "worlds.holds": "Holds in (share of worlds)",
        "worlds.surviving": "Over the worlds the observations allow",
        "worlds.leans": "Where it does not hold",
        "worlds.high": "high", "worlds.low": "low",
        "worlds.survive": "{k} of {n} worlds survive the observations (history matching, |sim − obs| ≤ 3 sd)",
        "worlds.wins": "Against {base}, world by world",
        "worlds.better": "lower (better)", "worlds.worse": "higher", "worlds.unclear": "cannot tell",
        "worlds.md.holds": "{target} (≤ {limit}) — at the point values: {today}; holds in {share} of {n} "
                           "plausible worlds",
        "worlds.md.surviving": "over the {n} worlds the observations allow: {share}",
        "worlds.md.wins": "{scenario} against {base} on {target}: lower (better) in {better}, higher in {worse}, "
                          "cannot tell in {unclear} of {n} worlds",
        "runner_up": "Runner-up",
        "clear": "Clearly better",
        "yes": "yes",
        "no": "not yet",
        "same": "no: the same in every replication",
        "base": "base",
        "file": "File",
        "sha256": "SHA-256",
        "pack": "Policy pack",
        "seed": "Seed",
        "replications": "Replications",
        "software": "Software",
        "generated": "Generated",
        "decision": "Decision",
        "rule": "Rule",
        "reason": "Reason",
        "hits": "Mean persons decided per replication",
        "scenario_file": "Scenario file",
        "status.holds": "holds",
        "status.fails": "fails",
        "status.unclear": "can't tell yet",
        "verdict.note": "holds: the whole 95% interval is within the limit; fails: the whole "
                        "interval is beyond it; can't tell yet: run more replications.",
        "fig.queues": "Queue length over the weekend per staffed gate (mean line, 10–90% band "
                      "across replications)",
        "fig.queues.aligned": "Scenarios start on different dates: each is drawn from its own start, "
                              "on {base}'s dates",
        "fig.queues.idle": "No queue formed in any scenario at: {gates}",
        "fig.waits.idle": "Nobody waited in any scenario at: {gates}",
        "fig.waits": "95th-percentile wait per gate across replications",
        "fig.containment": "Turned back and unscreened entries by path (means with 95% CI)",
        "fig.utilisation": "Staff utilisation: share of on-duty staff time spent serving",
        "fig.utilisation.hourly": "Staff utilisation by hour: share of on-duty staff time spent serving "
                                  "(mean over replications; grey: nobody on duty)",
        "fig.utilisation.idle": "Staff never served anyone in any scenario at: {gates}",
        "fig.wait_distribution": "Wait-time distribution: share of parties waiting at least so long "
                                 "(all staffed gates, all replications)",
        "axis.wait_at_least": "Wait at least (min)",
        "axis.share_parties": "Share of parties",
        "fig.rules": "Rule hits per decision (mean persons per replication)",
        "fig.forest": "Paired differences against {base} (95% CI)",
        "axis.time": "Date and time",
        "axis.queue": "Parties waiting",
        "axis.wait": "p95 wait (min)",
        "axis.parties": "Parties per replication",
        "axis.persons": "Persons per replication",
        "axis.gate": "Gate",
        "axis.hour": "Hour",
        "axis.difference": "Difference (scenario − {base})",
        "turned_back": "Turned back",
        "leaks": "Unscreened entries",
        "sweep.title": "Staffing sweep",
        "sweep.lede": "{variants} variants of {scenario}, each with {n} replications from seed {seed}; "
                      "every variant saw the same visitors (common random numbers). Cost is staff-hours "
                      "per day: gate staff on duty (volunteers included) plus patrol person-hours.",
        "sweep.precision": "Replications were added per variant until each target's 95% CI half-width "
                           "was within {pct}% of its mean (at most {cap}).",
        "sweep.frontier": "Cheapest variants that meet each target",
        "sweep.frontier.note": "A variant meets a target with confidence when its whole 95% interval is "
                               "within the limit.",
        "sweep.all": "Every target at once",
        "sweep.none": "no variant meets it with confidence",
        "sweep.variants": "Every variant",
        "sweep.variant": "Variant",
        "sweep.cost": "Staff-hours per day",
        "sweep.n": "Replications",
        "sweep.precise": "Precision reached",
        "sweep.vary": "Varied",
        "sweep.digest": "Scenario digest",
        "fig.map": "Township map of {scenario}: entrances by status, patrol routes, cameras and hotspots; "
                   "red circles: unscreened entries at each site (mean per replication)",
        "fig.map.sweep": "Township map of {scenario}; red circles: unscreened entries at each site "
                         "(mean per replication) in variant {variant}",
        "map.schematic": "Schematic layout: positions are not to scale",
        "map.km": "km",
        "map.entries": "Unscreened entries (mean per replication)",
        "map.camera": "Camera",
        "map.route": "{patrol} · team of {team} · {windows}",
        "map.status.staffed": "staffed",
        "map.status.closed": "closed",
        "map.status.open": "open",
        "map.kind.road-entry": "Road entry",
        "map.kind.junction": "Junction",
        "map.kind.township-gate": "Township gate",
        "map.kind.village": "Village",
        "map.kind.entrance": "Village entrance",
        "map.kind.fields": "Fields and orchards",
        "map.kind.hotspot": "Hotspot",
        "map.kind.place": "Place",
        "map.link.road": "Road",
        "map.link.side-road": "Side road",
        "map.link.hill-path": "Hill path",
        "map.link.way-round": "Way round a barrier",
        "map.link.path": "Path",
        "containment": "Containment",
        "containment.lede": "Who got in unscreened, by which way, who was found and by whom, and how long "
                            "outsiders stayed in the villages and, apart from that, on the hills and at hotspots. "
                            "Counts are per replication unless a label says per day.",
        "containment.maps": "Where it happened",
        "staff": "Staff on the roster",
        "staff.lede": "The people who hold the posts in 8- or 12-hour shifts (scenario roster), the checkpoint "
                      "chiefs and the volunteers: how many, their hours a week, and the most on duty at once.",
        "staff.people": "People",
        "staff.hours_mean": "Hours a week per person (mean)",
        "staff.hours_max": "Hours a week per person (max)",
        "staff.on_duty": "Most on duty at once",
        "staff.pools": "Pools (people, mean / max hours a week)",
        "staff.none": "no roster: staff are the shift patterns' counts",
        "sweep.entries": "Unscreened entries by site",
        "sweep.entries.note": "Mean per replication, for the sites with the most entries in any variant.",
        "site": "Site",
        "fig.frontier": "Cost against each target metric (means with 95% CI; dashed: the limit; "
                        "filled: meets it with confidence)",
        "sens.title": "Which assumptions matter?",
        "sens.lede": "{scenario}: {k} assumptions varied over their plausible ranges by {method}; {worlds} "
                     "worlds (with the tornado's), {n} replications each from seed {seed}. Every world saw the "
                     "same visitors (common random numbers), so an assumption that does not move a measure "
                     "scores exactly zero.",
        "sens.morris": "Morris's method ({size} trajectories, {levels} levels)",
        "sens.sobol": "Sobol's method ({size} base samples)",
        "sens.findings": "What each target depends on",
        "sens.mostly": "{measure} depends mostly on {names}",
        "sens.negligible.one": "; {names} does not matter for it",
        "sens.negligible.many": "; {names} do not matter for it",
        "sens.flat": "{measure} does not change with any assumption within its range",
        "sens.ranking": "Ranking",
        "sens.rank": "Rank",
        "sens.assumption": "Assumption",
        "sens.assumptions": "Assumptions varied",
        "sens.value": "Point value",
        "sens.range": "Plausible range",
        "sens.source": "Source",
        "sens.low_end": "Measure at low end",
        "sens.high_end": "Measure at high end",
        "sens.point": "At the point values: {value}",
        "sens.morris.note": "μ*: the mean absolute change of the measure when the assumption moves across its "
                            "whole range (in the measure's unit); σ: how much that change varies with the other "
                            "assumptions (interactions, curvature). ± is the 95% bootstrap interval.",
        "sens.sobol.note": "S1: the share of the measure's variance the assumption causes alone; ST: with all its "
                           "interactions. ± is the 95% bootstrap interval.",
        "fig.tornado": "{measure}: with each assumption at the low (light) and the high (dark) end of its range, "
                       "the others at their point values (line: all at point values)",
        "fig.morris": "{measure}: Morris μ* against σ (95% CI of μ*)",
        "fig.sobol": "{measure}: Sobol S1 and ST (95% CI)",
        "fig.low": "low end", "fig.high": "high end", "sens.end": ".", "sens.and": " and ", "sens.comma": ", ",
        # sensitivity against observed figures (part "sens", issue 12)
        "sens.observed": "Against the observed figures",
        "sens.surviving": "{k} of {n} design points ({share}% [{low}, {high}]) survive the observed figures "
                          "(a point whose |simulated − observed| / sd exceeds 3 is ruled out)",
        "sens.holds": "holds at {share}% [{low}, {high}] of {n} design points",
        "sens.holds.plausible": "; at {share}% [{low}, {high}] of the {n} the observations do not rule out",
        "sens.holds.none": "; the observations rule out every point",
        "sens.observation": "Observation", "sens.observed_value": "Observed ± sd",
        "sens.rules_out": "Points it rules out", "sens.ruled_out": "Design points ruled out",
        "sens.point_no": "Point", "sens.ruled_by": "Ruled out by",
    }),
    "zh": MappingProxyType({
        "report.title": "情景比较",
        "report.title.one": "情景报告",
        "report.lede": "每个情景重复运行 {n} 次，给出均值及 95% 置信区间。各情景使用相同的到访人员"
                       "（共同随机数，种子 {seed}），因此与“{base}”的差值按每次重复配对计算。",
        "summary": "摘要",
        "summary.targets": "目标达成情况",
        "summary.best": "各目标的最优情景",
        "figures": "图表",
        "details": "详细数据",
        "details.metrics": "全部指标",
        "details.rules": "规则命中",
        "inputs": "输入（据此可重现本报告）",
        "scenario": "情景",
        "metric": "指标",
        "target": "目标",
        "limit": "限值",
        "verdict": "结论",
        "mean_ci": "均值 ± 95% 置信区间",
        "difference": "与“{base}”之差",
        "best": "最优",
        # plausible worlds (--uncertainty), a self-contained block
        "worlds": "在各种可能的假设下",
        "worlds.lede": "按拉丁超立方从各假设的合理范围中抽取 {n} 个“世界”，每个世界重复运行 {r} 次，"
                       "各世界使用相同的随机数。每个世界的结论由其自身的重复运行得出；世界比例附 95% Wilson 区间。",
        "worlds.today": "按点值的结论",
        "worlds.holds": "成立的世界比例",
        "worlds.surviving": "与观测相符的世界中",
        "worlds.leans": "不成立的世界中的假设",
        "worlds.high": "偏高", "worlds.low": "偏低",
        "worlds.survive": "{n} 个世界中有 {k} 个与观测相符（历史匹配：|模拟 − 观测| ≤ 3 个标准差）",
        "worlds.wins": "逐个世界与“{base}”比较",
        "worlds.better": "更低（更优）", "worlds.worse": "更高", "worlds.unclear": "无法判断",
        "worlds.md.holds": "{target}（≤ {limit}）——按点值：{today}；在 {n} 个可能的世界中有 {share} 达标",
        "worlds.md.surviving": "在与观测相符的 {n} 个世界中：{share}",
        "worlds.md.wins": "{scenario}与“{base}”比较（{target}）：{n} 个世界中 {better} 个更低（更优），{worse} 个更高，"
                          "{unclear} 个无法判断",
        "runner_up": "次优",
        "clear": "明显更优",
        "yes": "是",
        "no": "尚不能确定",
        "same": "否：每次重复结果相同",
        "base": "基准",
        "file": "文件",
        "sha256": "SHA-256 校验值",
        "pack": "政策规则包",
        "seed": "随机种子",
        "replications": "重复次数",
        "software": "软件版本",
        "generated": "生成时间",
        "decision": "决策",
        "rule": "规则",
        "reason": "理由",
        "hits": "每次重复平均判定人数",
        "scenario_file": "情景文件",
        "status.holds": "达标",
        "status.fails": "未达标",
        "status.unclear": "尚难判断",
        "verdict.note": "达标：整个 95% 置信区间在限值以内；未达标：整个区间超出限值；"
                        "尚难判断：需增加重复次数。",
        "fig.queues": "周末各值守卡口排队长度（均值线，重复间 10–90% 区间）",
        "fig.queues.aligned": "各情景起始日期不同：均从各自起点绘制，横轴按“{base}”的日期标注",
        "fig.queues.idle": "以下卡口在各情景中均未形成排队：{gates}",
        "fig.waits.idle": "以下卡口在各情景中均无人等候：{gates}",
        "fig.waits": "各卡口第 95 百分位等候时间（各次重复的分布）",
        "fig.containment": "劝返与未经检查进入（按途径；均值及 95% 置信区间）",
        "fig.utilisation": "值守人员利用率：在岗时间中用于检查的比例",
        "fig.utilisation.hourly": "值守人员逐时利用率：在岗时间中用于检查的比例（各次重复均值；灰色：无人在岗）",
        "fig.utilisation.idle": "以下卡口在各情景中均无人接受检查：{gates}",
        "fig.wait_distribution": "等候时间分布：等候不少于某一时长的车辆（组）比例（全部值守卡口、全部重复）",
        "axis.wait_at_least": "等候不少于（分钟）",
        "axis.share_parties": "车辆（组）比例",
        "fig.rules": "各决策的规则命中（每次重复平均人数）",
        "fig.forest": "与“{base}”的配对差值（95% 置信区间）",
        "axis.time": "日期与时间",
        "axis.queue": "排队（组）",
        "axis.wait": "第 95 百分位等候（分钟）",
        "axis.parties": "每次重复（组）",
        "axis.persons": "每次重复（人）",
        "axis.gate": "卡口",
        "axis.hour": "时",
        "axis.difference": "差值（情景 − {base}）",
        "turned_back": "劝返",
        "leaks": "未经检查进入",
        "sweep.title": "人员配置扫描",
        "sweep.lede": "“{scenario}”的 {variants} 个变体，各重复 {n} 次，随机种子 {seed}；各变体使用相同的到访人员"
                      "（共同随机数）。成本为每日人·小时：卡口在岗人员（含志愿者）加巡逻人·小时。",
        "sweep.precision": "对每个变体逐步增加重复次数，直到各目标指标 95% 置信区间半宽不超过均值的 {pct}%"
                           "（最多 {cap} 次）。",
        "sweep.frontier": "满足各目标的最低成本变体",
        "sweep.frontier.note": "整个 95% 置信区间在限值以内，即认为该变体确定满足目标。",
        "sweep.all": "同时满足全部目标",
        "sweep.none": "没有变体能确定满足",
        "sweep.variants": "全部变体",
        "sweep.variant": "变体",
        "sweep.cost": "每日人·小时",
        "sweep.n": "重复次数",
        "sweep.precise": "达到精度",
        "sweep.vary": "变化参数",
        "sweep.digest": "情景摘要值",
        "fig.map": "“{scenario}”乡域示意图：各路口按状态、巡逻路线、摄像头与热点；"
                   "红圈：各处未经检查进入（每次重复均值）",
        "fig.map.sweep": "“{scenario}”乡域示意图；红圈：变体 {variant} 中各处未经检查进入（每次重复均值）",
        "map.schematic": "示意布局：位置不按比例",
        "map.km": "公里",
        "map.entries": "未经检查进入（每次重复均值）",
        "map.camera": "摄像头",
        "map.route": "{patrol} · {team} 人 · {windows}",
        "map.status.staffed": "值守",
        "map.status.closed": "封闭",
        "map.status.open": "开放",
        "map.kind.road-entry": "道路入口",
        "map.kind.junction": "路口",
        "map.kind.township-gate": "入乡卡口",
        "map.kind.village": "村",
        "map.kind.entrance": "进村路口",
        "map.kind.fields": "农田果园",
        "map.kind.hotspot": "热点",
        "map.kind.place": "地点",
        "map.link.road": "公路",
        "map.link.side-road": "支路",
        "map.link.hill-path": "山路",
        "map.link.way-round": "绕行小路",
        "map.link.path": "小路",
        "containment": "防控效果",
        "containment.lede": "谁未经检查进入、经由何处，谁被发现、由谁发现，以及外来人员在村内停留多久，"
                            "另计在山场及热点停留多久。除注明“每日”者外，均为每次重复的数量。",
        "containment.maps": "发生地点",
        "staff": "值守人员排班",
        "staff.lede": "按 8 或 12 小时一班值守各卡口的人员（情景排班）、卡口长和志愿者："
                      "人数、每人每周在岗小时数、同时在岗最多人数。",
        "staff.people": "人数",
        "staff.hours_mean": "每人每周在岗小时（平均）",
        "staff.hours_max": "每人每周在岗小时（最多）",
        "staff.on_duty": "同时在岗最多",
        "staff.pools": "人员组（人数，平均 / 最多每周小时）",
        "staff.none": "无排班：按班次人数计",
        "sweep.entries": "各处未经检查进入",
        "sweep.entries.note": "每次重复均值；列出在任一变体中进入最多的地点。",
        "site": "地点",
        "fig.frontier": "成本与各目标指标（均值及 95% 置信区间；虚线：限值；实心：确定满足）",
        "sens.title": "哪些假设要紧？",
        "sens.lede": "{scenario}：{k} 个假设在其合理范围内变化，采用{method}；共 {worlds} 个情形（含龙卷风图所需），"
                     "每个情形从随机种子 {seed} 重复 {n} 次。各情形使用相同的到访人员（公共随机数），"
                     "不影响某指标的假设在该指标上恰为零。",
        "sens.morris": "Morris 法（{size} 条轨迹，{levels} 个水平）",
        "sens.sobol": "Sobol 法（{size} 个基础样本）",
        "sens.findings": "各目标取决于什么",
        "sens.mostly": "{measure}主要取决于{names}",
        "sens.negligible.one": "；{names}对它没有影响",
        "sens.negligible.many": "；{names}对它没有影响",
        "sens.flat": "{measure}在各假设的合理范围内不变",
        "sens.ranking": "排序",
        "sens.rank": "名次",
        "sens.assumption": "假设",
        "sens.assumptions": "变化的假设",
        "sens.value": "取值",
        "sens.range": "合理范围",
        "sens.source": "来源",
        "sens.low_end": "取下限时的指标",
        "sens.high_end": "取上限时的指标",
        "sens.point": "全部取点值时：{value}",
        "sens.morris.note": "μ*：假设在整个范围内变动时指标变化的平均绝对值（单位同指标）；σ：这一变化随其他假设"
                            "而不同的程度（交互作用、非线性）。± 为 95% 自助法区间。",
        "sens.sobol.note": "S1：该假设单独造成的指标方差占比；ST：连同其全部交互作用的占比。± 为 95% 自助法区间。",
        "fig.tornado": "{measure}：每个假设分别取范围下限（浅色）和上限（深色），其余取点值（竖线：全部取点值）",
        "fig.morris": "{measure}：Morris μ* 与 σ（μ* 的 95% 置信区间）",
        "fig.sobol": "{measure}：Sobol S1 与 ST（95% 置信区间）",
        "fig.low": "下限", "fig.high": "上限", "sens.end": "。", "sens.and": "和", "sens.comma": "、",
        # sensitivity against observed figures (part "sens", issue 12)
        "sens.observed": "与实测数字对照",
        "sens.surviving": "{n} 个设计点中有 {k} 个（{share}% [{low}, {high}]）未被实测数字排除"
                          "（|模拟 − 实测| / 标准差超过 3 即排除）",
        "sens.holds": "在 {n} 个设计点中的 {share}% [{low}, {high}] 成立",
        "sens.holds.plausible": "；在未被实测数字排除的 {n} 个中的 {share}% [{low}, {high}] 成立",
        "sens.holds.none": "；实测数字排除了所有设计点",
        "sens.observation": "实测项", "sens.observed_value": "实测值 ± 标准差",
        "sens.rules_out": "排除的设计点数", "sens.ruled_out": "被排除的设计点",
        "sens.point_no": "设计点", "sens.ruled_by": "排除依据",
    }),
})



def check_lang(lang: str) -> str:
    """*lang* itself when it is one of :data:`LANGS`; otherwise ``ValueError``."""
    if lang not in LANGS:
        raise ValueError(f"unknown language {lang!r} (one of {', '.join(LANGS)})")
    return lang


def text(lang: str, key: str, **values: object) -> str:
    """The message *key* in *lang*, with ``{name}`` fields filled from *values*."""
    message = _TEXT[check_lang(lang)][key]
    return message.format(**values) if values else message


def _pick(pair: tuple[str, str], lang: str) -> str:
    return pair[LANGS.index(check_lang(lang))]


def metric_label(lang: str, metric: str) -> str:
    """A reader's name for *metric* (``gate.<id>.<field>`` names keep the gate id)."""
    if metric in _METRICS:
        return _pick(_METRICS[metric], lang)
    head, _, rest = metric.partition(".")
    if head == "gate":
        gate, _, field = rest.rpartition(".")
        if field in _GATE_FIELDS:
            return f"{gate} · {_pick(_GATE_FIELDS[field], lang)}"
    return metric


def leak_path_label(lang: str, path: str) -> str:
    return _pick(_LEAK_PATHS[path], lang) if path in _LEAK_PATHS else path


def status_label(lang: str, status: str) -> str:
    return text(lang, f"status.{status}")


def number(value: float, digits: int = 1) -> str:
    """*value* rounded to *digits* decimals with thousands separators; '–' when not finite."""
    if not math.isfinite(value):
        return "–"
    return f"{value:,.{digits}f}"


def digits_for(value: float) -> int:
    """Decimals that show *value* (a mean or half-width) usefully: fewer for larger values."""
    size = abs(value)
    if not math.isfinite(size) or size >= 100:
        return 0
    return 1 if size >= 10 else 2


def interval(mean: float, half_width: float) -> str:
    """``mean ± half-width`` with decimals chosen from the half-width."""
    digits = digits_for(half_width if math.isfinite(half_width) and half_width > 0 else mean)
    if not math.isfinite(half_width):
        return number(mean, digits)
    return f"{number(mean, digits)} ± {number(half_width, digits)}"


def signed_interval(mean: float, low: float, high: float, half_width: float) -> str:
    """A difference as ``+mean [low, high]``."""
    digits = digits_for(half_width if math.isfinite(half_width) and half_width > 0 else mean)
    sign = "+" if mean > 0 else ""
    if not math.isfinite(half_width):
        return f"{sign}{number(mean, digits)}"
    return f"{sign}{number(mean, digits)} [{number(low, digits)}, {number(high, digits)}]"


def when(lang: str, moment: dt.datetime) -> str:
    """A date and clock time in the reader's convention."""
    if check_lang(lang) == "zh":
        return f"{moment.year}年{moment.month}月{moment.day}日 {moment:%H:%M}"
    return f"{moment:%Y-%m-%d %H:%M}"
