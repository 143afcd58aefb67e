"""Reads of the knowledge quiz: competitions a user sees, and the boards (people, enterprises,
districts), each computed from the participants' counted results in a few grouped queries, and
recounted from the raw papers by `boards_recount` (the bench and the tests compare the two)."""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q, QuerySet, Sum

from yufang.accounts.models import Organisation, OrganisationKind
from yufang.core.scoping import scoped
from yufang.enterprises.models import EnterpriseProfile
from yufang.reference.models import Region

from .models import Competition, Counting, Paper, Participant, Round

OTHER = "其他企业"
RANKING = ("-score", "answer_ms", "counted_at", "pk")


def mask_name(name: str) -> str:
    """张三明 -> 张*明, 张三 -> 张*, 欧阳小明 -> 欧**明."""
    name = name or ""
    if len(name) <= 1:
        return name
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


def enterprise_for_code(credit_code: str) -> Organisation | None:
    code = (credit_code or "").strip().upper()
    if not code:
        return None
    return Organisation.objects.filter(kind=OrganisationKind.ENTERPRISE, is_active=True, credit_code=code).first()


def current_round(competition: Competition, moment) -> Round | None:
    """The round open at `moment` (none between rounds)."""
    return next((r for r in competition.rounds.all() if r.opens_at <= moment < r.closes_at), None)


def competition_list(user) -> QuerySet[Competition]:
    return scoped(user, Competition).select_related("plan", "project").order_by("-plan__year", "-pk")


