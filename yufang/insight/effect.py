"""Whether prevention works: a difference-in-differences estimate of the change in the injury rate
(cases per 1,000 insured) and the loss ratio (benefits ÷ premiums) of enterprises whose staff were
trained in a year against comparable enterprises that were not, from the year before to the year
after, with a bootstrap confidence interval.

Plain Python on purpose (no numpy): the units are enterprises, a few thousand at most per city and
year, and the whole estimate is sums over them.

The rule, as the page states it:
- Comparable means the same industry and the same size band (insured headcount in the year
  before). Each industry × band cell with at least one trained and one untrained enterprise is a
  comparison; cells without both are left out, and their enterprises are counted as such.
- In each cell the group figures are pooled: Σ cases × 1000 ÷ Σ insured, Σ benefits ÷ Σ premiums.
- An industry's figures are the cells' figures weighted by the insured headcount (the year
  before) of each cell's trained enterprises, so the untrained group is reweighted to the trained
  group's size mix, and a band of small enterprises, whose rates swing most, weighs what its
  people weigh. The estimate is
  (trained after − trained before) − (untrained after − untrained before); negative is better.
- The interval resamples enterprises with replacement within each cell and group (a stratified
  bootstrap) from a fixed seed, so the same data always gives the same interval; the 2.5th and
  97.5th percentiles of the replicates bound it.
"""

import math
import random
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

BOOTSTRAP_SEED = 20230101
REPLICATES = 1000
# Fewer enterprises than this on either side of an industry's comparison: the page says the
# figure rests on small numbers.
SMALL = 10

# Size bands by insured headcount in the year before: (lower bound, label).
SIZE_BANDS: tuple[tuple[int, str], ...] = (
    (0, "100 人以下"),
    (100, "100～299 人"),
    (300, "300～999 人"),
    (1000, "1000 人及以上"),
)

# A unit's columns: the year before, then the year after.
CASES_B, INSURED_B, BENEFITS_B, PREMIUMS_B, CASES_A, INSURED_A, BENEFITS_A, PREMIUMS_A = range(8)


def size_band(insured: int) -> str:
    label = SIZE_BANDS[0][1]
    for lower, name in SIZE_BANDS:
        if insured >= lower:
            label = name
    return label


@dataclass(frozen=True)
class Unit:
    """One enterprise in the comparison: its stratum and its two years' figures."""

    enterprise_id: int
    industry: str
    band: str
    trained: bool
    # cases, insured, benefits, premiums (before); the same (after). Money as float yuan: the
    # estimate is a ratio, the cents do not move it.
    figures: tuple[float, float, float, float, float, float, float, float]


@dataclass(frozen=True)
class Measure:
    """One measure's four group figures (already reweighted), the estimate and its interval."""

    trained_before: float
    trained_after: float
    control_before: float
    control_after: float
    estimate: float
    low: float | None
    high: float | None

    @property
    def trained_change(self) -> float:
        return self.trained_after - self.trained_before

    @property
    def control_change(self) -> float:
        return self.control_after - self.control_before

    @property
    def covers_zero(self) -> bool | None:
        if self.low is None or self.high is None:
            return None
        return self.low <= 0 <= self.high


@dataclass
class Estimate:
    """One industry's (or all industries') comparison and the enterprises behind it."""

    industry: str
    trained: int  # trained enterprises in comparable cells
    control: int  # untrained enterprises in comparable cells
    cells: int
    unmatched: int  # enterprises of the industry in cells without the other side
    rate: Measure | None = None  # ‰
    loss: Measure | None = None  # percent

    @property
    def small(self) -> bool:
        return self.trained < SMALL or self.control < SMALL


@dataclass
class Result:
    estimates: list[Estimate] = field(default_factory=list)
    overall: Estimate | None = None
    replicates: int = REPLICATES
    seed: int = BOOTSTRAP_SEED


# Each enterprise's eight figures packed into one integer, a field of FIELD_BITS bits each (money
# in fen): a group's eight sums are then one C-level sum() of integers. The bootstrap sums a
# resampled group a thousand times; summing tuples column by column cost several times as much.
FIELD_BITS = 64
_MASK = (1 << FIELD_BITS) - 1
_MONEY = frozenset({BENEFITS_B, PREMIUMS_B, BENEFITS_A, PREMIUMS_A})


def _pack(figures: Sequence[float]) -> int:
    packed = 0
    for index, value in enumerate(figures):
        number = round(value * 100) if index in _MONEY else round(value)
        if not 0 <= number <= _MASK >> 20:  # 1.7e11 yuan at most: a million enterprises fit a field
            raise ValueError(f"figure out of range: {value}")
        packed |= number << (FIELD_BITS * index)
    return packed


def _sums(rows: Sequence[int]) -> tuple[int, ...]:
    total = sum(rows)
    return tuple((total >> (FIELD_BITS * index)) & _MASK for index in range(8))


