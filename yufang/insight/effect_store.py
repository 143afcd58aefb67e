"""The prevention effect computed in the background and stored, so the page never computes it.

After the records behind it change (a statistics import, completions recorded or revoked, key
enterprises marked), a refresh job recomputes every stored choice (the default threshold for
every year, with and without key enterprises, for the city and each district, and any other
choice someone asked for) and stores each result with the fingerprint of the records. The
scheduler notices a change within a minute (`effect_due`), the page at once (its stamp, two
index lookups). The page reads the stored row: one query."""

import dataclasses
import datetime
import hashlib
from decimal import Decimal

from django.db import transaction
from django.db.models import Count, Max
from django.utils import timezone

from yufang.accounts.models import Role, User
from yufang.core.jobs import job_start, register
from yufang.core.models import Job, JobStatus
from yufang.core.scheduler import schedule
from yufang.core.scoping import ScopeKind, scope_of
from yufang.enterprises.models import EnterpriseProfile, InjuryStatistic, KeyEnterpriseMark
from yufang.reference.models import Region
from yufang.targets.models import Completion, CompletionRevocation

from .effect import Estimate, Measure, Result
from .forms import DEFAULT_THRESHOLD
from .models import EffectResult, EffectScope
from .readers import reader_for
from .selectors import Effect, effect_stamp, effect_years, prevention_effect

EFFECT_REFRESH = "insight.effect_refresh"
ACTIVE = (JobStatus.QUEUED, JobStatus.RUNNING)


def effect_fingerprint() -> str:
    """What the stored results were computed from: counts, newest ids and newest changes of the
    statistics, completions, revocations, key-enterprise marks and enterprise profiles (an
    enterprise's industry). Any import, correction or revocation changes it."""
    parts = []
    for model, changed in (
        (InjuryStatistic, "updated_at"),
        (Completion, None),
        (CompletionRevocation, None),
        (KeyEnterpriseMark, None),
        (EnterpriseProfile, "updated_at"),
    ):
        figures = {"n": Count("pk"), "last": Max("pk")}
        if changed:
            figures["changed"] = Max(changed)
        parts.append(sorted(model.objects.order_by().aggregate(**figures).items()))
    return hashlib.sha256(repr(parts).encode()).hexdigest()


def region_key_of(user) -> int:
    scope = scope_of(user)
    return scope.region_id if scope.kind == ScopeKind.REGION else 0


# --- Storing and reading --------------------------------------------------------------------


def _to_payload(effect: Effect) -> dict:
    data = dataclasses.asdict(effect.result)
    return {"result": data, "counts": effect.counts}


def _measure(data: dict | None) -> Measure | None:
    return Measure(**data) if data else None


def _estimate(data: dict | None) -> Estimate | None:
    if data is None:
        return None
    return Estimate(**{**data, "rate": _measure(data["rate"]), "loss": _measure(data["loss"])})


def _from_row(row: EffectResult) -> Effect:
    data = row.payload["result"]
    result = Result(
        estimates=[_estimate(e) for e in data["estimates"]],
        overall=_estimate(data["overall"]),
        replicates=data["replicates"],
        seed=data["seed"],
    )
    return Effect(
        year=row.year,
        threshold=row.threshold,
        exclude_key=row.exclude_key,
        result=result,
        counts=row.payload["counts"],
        computed_at=row.computed_at,
    )


def stored_effect(*, user, year: int, threshold: Decimal, exclude_key: bool) -> Effect | None:
    """The stored comparison for the user's scope and this choice, or None (not computed yet)."""
    row = EffectResult.objects.filter(
        region_key=region_key_of(user), year=year, threshold=threshold, exclude_key=exclude_key
    ).first()
    return _from_row(row) if row else None


def stored_scope(*, user) -> EffectScope | None:
    return EffectScope.objects.filter(region_key=region_key_of(user)).first()


def refresh_job() -> Job | None:
    """The refresh queued or running, if any (the page shows its progress)."""
    return Job.objects.filter(kind=EFFECT_REFRESH, status__in=ACTIVE).order_by("-created_at").first()


# --- Computing ------------------------------------------------------------------------------


def _choices_for(region_key: int, years: list[int]) -> list[tuple[int, Decimal, bool]]:
    wanted = {(y, DEFAULT_THRESHOLD, k) for y in years for k in (False, True)}
    wanted |= {
        (y, t, k)
        for y, t, k in EffectResult.objects.filter(region_key=region_key, year__in=years).values_list(
            "year", "threshold", "exclude_key"
        )
    }
    return sorted(wanted, key=lambda c: (-c[0], c[1], c[2]))


