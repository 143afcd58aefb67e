"""The prevention-effect page as each role sees it, and its export."""

import io

from django.urls import reverse
from openpyxl import load_workbook

from .factories import EnterpriseBuilder, effect_page

URL = reverse("insight:effect")


def _client(client, user):
    client.force_login(user)
    return client


def _export(client, params: dict, capture) -> bytes:
    """Starts the export job from the page's button and downloads what it made."""
    from yufang.core.models import Job

    with capture(execute=True):
        started = client.post(URL + "?" + "&".join(f"{k}={v}" for k, v in params.items()))
    assert started.status_code == 302 and "/jobs/" in started["Location"], started
    job = Job.objects.get(pk=int(started["Location"].rstrip("/").rsplit("/", 1)[1]))
    assert job.status == "succeeded", (job.status, job.message)
    return b"".join(client.get(job.result_url).streaming_content)


def test_officials_see_the_planted_effect_with_the_enterprises_behind_it(world, client):
    EnterpriseBuilder(world)(8)
    response = effect_page(_client(client, world.users["owner"]), {"year": 2023, "threshold": "10"})
    assert response.status_code == 200
    effect = response.context["effect"]
    assert effect.counts["trained"] == 4 and effect.counts["control"] == 4
    overall = effect.result.overall
    assert round(overall.rate.estimate, 6) == -50.0
    assert round(overall.loss.estimate, 6) == -25.0
    body = response.content.decode()
    assert "不是因果证明" in body and "向均值回归" in body and "样本少" in body
    assert 'data-testid="industry-row"' in body


def test_a_higher_threshold_moves_enterprises_out_of_the_trained_group(world, client):
    EnterpriseBuilder(world)(4)
    response = effect_page(_client(client, world.users["agency"]), {"year": 2023, "threshold": "50"})
    counts = response.context["effect"].counts
    assert counts["trained"] == 0 and counts["partial"] == 2 and counts["control"] == 2


def test_a_district_sees_its_own_enterprises_only(world, client, django_capture_on_commit_callbacks):
    EnterpriseBuilder(world)(8)
    response = effect_page(_client(client, world.users["district_a"]))
    effect = response.context["effect"]
    assert effect.counts["enterprises"] == 4
    assert "（张店区）" in response.content.decode()
    export = _export(client, {"year": 2023, "threshold": "10"}, django_capture_on_commit_callbacks)
    regions = {r[1] for r in load_workbook(io.BytesIO(export))["企业明细"].iter_rows(min_row=2, values_only=True)}
    assert regions == {"张店区"}


def test_partners_see_the_figures_and_others_are_refused(world, client):
    EnterpriseBuilder(world)(4)
    assert _client(client, world.users["partner"]).get(URL).status_code == 200
    for key in ("provider_a", "enterprise_a", "trainee_a"):
        client.force_login(world.users[key])
        assert client.get(URL).status_code == 403, key


def test_the_export_holds_the_estimate_and_every_enterprise(world, client, django_capture_on_commit_callbacks):
    builder = EnterpriseBuilder(world)
    builder(4)
    effect_page(_client(client, world.users["owner"]))
    wb = load_workbook(
        io.BytesIO(_export(client, {"year": 2023, "threshold": "10"}, django_capture_on_commit_callbacks))
    )
    assert wb.sheetnames == ["差异中的差异", "企业明细"]
    estimate_rows = [r for r in wb["差异中的差异"].iter_rows(values_only=True) if r and r[0] == "全部行业"]
    assert estimate_rows[0][1:3] == (2, 2) and estimate_rows[0][8] == -50.0
    names = {r[0] for r in wb["企业明细"].iter_rows(min_row=2, values_only=True)}
    assert names == {o.name for o in builder.made}


def test_without_statistics_around_a_year_the_page_says_so(world, client):
    response = effect_page(_client(client, world.users["owner"]))
    assert response.status_code == 200
    assert 'data-testid="no-years"' in response.content.decode()


def test_key_enterprises_can_be_left_out(world, client):
    from yufang.enterprises import services

    builder = EnterpriseBuilder(world)
    builder(4)
    services.key_mark(
        actor=world.users["agency"], enterprise=builder.made[0], year=2023, reason="事故率高，确定为重点企业"
    )
    client.force_login(world.users["owner"])
    counts = effect_page(client, {"year": 2023, "threshold": "10"}).context["effect"].counts
    assert counts["trained"] == 2 and counts["key_trained"] == 1
    counts = effect_page(client, {"year": 2023, "threshold": "10", "exclude_key": "on"}).context["effect"].counts
    assert counts["trained"] == 1 and counts["key_trained"] == 0 and counts["enterprises"] == 3


def test_a_threshold_out_of_range_is_refused_beside_the_field(world, client):
    EnterpriseBuilder(world)(2)
    client.force_login(world.users["owner"])
    response = effect_page(client, {"year": 2023, "threshold": "150"})
    assert response.context["effect"] is None
    assert "invalid-feedback" in response.content.decode()


def test_the_export_is_made_in_the_background_for_its_starter_only(world, client, django_capture_on_commit_callbacks):
    """A GET never starts it; the workbook is downloaded only by whoever started the job."""
    from yufang.core.models import Job

    EnterpriseBuilder(world)(4)
    effect_page(_client(client, world.users["owner"]))
    assert client.get(URL, {"year": 2023, "threshold": "10", "export": "xlsx"})["Content-Type"].startswith("text/html")
    _export(client, {"year": 2023, "threshold": "10"}, django_capture_on_commit_callbacks)
    job = Job.objects.get(kind="insight.effect_export")
    for key in ("agency", "district_a", "enterprise_a"):
        client.force_login(world.users[key])
        assert client.get(job.result_url).status_code == 404, key
