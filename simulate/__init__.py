"""policysim's simulation layer: a SimPy model of the township, run from scenario files.

Public API (what ``reports`` and the CLI may use)::

    scenario = load_scenario("scenarios/blossom-weekend.yaml")    # FileFormatError, located
    experiment = run_experiment(scenario, replications=30, jobs=2)
    experiment.statistics, experiment.verdicts, experiment.replications[0].gates
    write_outputs(experiment, "out/", roster_summary(scenario))   # summary.json, replications.csv, queues.csv

The model asks ``policy`` for every person's decision through ``Engine.decide`` only.
"""

from .assumptions import Assumption, groups_of, scenario_assumptions
from .estimates import (
    Interval,
    mean_interval,
    mean_rule_hits,
    metric_table,
    paired_difference,
    verdict_status,
)
from .executors import InlineExecutor, make_executor
from .experiment import pack_engine, replicate, run_experiment
from .model import run_replication
from .results import (
    FINDERS,
    LEAK_PATHS,
    WAIT_BINS_MIN,
    Containment,
    ExperimentResult,
    GateResult,
    QueueSeries,
    ReplicationResult,
    StaffSeries,
    Statistic,
    Verdict,
)
from .roster import PoolSummary, RosterSummary, roster_summary
from .scenario import Scenario, Target, load_scenario
from .student_t import t_quantile
from .summary import statistics, summary_json, verdicts, write_outputs
from .township_map import MapLink, MapNode, MapRoute, TownshipMap, township_map

__all__ = [
    "Assumption",
    "Containment",
    "ExperimentResult",
    "FINDERS",
    "GateResult",
    "InlineExecutor",
    "Interval",
    "LEAK_PATHS",
    "MapLink",
    "MapNode",
    "MapRoute",
    "PoolSummary",
    "QueueSeries",
    "ReplicationResult",
    "RosterSummary",
    "Scenario",
    "StaffSeries",
    "Statistic",
    "Target",
    "TownshipMap",
    "Verdict",
    "WAIT_BINS_MIN",
    "groups_of",
    "load_scenario",
    "make_executor",
    "mean_interval",
    "mean_rule_hits",
    "metric_table",
    "pack_engine",
    "paired_difference",
    "replicate",
    "roster_summary",
    "run_experiment",
    "run_replication",
    "scenario_assumptions",
    "statistics",
    "summary_json",
    "t_quantile",
    "township_map",
    "verdict_status",
    "verdicts",
    "write_outputs",
]
