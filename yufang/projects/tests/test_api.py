"""The API walks the same services with the same rules and scoping."""

import json

from yufang.projects.models import PaymentStatus, ProjectStatus

from .factories import make_project

S = ProjectStatus


def _post(client, url, data):
    return client.post(url, json.dumps(data, default=str), content_type="application/json")


def test_api_advance_before_approval_is_refused_then_paid_through_the_workflow(world, client):
    project = make_project(world, status=S.UNDER_REVIEW)
    client.force_login(world.users["provider_a"])
    refused = _post(client, f"/api/v1/projects/{project.pk}/payments", {"kind": "advance"})
    assert refused.status_code == 422 and "预付款须在实施方案批准后" in refused.json()["detail"]
    client.force_login(world.users["agency"])
    approved = _post(client, f"/api/v1/projects/{project.pk}/transitions", {"action": "approve_plan"})
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    client.force_login(world.users["provider_a"])
    created = _post(client, f"/api/v1/projects/{project.pk}/payments", {"kind": "advance"})
    assert created.status_code == 201 and created.json()["amount"] == "30000.00"
    pk = created.json()["id"]
    client.force_login(world.users["agency"])
    assert _post(client, f"/api/v1/projects/payments/{pk}/transitions", {"action": "review"}).status_code == 200
    assert _post(client, f"/api/v1/projects/payments/{pk}/transitions", {"action": "approve"}).status_code == 403
    client.force_login(world.owner)
    assert _post(client, f"/api/v1/projects/payments/{pk}/transitions", {"action": "approve"}).status_code == 200
    client.force_login(world.users["agency"])
    paid = _post(
        client,
        f"/api/v1/projects/payments/{pk}/transitions",
        {"action": "pay", "voucher_number": "PZ-API-1", "paid_on": "2024-01-03"},
    )
    assert paid.status_code == 200 and paid.json()["status"] == PaymentStatus.PAID


def test_api_reports_list_and_extension_request(world, client):
    project = make_project(world, status=S.IN_PROGRESS)
    client.force_login(world.users["provider_a"])
    listing = client.get("/api/v1/projects/reports")
    assert listing.status_code == 200 and listing.json()["count"] == 4
    bad = _post(
        client,
        f"/api/v1/projects/{project.pk}/transitions",
        {"action": "request_extension", "reason": "天气", "new_deadline": "2023-12-01"},
    )
    assert bad.status_code == 422 and "须晚于现完成时限" in bad.json()["detail"]
    ok = _post(
        client,
        f"/api/v1/projects/{project.pk}/transitions",
        {"action": "request_extension", "reason": "天气", "new_deadline": "2024-01-31"},
    )
    assert ok.json()["status"] == "extension_requested"
    client.force_login(world.users["provider_b"])
    assert client.get(f"/api/v1/projects/{project.pk}").status_code == 404
    assert client.get("/api/v1/projects/reports").json()["count"] == 0
