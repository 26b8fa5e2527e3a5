"""Chinese and English words of the season page (season.html) and its figure.

Kept apart from :mod:`reports.i18n` so that module stays under the size limit; the same
rule holds: both languages have the same keys (a test checks), and text from scenario and
pack files is never translated here.
"""

from __future__ import annotations

from types import MappingProxyType

from .i18n import check_lang

_TEXT = MappingProxyType({
    "en": MappingProxyType({
        "title": "The season",
        "lede": "Daily means over {n} replications per scenario (seed {seed}, the same visitors and returners "
                "in every scenario) with their 95% confidence bands (mean ± t·sd/√n). Dashed lines: days on "
                "which the pack's rules change. Weeks run from the season's first day.",
        "timeline": "Timeline",
        "panel.returners": "Returners per day",
        "panel.observation": "Under observation (people)",
        "panel.peaks": "Tourist arrivals and the worst gate's queue",
        "axis.people": "people",
        "axis.parties": "parties / day",
        "axis.queue": "longest queue (parties)",
        "axis.hours": "home-service staff-hours",
        "capacity.line": "Capacity line: the persons under home observation the villages' home-service teams "
                         "(五包一) can visit a day, people × minutes each / (minutes per visit × visits a day); "
                         "weeks whose busiest day is over it fail the home_service_capacity check below.",
        "capacity.none": "The scenario gives no home-service team size, so no capacity line is drawn: the load "
                         "is shown as home-service staff-hours a day (visits × minutes per visit).",
        "changes": "Rule changes in the season",
        "changes.day": "Day",
        "changes.decisions": "Decisions whose rules change",
        "weeks": "Weeks",
        "weeks.lede": "Per week: returners (arrived, advised, barred: totals; deferring and under observation: "
                      "mean day), the home-service capacity, referrals, visits, unscreened entries (all paths; into "
                      "villages), residents' crossings, outsiders' person-minutes on the hills, tourist arrivals, the "
                      "worst gate's longest queue (sampled) and worst daily 95th-percentile wait, staff-hours by "
                      "post (totals); then each target judged on that week (where it has a weekly form: waits and "
                      "queues by the week's worst day, rates by its mean day) and the home-service check (the "
                      "week's busiest day against the capacity).",
        "week": "Week",
        "dates": "Dates",
        "season_only": "Judged on the whole season only (the results have no daily split for them; see "
                       "report.html): {targets}.",
        "rule_hits": "Rule hits by week",
        "rule_hits.lede": "Mean persons decided per replication in each week, by deciding rule, for all three "
                          "decisions.",
        "decision": "Decision",
        "rule": "Rule",
        "scenario": "Scenario",
        "targets": "Targets by week",
        "by_role": "Arrivals and turn-backs by role",
        "by_role.lede": "Mean parties per replication in each week arriving at the township, and of them turned "
                        "back at a gate (or a closed road), by the role of their stream.",
        "role": "Role",
        "by_role.arrivals": "arrived",
        "by_role.turned_back": "turned back",
        "worlds_weeks": "Targets by week across plausible worlds",
        "worlds_weeks.lede": "The share of {n} plausible worlds ({r} replications in each, drawn from the "
                             "assumptions' ranges) in which each target holds that week, with its 95 % interval.",
    }),
    "zh": MappingProxyType({
        "title": "整个防控季",
        "lede": "每个方案 {n} 次重复的逐日均值（种子 {seed}，各方案的访客与返乡人员相同）及 95% 置信带"
                "（均值 ± t·sd/√n）。虚线：规则包中规则变更的日期。每周自防控季第一天起算。",
        "timeline": "时间线",
        "panel.returners": "每日返乡人员",
        "panel.observation": "在观察人数",
        "panel.peaks": "游客到达与最繁忙卡口的排队",
        "axis.people": "人",
        "axis.parties": "批次 / 日",
        "axis.queue": "最长排队（批次）",
        "axis.hours": "上门服务工时",
        "capacity.line": "能力线：各村上门服务（五包一）每日能上门的居家观察人数，即人数 × 每人分钟数 ÷"
                         "（每次分钟数 × 每日次数）；某周最忙一天超过能力线者，"
                         "在下表 home_service_capacity 一栏判为未达标。",
        "capacity.none": "方案未给出上门服务人员数量，因此不画能力线：负荷以每日上门服务工时表示"
                         "（上门次数 × 每次分钟数）。",
        "changes": "防控季内的规则变更",
        "changes.day": "日期",
        "changes.decisions": "规则变更的决策",
        "weeks": "逐周",
        "weeks.lede": "每周：返乡人员（已返回、劝缓、禁止：合计；暂缓及在观察：日均）、上门服务能力、转诊、上门次数、"
                      "未经检查进入（全部途径；进村）、村民绕行、外来人员上山人·分钟、游客到达、最繁忙卡口最长排队"
                      "（抽样）及每日 95% 分位等待的最大值、各岗位工时（合计）；然后按周评判各目标（有周口径的：等待与"
                      "排队取该周最差一天，比率取日均）及上门服务能力检查（该周最忙一天对比能力线）。",
        "week": "周",
        "dates": "日期",
        "season_only": "仅按整个防控季评判（结果中没有逐日数据，见 report.html）：{targets}。",
        "rule_hits": "逐周规则命中",
        "rule_hits.lede": "每次重复每周由各规则决定的平均人数，三个决策全部列出。",
        "decision": "决策",
        "rule": "规则",
        "scenario": "方案",
        "targets": "逐周目标",
        "by_role": "按身份的到达与劝返",
        "by_role.lede": "每次重复每周到达本乡的平均组数，及其中在卡口（或封闭道路）被劝返的组数，按人流的身份分列。",
        "role": "身份",
        "by_role.arrivals": "到达",
        "by_role.turned_back": "劝返",
        "worlds_weeks": "各种合理情形下的逐周目标",
        "worlds_weeks.lede": "在 {n} 种合理情形（从各假设的取值范围抽取，每种 {r} 次重复）中，"
                             "各目标在该周达成的比例及其 95% 区间。",
    }),
})

