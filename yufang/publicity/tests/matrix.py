"""Record makers for the publicity rows of the scoping matrix (tests/scoping_matrix.py): per side,
a publicity project of that side's provider and a short video addressed to that side's
district, with one evidence file."""

from .factories import MP4, make_video, plan_quantities, publicity_project, upload


def deliverable(world, side):
    cache = world.__dict__.setdefault("_deliverables", {})
    if side not in cache:
        project = publicity_project(world, side)
        plan_quantities(world, project, side, short_video=4)
        cache[side] = make_video(world, project, side, title=f"宣传视频{side}")
    return cache[side]


def evidence(world, side):
    from .. import services

    d = deliverable(world, side)
    return d.evidence.first() or services.evidence_add(
        deliverable=d,
        file=upload(f"视频{side}.mp4", MP4 + side.encode()),
        actor=world.users[f"provider_{side}"],
    )


# --- Reach (issue 16): per side, a video's reading, a push with its audience and one delivery
# row in that side's district, a print run's stock and a distribution to that side's district.


def _reach(world, side):
    cache = world.__dict__.setdefault("_reach", {})
    if side not in cache:
        import datetime

        from ..pushes import push_delivery_import
        from ..viewcounts import view_reading_add
        from .reach_factories import audience, distribute, make_material, make_push, reach_project

        project = reach_project(world, side)
        provider = world.users[f"provider_{side}"]
        video = make_video(world, project, side, title=f"覆盖视频{side}")
        reading = view_reading_add(
            deliverable=video, platform=f"平台{side}", read_on=datetime.date(2023, 10, 20), views=100, actor=provider
        )
        push = make_push(world, project, side, title=f"推送{side}")
        push_audience = audience(world, push, side)
        region = world.orgs[f"district_{side}"].region
        (row,) = push_delivery_import(
            deliverable=push,
            rows=[
                {
                    "row": 3,
                    "sent_on": "2023-10-12",
                    "region_id": region.pk,
                    "industry_id": None,
                    "sent": 100,
                    "delivered": 90,
                    "opened": 40,
                }
            ],
            actor=provider,
        )
        material = make_material(world, project, side, title=f"宣传册{side}")
        cache[side] = {
            "reading": reading,
            "audience": push_audience,
            "row": row,
            "stock": material.stock,
            "distribution": distribute(world, material, side),
        }
    return cache[side]


def view_reading(world, side):
    return _reach(world, side)["reading"]


def push_audience(world, side):
    return _reach(world, side)["audience"]


def push_row(world, side):
    return _reach(world, side)["row"]


def material_stock(world, side):
    return _reach(world, side)["stock"]


def distribution(world, side):
    return _reach(world, side)["distribution"]
