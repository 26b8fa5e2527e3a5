"""Student's t against independent values: a published table and scipy, for the quantiles behind
every confidence interval."""

import math

import pytest
from scipy import special
from scipy import stats as sp

from simulate.student_t import incomplete_beta, t_cdf, t_quantile

# Student t 0.975 quantiles, NIST/SEMATECH e-Handbook of Statistical Methods, table 1.3.6.7.2 (3 decimals).
NIST_T975 = {1: 12.706, 2: 4.303, 3: 3.182, 4: 2.776, 5: 2.571, 9: 2.262, 10: 2.228, 19: 2.093,
             29: 2.045, 30: 2.042, 60: 2.000, 100: 1.984}


@pytest.mark.parametrize(("df", "expected"), sorted(NIST_T975.items()))
def test_t_quantile_matches_the_published_table(df, expected):
    assert t_quantile(0.975, df) == pytest.approx(expected, abs=5e-4)


@pytest.mark.parametrize("df", [1, 2, 3, 4, 5, 7, 9, 15, 29, 49, 99, 199, 999])
@pytest.mark.parametrize("p", [0.6, 0.9, 0.95, 0.975, 0.99, 0.995, 0.9995, 0.025, 0.1])
def test_t_quantile_matches_scipy(p, df):
    assert t_quantile(p, df) == pytest.approx(float(sp.t.ppf(p, df)), rel=1e-9, abs=1e-12)


def test_t_tends_to_the_normal_and_has_no_quantile_without_freedom():
    assert t_quantile(0.975, 10**6) == pytest.approx(float(sp.norm.ppf(0.975)), abs=1e-5)
    assert t_quantile(0.975, 0) == math.inf
    for bad in (0.0, 1.0, -0.5):
        with pytest.raises(ValueError):
            t_quantile(bad, 3)


@pytest.mark.parametrize("df", [1, 3, 8, 30])
@pytest.mark.parametrize("t", [-4.0, -1.0, 0.0, 0.5, 2.5, 10.0])
def test_t_cdf_matches_scipy(t, df):
    assert t_cdf(t, df) == pytest.approx(float(sp.t.cdf(t, df)), rel=1e-10, abs=1e-14)


def test_t_cdf_in_closed_form():
    assert t_cdf(1.0, 1) == pytest.approx(0.75, rel=1e-14)                       # Cauchy: 1/2 + atan(1)/π
    assert t_cdf(1.0, 2) == pytest.approx(0.5 + 0.5 / math.sqrt(3), rel=1e-14)   # 1/2 + t / (2 √(2 + t²))


@pytest.mark.parametrize(("a", "b"), [(0.5, 0.5), (1.0, 1.0), (2.0, 3.0), (7.5, 0.5), (30.0, 2.0)])
@pytest.mark.parametrize("x", [0.0, 0.01, 0.3, 0.5, 0.9, 1.0])
def test_incomplete_beta_matches_scipy(a, b, x):
    assert incomplete_beta(a, b, x) == pytest.approx(float(special.betainc(a, b, x)), rel=1e-10, abs=1e-15)
