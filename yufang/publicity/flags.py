"""Publicity's findings in the shared flag list (异常线索, training.flags): the same file used as
evidence of two deliverables, and a photo whose EXIF says it was taken outside the project's
period. Each is raised once per project and file (uploading it again finds the same flag); its
evidence names every deliverable concerned with a link, each row marked with the deliverable it
is about so that the flag page shows a provider only its own deliverables (officials see all)."""

from django.utils import timezone

from yufang.training.flags import raise_record_flag
from yufang.training.models import Flag, FlagKind, FlagSource

from .models import Deliverable, Evidence


def _local(dt) -> str:
    return timezone.localtime(dt).strftime("%Y-%m-%d %H:%M") if dt else ""


def _row(evidence: Evidence) -> dict:
    d = evidence.deliverable
    row = {
        "宣传成果": {"text": f"{d}（编号 {d.pk}）", "url": d.get_absolute_url()},
        "服务机构": d.project.provider.name,
        "项目": d.project.name,
        "佐证文件": {"text": evidence.original_name, "url": evidence.get_absolute_url()},
        "上传时间": _local(evidence.uploaded_at),
    }
    if evidence.taken_at:
        row["拍摄时间"] = _local(evidence.taken_at)
    if evidence.place:
        row["拍摄地点"] = evidence.place
    row["_record"] = f"publicity.deliverable:{d.pk}"
    return row


def _region(deliverable: Deliverable):
    """The district the deliverable addresses when it addresses exactly one; else none (the
    flag is then the programme's, seen by officials)."""
    regions = list(deliverable.regions.all()[:2])
    return regions[0] if len(regions) == 1 else None


def _merged(project, kind: str, key: str, rows: list[dict]) -> list[dict]:
    """The rows already on the flag, then the new ones about deliverables not yet on it: a
    file removed from a deliverable after the flag was raised stays in its evidence."""
    flag = Flag.objects.filter(session=None, project=project, kind=kind, key=key[:120]).first()
    kept = list(flag.evidence) if flag is not None else []
    seen = {r.get("_record") for r in kept}
    return kept + [r for r in rows if r["_record"] not in seen]


def flag_reused(evidence: Evidence) -> Flag:
    """The file of `evidence` is also evidence of another deliverable (any provider's)."""
    d = evidence.deliverable
    same = (
        Evidence.objects.filter(sha256=evidence.sha256)
        .select_related("deliverable__kind", "deliverable__project__provider")
        .order_by("pk")
    )
    key = f"sha256:{evidence.sha256}"
    rows = _merged(d.project, FlagKind.REUSED_FILE, key, [_row(e) for e in same])
    count = len({r["_record"] for r in rows})
    return raise_record_flag(
        source=FlagSource.PUBLICITY,
        project=d.project,
        kind=FlagKind.REUSED_FILE,
        key=key,
        summary=f"同一佐证文件（内容完全相同）用于 {count} 项宣传成果，包括本项目的「{d.title}」",
        evidence=rows,
        subject=str(d),
        subject_url=d.get_absolute_url(),
        region=_region(d),
    )


def project_period(project) -> tuple:
    """The project's period: from the agreement's start to its deadline (after any extension)."""
    return project.agreement.period_start, project.deadline


def taken_outside(taken_at, period: tuple) -> bool:
    return taken_at is not None and not (period[0] <= timezone.localtime(taken_at).date() <= period[1])


def outside_period(evidence: Evidence) -> tuple | None:
    """(first day, last day) of the project's period when the photo was taken outside it."""
    period = project_period(evidence.deliverable.project)
    return period if taken_outside(evidence.taken_at, period) else None


def flag_photo_outside_period(evidence: Evidence) -> Flag | None:
    """A photo whose EXIF time falls outside the agreement's start and the project's deadline
    (after any extension): the photo may be of another event or year."""
    period = outside_period(evidence)
    if period is None:
        return None
    d = evidence.deliverable
    key = f"photo:{evidence.sha256}"
    row = {**_row(evidence), "项目期": f"{period[0]:%Y-%m-%d} 至 {period[1]:%Y-%m-%d}"}
    return raise_record_flag(
        source=FlagSource.PUBLICITY,
        project=d.project,
        kind=FlagKind.PHOTO_OUTSIDE_PERIOD,
        key=key,
        # The file's name stays in the evidence: the list shows the summary, in words.
        summary=f"「{d.title}」的一张照片拍摄于 {_local(evidence.taken_at)}，"
        f"不在项目期（{period[0]:%Y-%m-%d} 至 {period[1]:%Y-%m-%d}）内",
        evidence=_merged(d.project, FlagKind.PHOTO_OUTSIDE_PERIOD, key, [row]),
        subject=str(d),
        subject_url=d.get_absolute_url(),
        region=_region(d),
    )