def effect_store(*, region_key: int, year: int, threshold: Decimal, exclude_key: bool, fingerprint: str) -> Effect:
    """Computes one choice afresh and stores it (replacing what was stored)."""
    effect = prevention_effect(
        user=reader_for(region_key or None), year=year, threshold=threshold, exclude_key=exclude_key
    )
    EffectResult.objects.update_or_create(
        region_key=region_key,
        year=year,
        threshold=threshold,
        exclude_key=exclude_key,
        defaults={"fingerprint": fingerprint, "payload": _to_payload(effect), "computed_at": effect.computed_at},
    )
    return effect


@register(EFFECT_REFRESH)
def effect_refresh(job: Job, progress) -> dict:
    """Recomputes the stored results: every scope and choice, or the one choice asked for."""
    fingerprint = effect_fingerprint()
    stamp = list(effect_stamp())
    params = job.params
    if "year" in params:
        region_keys = [params["region_key"]]
    else:
        with_statistics = InjuryStatistic.objects.order_by().values("enterprise__region_id").distinct()
        region_keys = [
            0,
            *Region.objects.filter(pk__in=with_statistics).order_by("sort_order", "pk").values_list("pk", flat=True),
        ]
    plan: list[tuple[int, tuple]] = []
    for key in region_keys:
        years = effect_years(user=reader_for(key or None))
        EffectScope.objects.update_or_create(
            region_key=key,
            defaults={"years": years, "fingerprint": fingerprint, "computed_at": timezone.now()},
        )
        if "year" in params:
            choices = [(params["year"], Decimal(params["threshold"]), params["exclude_key"])]
        else:
            choices = _choices_for(key, years)
        plan += [(key, c) for c in choices]
    progress.total(len(plan), "正在计算预防效果")
    for done, (key, (year, threshold, exclude_key)) in enumerate(plan, start=1):
        effect_store(region_key=key, year=year, threshold=threshold, exclude_key=exclude_key, fingerprint=fingerprint)
        progress.step(done, f"已计算 {done}/{len(plan)}", force=True)
    if "year" not in params:
        # Choices of years no longer in the statistics go.
        for key in region_keys:
            years = EffectScope.objects.get(region_key=key).years
            EffectResult.objects.filter(region_key=key).exclude(year__in=years).delete()
    EffectScope.objects.filter(region_key__in=region_keys).update(fingerprint=fingerprint)
    return {"computed": len(plan), "stamp": stamp, "fingerprint": fingerprint}


def effect_refresh_start(*, actor, choice: dict | None = None) -> Job:
    """Queues a refresh (all choices, or one choice for the actor's scope) unless one is already
    queued or running for the same thing."""
    params = {}
    title = "重新计算培训预防效果"
    if choice is not None:
        params = {
            "region_key": region_key_of(actor),
            "year": choice["year"],
            "threshold": str(choice["threshold"]),
            "exclude_key": choice["exclude_key"],
        }
        title = f"计算 {choice['year']} 年培训预防效果（受训占比 ≥ {choice['threshold']}%）"
    with transaction.atomic():
        existing = Job.objects.select_for_update().filter(kind=EFFECT_REFRESH, status__in=ACTIVE)
        for job in existing:
            if job.params == params:
                return job
        return job_start(kind=EFFECT_REFRESH, title=title, actor=actor, params=params)


def effect_stale(*, stamp: tuple) -> bool:
    """Whether new statistics or completions arrived since the results were stored (the cheap
    check the page makes: the two newest ids)."""
    last = Job.objects.filter(kind=EFFECT_REFRESH, status=JobStatus.SUCCEEDED, params={}).order_by("-finished_at")
    row = last.values_list("result", flat=True).first()
    return row is None or tuple(row.get("stamp", ())) != tuple(stamp)


# --- The schedule ---------------------------------------------------------------------------


def system_actor() -> User | None:
    """Whom scheduled work is recorded as started by: the programme owner's first account."""
    return User.objects.filter(is_active=True, roles__role=Role.PROGRAMME_OWNER).order_by("pk").first()


def effect_due(now: datetime.datetime) -> str | None:
    """Due once per state of the records (their fingerprint), when there are statistics."""
    if not InjuryStatistic.objects.exists():
        return None
    return f"effect:{effect_fingerprint()[:32]}"


@schedule(EFFECT_REFRESH, due=effect_due)
def effect_refresh_scheduled(period: str) -> Job | None:
    actor = system_actor()
    if actor is None:
        return None
    return effect_refresh_start(actor=actor)