def _cell(trained: Sequence[int], control: Sequence[int]) -> tuple[float, tuple, tuple]:
    """A cell's weight (its trained enterprises' insured headcount before) and the two groups' sums."""
    t = _sums(trained)
    return t[INSURED_B], t, _sums(control)


def _group_figures(s: Sequence[float]) -> tuple[float, float, float, float]:
    """(rate before, rate after, loss before, loss after) of a group's sums."""
    return (
        s[CASES_B] * 1000 / s[INSURED_B],
        s[CASES_A] * 1000 / s[INSURED_A],
        s[BENEFITS_B] * 100 / s[PREMIUMS_B],
        s[BENEFITS_A] * 100 / s[PREMIUMS_A],
    )


def _combine(cells: list[tuple[int, tuple, tuple]]) -> tuple[list[float], list[float]]:
    """Weighted trained and control figures of a set of cells: (weight, trained sums, control sums)."""
    total = sum(w for w, _, _ in cells)
    trained = [0.0, 0.0, 0.0, 0.0]
    control = [0.0, 0.0, 0.0, 0.0]
    for weight, t, c in cells:
        share = weight / total
        for i, v in enumerate(_group_figures(t)):
            trained[i] += share * v
        for i, v in enumerate(_group_figures(c)):
            control[i] += share * v
    return trained, control


def _did(trained: list[float], control: list[float]) -> tuple[float, float]:
    rate = (trained[1] - trained[0]) - (control[1] - control[0])
    loss = (trained[3] - trained[2]) - (control[3] - control[2])
    return rate, loss


def _percentile(values: list[float], q: float) -> float:
    """Linear interpolation between closest ranks (numpy's default)."""
    ordered = sorted(values)
    position = (len(ordered) - 1) * q
    lower = math.floor(position)
    upper = min(lower + 1, len(ordered) - 1)
    return ordered[lower] + (ordered[upper] - ordered[lower]) * (position - lower)


def estimate(units: Iterable[Unit], *, replicates: int = REPLICATES, seed: int = BOOTSTRAP_SEED) -> Result:
    """The estimate per industry and over all industries (see the module's rule)."""
    strata: dict[tuple[str, str], tuple[list, list]] = defaultdict(lambda: ([], []))
    # Cells, and enterprises within them, in a fixed order, so that the random draws, and so
    # the interval, never depend on the order the rows came in.
    for unit in sorted(units, key=lambda u: u.enterprise_id):
        strata[(unit.industry, unit.band)][0 if unit.trained else 1].append(_pack(unit.figures))
    order = sorted(strata)
    matched = [key for key in order if strata[key][0] and strata[key][1]]
    industries = sorted({key[0] for key in order})

    result = Result(replicates=replicates, seed=seed)
    point = {key: _cell(strata[key][0], strata[key][1]) for key in matched}
    groups: dict[str, list[tuple[str, str]]] = {i: [k for k in matched if k[0] == i] for i in industries}
    groups[""] = matched  # all industries

    # Replicates: each cell's trained and control enterprises drawn with replacement, once per
    # replicate, shared by the industry's and the overall estimate.
    draws: dict[str, list[tuple[float, float]]] = {name: [] for name, keys in groups.items() if keys}
    rng = random.Random(seed)
    for _ in range(replicates):
        replicate = {}
        for key in matched:
            trained, control = strata[key]
            replicate[key] = _cell(rng.choices(trained, k=len(trained)), rng.choices(control, k=len(control)))
        for name in draws:
            draws[name].append(_did(*_combine([replicate[k] for k in groups[name]])))

    def build(name: str) -> Estimate:
        keys = groups[name]
        in_industry = [k for k in order if name == "" or k[0] == name]
        unmatched = sum(len(strata[k][0]) + len(strata[k][1]) for k in in_industry if k not in point)
        row = Estimate(
            industry=name,
            trained=sum(len(strata[k][0]) for k in keys),
            control=sum(len(strata[k][1]) for k in keys),
            cells=len(keys),
            unmatched=unmatched,
        )
        if not keys:
            return row
        trained, control = _combine([point[k] for k in keys])
        rate, loss = _did(trained, control)
        # An interval needs enterprises to resample: more than one on each side in all, and some
        # cell with more than one on a side (cells of one and one never vary).
        varies = any(len(strata[k][0]) >= 2 or len(strata[k][1]) >= 2 for k in keys)
        has_interval = replicates > 0 and row.trained >= 2 and row.control >= 2 and varies
        bounds = []
        for index in (0, 1):
            if has_interval:
                values = [d[index] for d in draws[name]]
                bounds.append((_percentile(values, 0.025), _percentile(values, 0.975)))
            else:
                bounds.append((None, None))
        row.rate = Measure(trained[0], trained[1], control[0], control[1], rate, *bounds[0])
        row.loss = Measure(trained[2], trained[3], control[2], control[3], loss, *bounds[1])
        return row

    result.estimates = [build(i) for i in industries]
    result.overall = build("")
    return result
