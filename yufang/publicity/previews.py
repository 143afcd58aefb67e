"""Previews of evidence: a small JPEG of an image, of a PDF's first page (PDFium, through
pypdfium2) or of a video's poster frame (the ffmpeg binary the imageio-ffmpeg wheel ships).
Made once when the file is uploaded and kept beside it; a file no preview can be made of (a
corrupt or truncated one) gets the reason in words instead, never an error page. The preview
carries no EXIF: the photo's place is shown on the page only to those who see the evidence."""

import io
import shutil
import subprocess
import tempfile
from dataclasses import dataclass

from django.core.files.base import ContentFile

BOX = (480, 480)  # the preview fits in this box; the page shows it smaller, sharp on dense screens
QUALITY = 80
FRAME_AT = "1"  # seconds into the video: past a fade-in from black, within the shortest clip
FFMPEG_SECONDS = 30
# Beyond this many pixels an image that cannot be decoded at a reduced scale (only JPEG can) would
# take hundreds of megabytes to preview.
MAX_PIXELS = 40_000_000


class PreviewFailed(Exception):
    """No preview can be made; the message says why, in words for the page."""


@dataclass(frozen=True)
class Preview:
    content: bytes = b""
    problem: str = ""


def _jpeg(image) -> bytes:
    from PIL import Image, ImageOps

    image = ImageOps.exif_transpose(image)
    if image.mode not in ("RGB", "L"):
        rgba = image.convert("RGBA")
        image = Image.new("RGB", rgba.size, "white")
        image.paste(rgba, mask=rgba.getchannel("A"))
    image.thumbnail(BOX)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=QUALITY, optimize=True)
    return out.getvalue()


def _from_image(file) -> bytes:
    from PIL import Image

    with Image.open(file) as image:
        if image.width * image.height > MAX_PIXELS and image.format != "JPEG":
            raise PreviewFailed(f"图片尺寸过大（{image.width}×{image.height}），不生成预览，请下载查看。")
        image.draft("RGB", BOX)  # JPEG: decode at a reduced scale, much faster for big photos
        image.load()
        return _jpeg(image)


def _from_pdf(file) -> bytes:
    import pypdfium2

    pdf = pypdfium2.PdfDocument(file.read())
    try:
        if len(pdf) == 0:
            raise PreviewFailed("PDF 文件没有页面，无法生成预览。")
        page = pdf[0]
        width, height = page.get_size()
        scale = min(BOX[0] / max(width, 1), BOX[1] / max(height, 1), 2.0)
        image = page.render(scale=scale).to_pil()
        page.close()
        return _jpeg(image)
    finally:
        pdf.close()


def _ffmpeg() -> str:
    import imageio_ffmpeg

    return imageio_ffmpeg.get_ffmpeg_exe()


def _frame(path: str, at: str | None) -> bytes:
    seek = ["-ss", at] if at else []
    # The MP4 demuxer only and local files only: an uploaded file is never probed as a playlist
    # that could make ffmpeg open other files or addresses.
    result = subprocess.run(
        [_ffmpeg(), "-hide_banner", "-loglevel", "error", "-nostdin", *seek]
        + ["-f", "mov", "-protocol_whitelist", "file", "-i", path]
        + ["-frames:v", "1", "-an", "-f", "image2pipe", "-c:v", "png", "-"],
        capture_output=True,
        timeout=FFMPEG_SECONDS,
        check=False,
    )
    return result.stdout if result.returncode == 0 else b""


def _from_video(file) -> bytes:
    from PIL import Image

    with tempfile.NamedTemporaryFile(suffix=".mp4") as tmp:
        if hasattr(file, "temporary_file_path"):
            path = file.temporary_file_path()
        else:
            shutil.copyfileobj(file, tmp, 1024 * 1024)
            tmp.flush()
            path = tmp.name
        # A clip shorter than the seek point has no frame there: take its first one.
        png = _frame(path, FRAME_AT) or _frame(path, None)
    if not png:
        raise PreviewFailed("视频无法解码，无法生成封面预览（文件可能已损坏或不完整）。")
    with Image.open(io.BytesIO(png)) as image:
        image.load()
        return _jpeg(image)


MAKERS = {"image": _from_image, "pdf": _from_pdf, "video": _from_video}
FAILED = {
    "image": "图片无法解码，无法生成预览（文件可能已损坏或不完整）。",
    "pdf": "PDF 无法解析，无法生成首页预览（文件可能已损坏或加密）。",
    "video": "视频无法解码，无法生成封面预览（文件可能已损坏或不完整）。",
}


def make(file, file_type: str) -> Preview:
    """The preview of an uploaded file of a checked type, or the reason there is none. Never
    raises; leaves the file at its start."""
    try:
        file.seek(0)
        return Preview(content=MAKERS[file_type](file))
    except PreviewFailed as e:
        return Preview(problem=str(e))
    except subprocess.TimeoutExpired:
        return Preview(problem="视频封面提取超时，无法生成预览。")
    except Exception:  # noqa: BLE001 - a corrupt file must give a reason on the page, never a 500
        return Preview(problem=FAILED.get(file_type, "无法生成预览。"))
    finally:
        file.seek(0)


def attach(evidence, preview: Preview) -> None:
    """Puts the preview (or the reason for none) on the evidence row, not yet saved."""
    if preview.content:
        evidence.preview.save("preview.jpg", ContentFile(preview.content), save=False)
        evidence.preview_problem = ""
    else:
        evidence.preview_problem = preview.problem[:200] or "无法生成预览。"


def ensure(evidence) -> None:
    """Makes the preview of evidence uploaded before previews were made at upload, once: the
    preview (or its reason) is derived from the file alone, so it is cached on the row without
    an audit record."""
    if evidence.preview or evidence.preview_problem:
        return
    try:
        with evidence.file.open("rb") as handle:
            preview = make(handle, evidence.file_type)
    except FileNotFoundError:
        preview = Preview(problem="文件缺失，无法生成预览。")
    attach(evidence, preview)
    type(evidence).objects.filter(pk=evidence.pk).update(
        preview=evidence.preview.name, preview_problem=evidence.preview_problem
    )
