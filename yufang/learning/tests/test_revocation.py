"""An online certificate whose completion is revoked says so on its public verification page,
and the online target loses the person."""

import time

from django.urls import reverse

from yufang.learning import services
from yufang.learning.models import Certificate
from yufang.projects.tests.factories import make_project
from yufang.targets.figures import figures_recount
from yufang.targets.models import Completion, Target
from yufang.targets.services import completion_revoke
from yufang.training.flags import raise_record_flag
from yufang.training.models import FlagKind, FlagSource
from yufang.training.services import flag_transition

from .test_services import lesson_of, start, watch


def test_a_revoked_certificate_shows_revoked_when_verified(client, world, setup):
    user = world.users["trainee_a"]
    t = time.time()
    _, token = start(user, lesson_of(setup.required), t)
    watch(token, start=t, seconds=60)
    _, token = start(user, lesson_of(setup.elective), t + 100)
    watch(token, start=t + 100, seconds=36)
    attempt = services.exam_start(user=user, course=setup.elective)
    services.exam_submit(user=user, attempt=attempt, answers={str(q): "A" for q in attempt.question_ids})
    certificate = Certificate.objects.get(enrolment=setup.enrolment)
    completion = Completion.objects.get(person=setup.enrolment.person)
    assert Target.objects.get(pk=setup.target.pk).achieved == 1
    url = reverse("learning:verify_code", args=[certificate.code])
    assert 'data-testid="verified"' in client.get(url).content.decode()
    flag = raise_record_flag(
        source=FlagSource.ONLINE,
        project=make_project(world, setup.plan),
        kind=FlagKind.IMPOSSIBLE_HOURS,
        key="cert",
        summary="代学",
        evidence=[],
        subject=str(certificate),
        subject_url="",
        person=setup.enrolment.person,
    )
    flag_transition(flag=flag, action="confirm", actor=world.users["agency"], note="设备指纹一致")
    completion_revoke(
        completion=completion, reason="他人代学", evidence="设备记录", basis=flag, actor=world.users["agency"]
    )
    assert Target.objects.get(pk=setup.target.pk).achieved == 0
    assert figures_recount() == []
    page = client.get(url).content.decode()
    assert 'data-testid="revoked"' in page and 'data-testid="verified"' not in page and "已撤销" in page
    # The holder can no longer download it.
    client.force_login(user)
    assert client.get(reverse("learning:certificate_pdf", args=[certificate.pk])).status_code == 404
