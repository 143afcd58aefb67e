"""Real evidence files for the preview and EXIF tests, made here rather than shipped: JPEG
photos with EXIF time and GPS place written by Pillow, a one-page PDF drawn by reportlab and a
short H.264 MP4 encoded by the ffmpeg binary of the imageio-ffmpeg wheel."""

import datetime
import io
import subprocess
import tempfile
from functools import cache
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile

# A place in Zibo (张店区), in degrees, minutes, seconds.
ZIBO = ((36.0, 48.0, 44.0), (118.0, 3.0, 16.0))


def jpeg_bytes(
    *,
    taken: datetime.datetime | None = datetime.datetime(2023, 10, 10, 9, 30),  # noqa: DTZ001 - EXIF is wall-clock
    place=ZIBO,
    colour: str = "#1f4e79",
    size: tuple[int, int] = (800, 600),
) -> bytes:
    """A photo with the EXIF a phone writes: DateTimeOriginal, and GPS latitude and longitude."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", size, colour)
    draw = ImageDraw.Draw(image)
    draw.rectangle((size[0] // 5, size[1] // 4, size[0] // 2, size[1] * 3 // 4), fill="#f0a030")
    draw.ellipse((size[0] // 2, size[1] // 5, size[0] * 4 // 5, size[1] // 2), fill="#ffffff")
    exif = Image.Exif()
    if taken is not None:
        stamp = taken.strftime("%Y:%m:%d %H:%M:%S")
        exif[0x0132] = stamp
        exif.get_ifd(0x8769)[0x9003] = stamp
    if place is not None:
        gps = exif.get_ifd(0x8825)
        gps[1], gps[2], gps[3], gps[4] = "N", place[0], "E", place[1]
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85, exif=exif)
    return out.getvalue()


def exif_photo(name: str = "活动现场.jpg", **kwargs) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, jpeg_bytes(**kwargs), content_type="image/jpeg")


def pdf_bytes() -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    page = canvas.Canvas(out, pagesize=A4)
    page.setFillColorRGB(0.12, 0.31, 0.47)
    page.rect(60, 620, 475, 160, fill=1, stroke=0)
    page.setFont("Helvetica-Bold", 28)
    page.drawString(80, 560, "Broadcast certificate")
    page.showPage()
    page.drawString(80, 560, "Page two")
    page.showPage()
    page.save()
    return out.getvalue()


def pdf_file(name: str = "播出证明.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, pdf_bytes(), content_type="application/pdf")


@cache
def mp4_bytes() -> bytes:
    """Two seconds of a test card, H.264, made once per test process."""
    import imageio_ffmpeg

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "clip.mp4"
        subprocess.run(
            [imageio_ffmpeg.get_ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-y"]
            + ["-f", "lavfi", "-i", "testsrc2=size=320x240:rate=10:duration=2"]
            + ["-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p", str(path)],
            check=True,
            timeout=60,
        )
        return path.read_bytes()


def mp4_file(name: str = "短视频.mp4") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, mp4_bytes(), content_type="video/mp4")
