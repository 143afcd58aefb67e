"""/api/v1/quiz/: competitions (scoped like the pages), joining, drawing and submitting a paper
(public: a phone holds its participant key and paper token, as the pages do), and the boards:
the public sees them masked, officials and the running provider in full, a district its
district's people, an enterprise its own staff."""

import datetime
from decimal import Decimal

from ninja import Router, Schema
from ninja.pagination import paginate

from yufang.core.api import PageNumberPagination, api_user, scoped_object
from yufang.core.context import client_ip
from yufang.core.scoping import get_scoped_or_404
from yufang.core.throttle import Throttled, throttle_hit
from yufang.reference.models import Region

from . import hotpath, services
from . import permissions as may
from .models import Competition, CompetitionStatus, Participant
from .selectors import competition_list, district_board, enterprise_board, participants_seen, people_board
from .views import JOIN_PER_ADDRESS, JOIN_PER_ID, PAPER_PER_ADDRESS, PUBLIC_BOARD_ROWS

router = Router(tags=["知识竞答"])


class RoundOut(Schema):
    number: int
    name: str
    opens_at: datetime.datetime
    closes_at: datetime.datetime


class CompetitionOut(Schema):
    id: int
    plan_id: int
    project_id: int
    name: str
    status: str
    draw: list
    time_limit_seconds: int
    attempts_per_day: int
    attempts_total: int
    counting: str
    awards: list
    reach_participants: int
    rounds: list[RoundOut]

    @staticmethod
    def resolve_rounds(obj):
        return list(obj.rounds.all())


class JoinIn(Schema):
    name: str
    id_number: str
    phone: str
    credit_code: str = ""
    region_id: int | None = None


class ParticipantOut(Schema):
    participant_key: str
    name: str
    id_masked: str
    enterprise: str
    papers: int
    score: int | None


class QuestionOut(Schema):
    id: int
    kind: str
    stem: str
    options: list[str]


class PaperOut(Schema):
    token: str
    number: int
    started_at: datetime.datetime
    deadline: datetime.datetime
    questions: list[QuestionOut]


class DrawIn(Schema):
    participant_key: str


class SubmitIn(Schema):
    answers: dict[str, str]


class ResultOut(Schema):
    token: str
    score: int
    correct: int
    answer_ms: int
    late: bool
    replay: bool
    counted_score: int | None


class PersonRowOut(Schema):
    rank: int
    name: str
    enterprise: str
    region: str
    score: int
    seconds: Decimal
    award: str


class EnterpriseRowOut(Schema):
    enterprise_id: int | None
    name: str
    region: str
    participants: int
    insured: int
    rate: Decimal | None
    avg_score: Decimal | None
    reached: bool


class DistrictRowOut(Schema):
    region_id: int
    name: str
    enterprises_reached: int
    enterprises_taking_part: int
    participants: int
    insured: int
    rate: Decimal | None


@router.get("/competitions", response=list[CompetitionOut], summary="知识竞答列表")
@paginate(PageNumberPagination)
def competitions(request):
    return competition_list(request.auth).prefetch_related("rounds")


@router.get("/competitions/{int:pk}", response=CompetitionOut, summary="知识竞答")
def competition(request, pk: int):
    return scoped_object(request, Competition.objects.prefetch_related("rounds"), pk=pk)


def _public(pk: int) -> Competition:
    from django.http import Http404

    found = (
        Competition.objects.select_related("plan")
        .filter(pk=pk, status__in=[CompetitionStatus.PUBLISHED, CompetitionStatus.CLOSED])
        .first()
    )
    if found is None:
        raise Http404("竞答不存在或未发布。")
    return found


def _participant_out(p: Participant) -> dict:
    return {
        "participant_key": p.key,
        "name": p.name,
        "id_masked": p.id_masked,
        "enterprise": p.enterprise.name if p.enterprise else f"其他企业（{p.region.name}）",
        "papers": p.papers,
        "score": p.score,
    }


@router.post("/competitions/{int:pk}/join", response=ParticipantOut, auth=None, summary="参与竞答（无需登录）")
def join(request, pk: int, payload: JoinIn):
    competition = _public(pk)
    limit, window = JOIN_PER_ADDRESS
    if not throttle_hit(scope="quiz-join-ip", key=client_ip.get() or "", limit=limit, window=window):
        raise Throttled()
    limit, window = JOIN_PER_ID
    if not throttle_hit(scope="quiz-join-id", key=payload.id_number.strip().upper(), limit=limit, window=window):
        raise Throttled()
    region = Region.objects.filter(pk=payload.region_id).first() if payload.region_id else None
    participant = services.participant_join(
        competition=competition,
        name=payload.name,
        id_number=payload.id_number,
        phone=payload.phone,
        credit_code=payload.credit_code,
        region=region,
        ip=client_ip.get(),
    )
    return _participant_out(participant)


def draw_answer(participant_key: str, ip: str | None) -> dict:
    """What the draw endpoint answers (and the WSGI fast path, `fastpath.py`, with it)."""
    limit, window = PAPER_PER_ADDRESS
    if not throttle_hit(scope="quiz-paper-ip", key=ip or "", limit=limit, window=window):
        raise Throttled()
    return hotpath.draw(participant_key=participant_key, ip=ip).as_dict()


@router.post("/papers", response=PaperOut, auth=None, summary="抽取试卷（服务器抽题、计时）")
def draw(request, payload: DrawIn):
    return draw_answer(payload.participant_key, client_ip.get())


@router.post("/papers/{token}/submit", response=ResultOut, auth=None, summary="交卷（重复提交按首次结果答复）")
def submit(request, token: str, payload: SubmitIn):
    return hotpath.submit(token=token, answers=payload.answers).as_dict()


def _viewer(request):
    """The signed-in user (session or API token) when there is one: the boards answer the public too."""
    from yufang.accounts.api import TokenAuth

    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        # A temporary password closes the API, public answers included (issue 12, item 13).
        return api_user(user)
    return TokenAuth()(request) or None


def _board(request, pk: int):
    """(competition, participants the viewer sees in full or None for all, masked)."""
    user = _viewer(request)
    if user is None:
        return _public(pk), None, True
    competition = get_scoped_or_404(user, Competition.objects.select_related("project", "plan"), pk=pk)
    if may.sees_in_full(user, competition):
        return competition, None, False
    return competition, participants_seen(user, competition), False


@router.get("/competitions/{int:pk}/boards/people", response=list[PersonRowOut], auth=None, summary="个人榜")
def board_people(request, pk: int):
    competition, qs, masked = _board(request, pk)
    return people_board(competition, limit=PUBLIC_BOARD_ROWS if masked else 100, masked=masked, qs=qs)


@router.get("/competitions/{int:pk}/boards/enterprises", response=list[EnterpriseRowOut], auth=None, summary="企业榜")
def board_enterprises(request, pk: int):
    competition, qs, masked = _board(request, pk)
    return enterprise_board(competition, qs=qs)


@router.get("/competitions/{int:pk}/boards/districts", response=list[DistrictRowOut], auth=None, summary="区县榜")
def board_districts(request, pk: int):
    competition, qs, masked = _board(request, pk)
    return district_board(competition, qs=qs)
