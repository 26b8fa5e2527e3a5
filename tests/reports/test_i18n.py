"""Both languages say the same things; every metric a run reports has a reader's name."""

import datetime as dt

import pytest

from reports import i18n


def test_both_languages_have_the_same_messages():
    assert set(i18n._TEXT["en"]) == set(i18n._TEXT["zh"])


@pytest.mark.parametrize("lang", i18n.LANGS)
def test_every_metric_of_a_run_has_a_label(lang, experiments):
    for metric in experiments[0].replications[0].metrics():
        label = i18n.metric_label(lang, metric)
        assert label != metric, metric
        assert "." not in label.split(" · ")[-1] or lang == "en", metric


def test_formats():
    assert i18n.interval(12.345, 1.234) == "12.35 ± 1.23"
    assert i18n.interval(1234.5, 150.0) == "1,234 ± 150"     # decimals follow the half-width
    assert i18n.interval(7.0, float("inf")) == "7.00"
    assert i18n.signed_interval(2.0, 1.0, 3.0, 1.0) == "+2.00 [1.00, 3.00]"
    assert i18n.when("zh", dt.datetime(2020, 4, 18, 8, 5)) == "2020年4月18日 08:05"
    assert i18n.when("en", dt.datetime(2020, 4, 18, 8, 5)) == "2020-04-18 08:05"
    assert i18n.status_label("zh", "unclear") == "尚难判断"
    with pytest.raises(ValueError):
        i18n.text("fr", "summary")
