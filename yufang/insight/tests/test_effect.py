"""The estimator recovers an effect planted in synthetic enterprises, finds none where none was
planted, and gives the same interval for the same data in any order."""

import random

import pytest

from yufang.insight.effect import SMALL, Unit, estimate, size_band
from yufang.insight.synthetic import units


def test_recovers_a_planted_effect():
    result = estimate(units(n=1500, effect=2.0, seed=7), replicates=400)
    overall = result.overall
    assert overall.rate.low <= -2.0 <= overall.rate.high
    assert overall.rate.high < 0  # the interval excludes "no difference"
    assert abs(overall.rate.estimate + 2.0) < 0.6
    # Benefits follow the cases, so the loss ratio falls too.
    assert overall.loss.high < 0
    for row in result.estimates:
        assert row.rate.low < row.rate.estimate < row.rate.high
        assert row.rate.high < 0, row.industry


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_finds_none_where_none_was_planted(seed):
    overall = estimate(units(n=1500, effect=0.0, seed=seed), replicates=400).overall
    assert overall.rate.covers_zero, (overall.rate.low, overall.rate.high)
    assert overall.loss.covers_zero, (overall.loss.low, overall.loss.high)
    assert abs(overall.rate.estimate) < 0.6


def test_the_same_data_in_any_order_gives_the_same_interval():
    data = units(n=300, effect=1.0, seed=3)
    shuffled = list(data)
    random.Random(9).shuffle(shuffled)
    a, b = estimate(data, replicates=200), estimate(shuffled, replicates=200)
    assert (a.overall.rate.low, a.overall.rate.high) == (b.overall.rate.low, b.overall.rate.high)
    assert a.overall.rate.estimate == pytest.approx(b.overall.rate.estimate)


def _unit(i, industry, band_insured, trained, before_cases, after_cases):
    return Unit(
        enterprise_id=i,
        industry=industry,
        band=size_band(band_insured),
        trained=trained,
        figures=(before_cases, band_insured, 1000.0, 10000.0, after_cases, band_insured, 1000.0, 10000.0),
    )


def test_compares_only_within_industry_and_size_band_and_counts_who_is_left_out():
    data = [
        # Small construction enterprises: trained fell from 10‰ to 5‰, untrained stayed at 10‰.
        _unit(1, "建筑", 200, True, 2, 1),
        _unit(2, "建筑", 200, True, 2, 1),
        _unit(3, "建筑", 200, False, 2, 2),
        _unit(4, "建筑", 200, False, 2, 2),
        # A large trained one with no untrained enterprise of its size: left out.
        _unit(5, "建筑", 5000, True, 50, 0),
        # An industry with no trained enterprise.
        _unit(6, "机械", 200, False, 1, 1),
    ]
    result = estimate(data, replicates=50)
    construction, machinery = result.estimates
    assert (construction.trained, construction.control, construction.unmatched) == (2, 2, 1)
    assert construction.rate.trained_before == pytest.approx(10.0)
    assert construction.rate.trained_after == pytest.approx(5.0)
    assert construction.rate.estimate == pytest.approx(-5.0)
    assert construction.small and SMALL > 2
    assert machinery.rate is None and machinery.unmatched == 1
    assert result.overall.trained == 2 and result.overall.unmatched == 2


def test_one_enterprise_a_side_gives_an_estimate_without_an_interval():
    result = estimate([_unit(1, "建筑", 200, True, 2, 1), _unit(2, "建筑", 200, False, 2, 2)], replicates=50)
    assert result.overall.rate.estimate == pytest.approx(-5.0)
    assert result.overall.rate.low is None and result.overall.rate.covers_zero is None


def test_cells_of_one_and_one_give_no_interval():
    data = [
        _unit(1, "建筑", 50, True, 1, 0),
        _unit(2, "建筑", 50, False, 1, 1),
        _unit(3, "建筑", 500, True, 5, 2),
        _unit(4, "建筑", 500, False, 5, 5),
    ]
    rate = estimate(data, replicates=50).overall.rate
    assert rate.estimate < 0 and rate.low is None
