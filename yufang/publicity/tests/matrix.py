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