def _rate(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _avg(value) -> Decimal | None:
    return None if value is None else Decimal(str(value)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass
class PersonRow:
    rank: int
    name: str
    id_masked: str
    enterprise: str
    region: str
    score: int
    seconds: Decimal
    counted_at: object
    award: str = ""


def ranked(competition: Competition, participants: QuerySet[Participant] | None = None):
    qs = participants if participants is not None else Participant.objects.filter(competition=competition)
    return qs.filter(score__isnull=False).order_by(*RANKING)


def people_board(competition: Competition, *, limit: int = 20, masked: bool = True, qs=None) -> list[PersonRow]:
    """The top `limit` by the tie-break (score, then answering time, then submission time), with
    the award each place earns; names masked as 张*明 unless the viewer sees them in full."""
    rows = (
        ranked(competition, qs)
        .select_related("enterprise", "region")
        .only("name", "id_masked", "score", "answer_ms", "counted_at", "enterprise__name", "region__name")
    )
    if limit:
        rows = rows[:limit]
    result = []
    for rank, p in enumerate(rows, start=1):
        result.append(
            PersonRow(
                rank=rank,
                name=mask_name(p.name) if masked else p.name,
                id_masked=p.id_masked,
                enterprise=p.enterprise.name if p.enterprise else f"{OTHER}（{p.region.name}）",
                region=p.region.name,
                score=p.score,
                seconds=(Decimal(p.answer_ms) / 1000).quantize(Decimal("0.1")),
                counted_at=p.counted_at,
            )
        )
    _awards(competition, result)
    return result


def _awards(competition: Competition, rows: list[PersonRow]) -> None:
    """Awards by rank order: each award takes its places from those not yet awarded whose score
    reaches its line."""
    position = 0
    for award in competition.awards:
        given = 0
        while position < len(rows) and given < award["places"]:
            if rows[position].score < award["min_score"]:
                return
            rows[position].award = award["name"]
            position += 1
            given += 1


def award_list(competition: Competition) -> list[PersonRow]:
    places = sum(a["places"] for a in competition.awards)
    return [r for r in people_board(competition, limit=places, masked=False) if r.award]


@dataclass
class EnterpriseRow:
    enterprise_id: int | None
    name: str
    region: str
    participants: int
    insured: int
    rate: Decimal | None
    avg_score: Decimal | None
    reached: bool


def enterprise_board(competition: Competition, *, qs=None) -> list[EnterpriseRow]:
    """Per enterprise (and per district's 其他企业): participants, rate = participants ÷ insured
    headcount, average counted score; ordered by participants."""
    base = qs if qs is not None else Participant.objects.filter(competition=competition)
    grouped = (
        base.values("enterprise_id", "region_id")
        .annotate(n=Count("pk"), total=Sum("score"), scored=Count("pk", filter=Q(score__isnull=False)))
        .order_by()
    )
    grouped = list(grouped)
    ids = {g["enterprise_id"] for g in grouped if g["enterprise_id"]}
    names = dict(Organisation.objects.filter(pk__in=ids).values_list("pk", "name"))
    insured = dict(
        EnterpriseProfile.objects.filter(organisation_id__in=ids).values_list("organisation_id", "insured_headcount")
    )
    regions = dict(Region.objects.values_list("pk", "name"))
    merged: dict = {}
    for g in grouped:
        key = g["enterprise_id"] or ("other", g["region_id"])
        row = merged.setdefault(key, {"n": 0, "sum": 0, "scored": 0, "region_id": g["region_id"]})
        row["n"] += g["n"]
        row["sum"] += g["total"] or 0
        row["scored"] += g["scored"]
    rows = []
    for key, row in merged.items():
        eid = key if isinstance(key, int) else None
        head = insured.get(eid, 0) if eid else 0
        rows.append(
            EnterpriseRow(
                enterprise_id=eid,
                name=names.get(eid, "") if eid else f"{OTHER}（{regions.get(row['region_id'], '')}）",
                region=regions.get(row["region_id"], ""),
                participants=row["n"],
                insured=head,
                rate=_rate(row["n"], head),
                avg_score=_avg(Decimal(row["sum"]) / row["scored"]) if row["scored"] else None,
                reached=bool(eid) and row["n"] >= competition.reach_participants,
            )
        )
    rows.sort(key=lambda r: (-r.participants, r.name))
    return rows


@dataclass
class DistrictRow:
    region_id: int
    name: str
    enterprises_reached: int
    enterprises_taking_part: int
    participants: int
    insured: int
    rate: Decimal | None


def district_board(competition: Competition, *, qs=None) -> list[DistrictRow]:
    """Per district of the plan's city: enterprises reached (at least the competition's number of
    participants), enterprises taking part, participants, rate = participants ÷ the insured
    headcount of the district's registered enterprises."""
    enterprises = enterprise_board(competition, qs=qs)
    insured = dict(
        EnterpriseProfile.objects.filter(organisation__region__city_id=competition.plan.city_id)
        .values("organisation__region_id")
        .annotate(total=Sum("insured_headcount"))
        .values_list("organisation__region_id", "total")
    )
    rows = []
    for region in Region.objects.filter(city_id=competition.plan.city_id).order_by("sort_order", "pk"):
        mine = [e for e in enterprises if e.region == region.name]
        n = sum(e.participants for e in mine)
        rows.append(
            DistrictRow(
                region_id=region.pk,
                name=region.name,
                enterprises_reached=sum(1 for e in mine if e.reached),
                enterprises_taking_part=sum(1 for e in mine if e.enterprise_id),
                participants=n,
                insured=insured.get(region.pk, 0) or 0,
                rate=_rate(n, insured.get(region.pk, 0) or 0),
            )
        )
    return rows


def totals(competition: Competition, *, qs=None) -> dict:
    base = qs if qs is not None else Participant.objects.filter(competition=competition)
    agg = base.aggregate(n=Count("pk"), scored=Count("pk", filter=Q(score__isnull=False)))
    reached = (
        base.exclude(enterprise=None)
        .values("enterprise_id")
        .annotate(n=Count("pk"))
        .filter(n__gte=competition.reach_participants)
        .count()
    )
    papers = Paper.objects.filter(participant__in=base, submitted_at__isnull=False).count()
    return {"participants": agg["n"], "scored": agg["scored"], "reached": reached, "papers": papers}


def participants_seen(user, competition: Competition) -> QuerySet[Participant]:
    """The participants whose rows a user sees in full: officials and the running provider all
    of them, a district its district's, an enterprise its own staff, a trainee themselves."""
    return scoped(user, Participant).filter(competition=competition)


def counted_from_papers(competition: Competition) -> dict[int, tuple[int, int, object, int]]:
    """Each participant's counted result recomputed from their submitted papers alone:
    participant -> (score, answer ms, submitted at, papers)."""
    result: dict[int, tuple] = {}
    papers = (
        Paper.objects.filter(participant__competition=competition, submitted_at__isnull=False)
        .order_by("submitted_at", "pk")
        .values_list("participant_id", "score", "answer_ms", "submitted_at")
    )
    for pid, score, ms, at in papers.iterator(chunk_size=5000):
        held = result.get(pid)
        if held is None:
            result[pid] = (score, ms, at, 1)
            continue
        n = held[3] + 1
        if competition.counting == Counting.BEST and (score, -ms) > (held[0], -held[1]):
            result[pid] = (score, ms, at, n)
        else:
            result[pid] = (*held[:3], n)
    return result


def boards_recount(competition: Competition) -> list[str]:
    """Differences between the maintained counted results (what every board reads) and a recount
    from the raw papers; an empty list when they agree."""
    expected = counted_from_papers(competition)
    problems = []
    for pid, score, ms, at, papers in Participant.objects.filter(competition=competition).values_list(
        "pk", "score", "answer_ms", "counted_at", "papers"
    ):
        want = expected.get(pid)
        got = (score, ms, at, papers) if score is not None else None
        if want != got:
            problems.append(f"参与者 {pid}：记为 {got}，按试卷应为 {want}")
    return problems
