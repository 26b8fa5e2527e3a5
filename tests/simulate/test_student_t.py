"""Student's t against exact values: the quantiles behind every confidence interval."""

import pytest

from simulate.student_t import incomplete_beta, t_cdf, t_quantile

# Student t 0.975 quantiles (tables, e.g. NIST/SEMATECH e-Handbook 1.3.6.7.2), to 6 digits.
T975 = {1: 12.706205, 2: 4.302653, 3: 3.182446, 4: 2.776445, 5: 2.570582, 9: 2.262157,
        10: 2.228139, 19: 2.093024, 29: 2.045230, 30: 2.042272, 60: 2.000298, 120: 1.979930}


@pytest.mark.parametrize(("df", "expected"), sorted(T975.items()))
def test_t_quantile_matches_the_table(df, expected):
    assert t_quantile(0.975, df) == pytest.approx(expected, abs=2e-6)


def test_t_quantile_other_levels_and_symmetry():
    assert t_quantile(0.95, 10) == pytest.approx(1.812461, abs=2e-6)
    assert t_quantile(0.995, 5) == pytest.approx(4.032143, abs=2e-6)
    assert t_quantile(0.025, 7) == pytest.approx(-t_quantile(0.975, 7))
    assert t_quantile(0.975, 10**6) == pytest.approx(1.959966, abs=1e-5)    # → normal


def test_summary_intervals_and_report_intervals_use_the_same_quantile():
    from reports.stats import t_quantile as report_quantile
    from simulate.summary import t975
    for df in range(1, 31):
        assert t_quantile(0.975, df) == report_quantile(0.975, df) == t975(df)


def test_t_cdf_and_incomplete_beta_identities():
    assert t_cdf(0.0, 5) == pytest.approx(0.5)
    assert t_cdf(1.0, 1) == pytest.approx(0.75)                 # Cauchy: 1/2 + atan(1)/π
    assert incomplete_beta(1.0, 1.0, 0.3) == pytest.approx(0.3)  # uniform
    assert incomplete_beta(2.0, 3.0, 0.4) == pytest.approx(1 - incomplete_beta(3.0, 2.0, 0.6))
    with pytest.raises(ValueError):
        t_quantile(1.0, 3)
