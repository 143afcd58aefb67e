"""The evidence check: a file is what its content says (core.files.sniff), within the size
limit of its type (core.upload_limits), and of a type the deliverable's kind takes."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError

from yufang.core.files import sha256_of, sniff
from yufang.core.upload_limits import max_mb

from .models import EvidenceType

# The size limit of each evidence type (settings YUFANG_UPLOAD_MAX_MB overrides per kind).
LIMIT_OF = {EvidenceType.IMAGE: "image", EvidenceType.PDF: "document", EvidenceType.VIDEO: "video"}


@dataclass(frozen=True)
class Checked:
    file_type: str
    extension: str
    sha256: str
    size: int


def check_evidence(file, allowed: list[str]) -> Checked:
    """Refuses, in words a provider can act on, a file that is not an image, a PDF or an MP4
    by its content (whatever its name says), one of a type the kind does not take, and one
    over the limit of its type."""
    if file is None or not getattr(file, "size", 0):
        raise ValidationError("请选择要上传的文件（文件不能为空）。")
    file_type, extension = sniff(file)
    if not file_type:
        raise ValidationError(
            f"「{file.name}」的内容不是 JPG/PNG 图片、PDF 或 MP4 视频，不能作为佐证上传"
            "（按文件内容识别，修改扩展名无效）。"
        )
    label = EvidenceType(file_type).label
    if allowed and file_type not in allowed:
        accepted = "、".join(EvidenceType(t).label for t in allowed)
        raise ValidationError(f"「{file.name}」是{label}，本类成果的佐证只接受：{accepted}。")
    limit = max_mb(LIMIT_OF[file_type])
    if file.size > limit * 1024 * 1024:
        raise ValidationError(
            f"「{file.name}」超过{label}的大小上限 {limit} MB（该文件约 {file.size / 1024 / 1024:.1f} MB）。"
        )
    return Checked(file_type=file_type, extension=extension, sha256=sha256_of(file), size=file.size)
