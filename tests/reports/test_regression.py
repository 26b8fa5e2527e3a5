"""Goldens on disk: floats read back bit for bit (non-finite ones too), and "same" means the same bits."""

import math

from reports.regression import Golden, StoredMetric, read_golden, same, write_golden
from simulate.provenance import Build

BUILD = Build("0.1.0", "CPython 3.11.7", "2.4.6", "4.1.2", "2.0.28", "x86_64", "Linux")


def test_same_means_the_same_64_bits():
    assert same(0.3, 0.3) and same(math.nan, -math.nan) and same(math.inf, math.inf)
    assert not same(0.1 + 0.2, 0.3)                       # 0.30000000000000004: one unit in the last place
    assert not same(1.0, math.nextafter(1.0, 2.0))
    assert not same(0.0, -0.0)
    assert not same(math.inf, -math.inf)


def test_a_golden_reads_back_exactly_as_written(tmp_path):
    metrics = {
        "all.wait_p95_min": StoredMetric((0.1 + 0.2, 5e-324, 1e308), 3.3333333333333335e307, math.inf),
        "gate.a.queue_mean": StoredMetric((-0.0, 2.0, math.inf), math.inf, math.inf),
    }
    golden = Golden("s", "scenarios/s.yaml", 7, 3, BUILD, metrics)
    path = tmp_path / "s.json"
    write_golden(golden, path)
    back = read_golden(path)
    assert back == golden
    assert all(same(a, b) for name in metrics
               for a, b in zip(back.metrics[name].values, metrics[name].values, strict=True))
    lines = path.read_text().splitlines()
    assert ' "build": {' in lines and '  "numpy": "2.4.6",' in lines
    assert ('  "gate.a.queue_mean": {"half_width": "inf", "mean": "inf", "values": [-0.0, 2.0, "inf"]}'
            in lines)
