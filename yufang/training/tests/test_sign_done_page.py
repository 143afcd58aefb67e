"""The phone page after signing says when the session is not today instead of 签到成功
(issue 15, item 6): time outside the session's hours never counts as attendance."""

import datetime
from types import SimpleNamespace
from zoneinfo import ZoneInfo

from django.template.loader import render_to_string

SHANGHAI = ZoneInfo("Asia/Shanghai")


def _done(signed_in_at):
    start = datetime.datetime(2023, 10, 17, 9, 0, tzinfo=SHANGHAI)
    session = SimpleNamespace(starts_at=start, ends_at=start + datetime.timedelta(hours=3))
    return SimpleNamespace(
        session=session, person=SimpleNamespace(name="张三"), signed_in_at=signed_in_at, signed_out_at=None
    )


def test_sign_in_on_another_day_says_so():
    html = render_to_string(
        "training/_sign_done.html", {"done": _done(datetime.datetime(2023, 10, 20, 9, 5, tzinfo=SHANGHAI))}
    )
    assert "签到成功" not in html
    assert "不是培训日" in html and "2023-10-17 09:00" in html and "不计入出勤" in html


def test_sign_in_on_the_day_succeeds():
    html = render_to_string(
        "training/_sign_done.html", {"done": _done(datetime.datetime(2023, 10, 17, 8, 55, tzinfo=SHANGHAI))}
    )
    assert "签到成功：08:55:00" in html and "不是培训日" not in html


def test_empty_roster_does_not_say_everyone_signed_in(world, client):
    from django.urls import reverse

    from yufang.training.tests.factories import make_session

    session = make_session(world)
    client.force_login(world.users["provider_a"])
    board = client.get(reverse("training:session_board", args=[session.pk])).content.decode()
    assert "花名册为空" in board and "均已签到" not in board
