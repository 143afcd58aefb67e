"""Reach test data through the real services: a push with its audience, a print run with its
stock and distributions, a video's readings, and delivery reports as .xlsx files."""

import datetime
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from .. import services
from ..distribution import distribution_record, material_stock_save
from ..pushes import push_audience_save
from .factories import JPEG, PDF, kind, make_video, plan_quantities, publicity_project, upload

DAY = datetime.date(2023, 10, 12)


def reach_project(world, side="a"):
    project = publicity_project(world, side)
    plan_quantities(world, project, side, short_video=4, targeted_push=2, printed_material=5000, event=1)
    return project


def make_push(world, project, side="a", *, title="安全生产月定向推送", regions=None):
    return services.deliverable_create(
        project=project,
        kind=kind("targeted_push"),
        data={"title": title, "quantity": 1, "delivered_on": DAY, "details": {"platform": "5G 智媒平台"}},
        regions=regions if regions is not None else [world.orgs[f"district_{side}"].region],
        actor=world.users[f"provider_{side}"],
    )


def make_material(world, project, side="a", *, title="工伤保险政策宣传册", ordered=3000, received=2800, regions=None):
    d = services.deliverable_create(
        project=project,
        kind=kind("printed_material"),
        data={"title": title, "quantity": ordered, "delivered_on": DAY, "details": {"item": "宣传册"}},
        regions=regions if regions is not None else [world.orgs[f"district_{side}"].region],
        actor=world.users[f"provider_{side}"],
    )
    material_stock_save(deliverable=d, ordered=ordered, received=received, actor=world.users[f"provider_{side}"])
    return d


def receipt(name="签收单.jpg", salt=b""):
    return upload(name, JPEG + salt, "image/jpeg")


def pdf_receipt(name="签收单.pdf", salt=b""):
    return upload(name, PDF + salt, "application/pdf")


def distribute(world, material, side="a", *, quantity=500, salt=b"", enterprise=None, region="own"):
    region_obj = world.orgs[f"district_{side}"].region if region == "own" else region
    return distribution_record(
        deliverable=material,
        region=None if enterprise is not None else region_obj,
        enterprise=enterprise,
        quantity=quantity,
        distributed_on=DAY,
        receipt=receipt(salt=salt or f"{material.pk}-{quantity}-{side}".encode()),
        actor=world.users[f"provider_{side}"],
    )


def audience(world, push, side="a"):
    return push_audience_save(
        deliverable=push,
        kind="districts",
        planned_reach=10000,
        districts=[world.orgs[f"district_{side}"].region],
        actor=world.users[f"provider_{side}"],
    )


def xlsx(rows, *, title_rows=(), sheet="Sheet1") -> SimpleUploadedFile:
    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    for row in [*title_rows, *rows]:
        ws.append(list(row))
    buffer = io.BytesIO()
    wb.save(buffer)
    return SimpleUploadedFile(
        "送达报告.xlsx",
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


__all__ = ["make_video"]
