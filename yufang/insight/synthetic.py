"""Synthetic enterprises with a known effect of training, for the estimator's tests and the bench:
each enterprise has its own risk; its cases in a year are Poisson around risk × insured; trained
enterprises' risk after the training year falls by `effect` per 1,000 insured (and their benefits
with it). Deterministic for a seed."""

import math
import random

from .effect import Unit, size_band


def poisson(rng: random.Random, lam: float) -> int:
    if lam <= 0:
        return 0
    if lam > 30:  # normal approximation: Knuth's product underflows for large means
        return max(0, round(rng.gauss(lam, math.sqrt(lam))))
    limit, k, p = math.exp(-lam), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


def year_figures(rng: random.Random, insured: int, risk: float) -> tuple[int, int, float, float]:
    """(cases, insured, benefits, premiums) of one year at a risk in cases per 1,000 insured;
    benefits follow the cases (about 30,000 yuan a case), premiums the headcount."""
    headcount = max(20, round(insured * rng.uniform(0.95, 1.05)))
    cases = poisson(rng, headcount * risk / 1000)
    premiums = headcount * rng.uniform(1100, 1400)
    benefits = sum(rng.uniform(15000, 45000) for _ in range(cases))
    return cases, headcount, benefits, premiums


def units(
    *, n: int, effect: float, seed: int, industries=("hazchem", "construction", "machinery"), trained_share=0.4
) -> list[Unit]:
    rng = random.Random(seed)
    made = []
    for i in range(n):
        insured = int(math.exp(rng.uniform(math.log(30), math.log(2500))))
        risk = rng.uniform(1.0, 9.0)
        trained = rng.random() < trained_share
        before = year_figures(rng, insured, risk)
        after = year_figures(rng, insured, max(0.0, risk - effect) if trained else risk)
        made.append(
            Unit(
                enterprise_id=i,
                industry=industries[i % len(industries)],
                band=size_band(before[1]),
                trained=trained,
                figures=(*map(float, before), *map(float, after)),
            )
        )
    return made
