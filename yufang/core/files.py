"""Uploaded files: stored under names nobody can guess, and served only through views that
check the user's right to the record that holds them (nothing serves the media folder itself).

In production the view answers with `X-Accel-Redirect` and nginx sends the file from its
`internal` location (docs/deploy.md), with range requests; elsewhere Django streams it."""

import hashlib
import mimetypes
import secrets
from pathlib import PurePosixPath
from urllib.parse import quote

from django.conf import settings
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404, HttpResponse
from django.utils.deconstruct import deconstructible


@deconstructible
class RandomName:
    """`upload_to` that keeps the folder and the extension and replaces the name with 32 random
    bytes: a name read from a log, a page or a shared link tells nothing and leads nowhere."""

    def __init__(self, folder: str):
        self.folder = folder.strip("/")

    def __call__(self, instance, filename: str) -> str:
        suffix = PurePosixPath(filename).suffix.lower()
        suffix = suffix if suffix[1:].isalnum() and len(suffix) <= 8 else ""
        return f"{self.folder}/{secrets.token_urlsafe(32)}{suffix}"

    def __eq__(self, other) -> bool:
        return isinstance(other, RandomName) and other.folder == self.folder


# Content types served inline when a view asks for it; SVG is an image that can carry script.
INLINE_TYPES = ("image/jpeg", "image/png", "image/gif", "image/webp", "application/pdf", "video/mp4")


def serve_upload(field: FieldFile, *, filename: str, inline: bool = False) -> HttpResponse:
    """The file of `field`, already authorised by the caller, named `filename` (+ its extension)."""
    if not field:
        raise Http404("未找到该文件。")
    suffix = PurePosixPath(field.name).suffix.lower()
    download_name = filename if filename.lower().endswith(suffix) else f"{filename}{suffix}"
    content_type = mimetypes.guess_type(field.name)[0] or "application/octet-stream"
    # Only what a browser shows without running it opens in the page: anything else (HTML, SVG,
    # script under an image's name) downloads, so an upload can never act as a page of this site.
    inline = inline and content_type.startswith(INLINE_TYPES)
    disposition = "inline" if inline else "attachment"
    prefix = settings.YUFANG_MEDIA_ACCEL_REDIRECT
    if prefix:
        response = HttpResponse(content_type=content_type)
        response["X-Accel-Redirect"] = prefix.rstrip("/") + "/" + quote(field.name)
        response["Content-Disposition"] = f"{disposition}; filename*=UTF-8''{quote(download_name)}"
    else:
        try:
            handle = field.open("rb")
        except FileNotFoundError:
            raise Http404("未找到该文件。") from None
        response = FileResponse(handle, as_attachment=not inline, filename=download_name, content_type=content_type)
    response["Cache-Control"] = "private, no-store"
    return response


# What a file is, read from its first bytes (never from its name): kind, the extension it is
# stored under. A renamed executable or archive matches none of these.
_SIGNATURES = (
    (lambda head: head.startswith(b"\xff\xd8\xff"), "image", ".jpg"),
    (lambda head: head.startswith(b"\x89PNG\r\n\x1a\n"), "image", ".png"),
    (lambda head: head.startswith(b"%PDF-"), "pdf", ".pdf"),
    # ISO base media (MP4): a box size, then "ftyp" and an MP4-family brand.
    (
        lambda head: head[4:8] == b"ftyp" and head[8:12] in {b"isom", b"iso2", b"mp41", b"mp42", b"avc1", b"M4V "},
        "video",
        ".mp4",
    ),
)


def sniff(file) -> tuple[str, str]:
    """(kind, extension) of an uploaded file by its content: image, pdf or video; ("", "") when
    it is none of them. Leaves the file at its start."""
    file.seek(0)
    head = file.read(16)
    file.seek(0)
    for matches, kind, extension in _SIGNATURES:
        if matches(head):
            return kind, extension
    return "", ""


def sha256_of(file) -> str:
    """The file's SHA-256, read in chunks; leaves the file at its start."""
    digest = hashlib.sha256()
    file.seek(0)
    for chunk in iter(lambda: file.read(1024 * 1024), b""):
        digest.update(chunk)
    file.seek(0)
    return digest.hexdigest()