# The season's measures by name (simulate.observation's series and simulate.season_series's derived ones).
_SERIES = MappingProxyType({
    "returners_arrived": ("Returners arrived", "返乡到达"),
    "advised": ("Advised to defer", "劝其暂缓"),
    "refused": ("Barred", "不予返回"),
    "deferred": ("Deferring (people)", "暂缓中（人）"),
    "barred": ("Barred, waiting (people)", "被禁止、等待中（人）"),
    "home_observation": ("Home observation", "居家观察"),
    "centralized": ("Centralized observation", "集中观察"),
    "referrals": ("Referrals", "转诊"),
    "visits": ("Home-service visits", "上门次数"),
    "observation_exits": ("Exits from observation", "观察期外出"),
    "unscreened": ("Unscreened entries", "未经检查进入"),
    "entries": ("Unscreened entries into villages", "未经检查进村"),
    "resident_crossings": ("Residents' unregistered crossings", "村民绕行未登记"),
    "village_person_min": ("Outsiders in villages (person-min)", "外来人员在村（人·分钟）"),
    "hill_person_min": ("Outsiders on the hills (person-min)", "外来人员上山（人·分钟）"),
    "wait_p95_min": ("Worst gate's 95th-percentile wait (min)", "最繁忙卡口 95% 分位等待（分钟）"),
    "wait_max_min": ("Worst gate's longest wait (min)", "最繁忙卡口最长等待（分钟）"),
    "home_service_capacity": ("Home-service capacity (people)", "上门服务能力（人）"),
    "arrivals.tourist": ("Tourist arrivals", "游客到达"),
    "gate.queue_max": ("Worst gate's longest queue", "最繁忙卡口最长排队"),
    "staff_hours.township": ("Staff-hours, township gates", "工时：乡级卡口"),
    "staff_hours.village": ("Staff-hours, village entrances", "工时：村口"),
    "staff_hours.home_service": ("Staff-hours, home service", "工时：上门服务"),
})
# The weeks table's columns, in order.
WEEK_COLUMNS = ("returners_arrived", "advised", "refused", "deferred", "home_observation", "centralized",
                "home_service_capacity", "referrals", "visits", "unscreened", "entries", "resident_crossings",
                "hill_person_min", "arrivals.tourist", "gate.queue_max", "wait_p95_min", "staff_hours.township",
                "staff_hours.village", "staff_hours.home_service")


def text(lang: str, key: str, **values: object) -> str:
    """The season page's phrase *key* in *lang*, with *values* filled in."""
    return _TEXT[check_lang(lang)][key].format(**values)


def series_label(lang: str, series: str) -> str:
    """A season measure's name in *lang* (its own name when it has none)."""
    pair = _SERIES.get(series)
    if pair is None:
        return series
    return pair[1] if check_lang(lang) == "zh" else pair[0]


def keys(lang: str) -> frozenset[str]:
    """The phrase keys of *lang* (both languages must have the same)."""
    return frozenset(_TEXT[check_lang(lang)])
