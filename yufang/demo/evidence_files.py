"""Small real evidence files for the publicity demo, made in code so nothing ships as a binary:
photos (JPEG with the camera's EXIF time, and place where given), videos (H.264 MP4 from the
ffmpeg that the imageio-ffmpeg wheel ships, through learning.media) and PDFs (reportlab, with
the CID font every PDF reader carries). Each call with different arguments gives different
bytes: the platform marks a file used twice, so only the demo's one reused photo may repeat."""

import colorsys
import datetime
import hashlib
import io
from fractions import Fraction

from PIL import Image, ImageDraw, ImageFont
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from yufang.learning.media import lesson_video

FONT = "STSong-Light"
EXIF_IFD, GPS_IFD = 0x8769, 0x8825
DATETIME_ORIGINAL, MAKE, MODEL, IMAGE_DESCRIPTION = 0x9003, 0x010F, 0x0110, 0x010E
# Where the demo's events happen: central Zibo (张店区).
ZIBO = (36.8131, 118.0549)


def _colour(seed: str) -> tuple[int, int, int]:
    """A distinct, calm colour for each seed."""
    hue = int(hashlib.sha256(seed.encode()).hexdigest()[:4], 16) / 0xFFFF
    r, g, b = colorsys.hsv_to_rgb(hue, 0.45, 0.75)
    return int(r * 255), int(g * 255), int(b * 255)


def _dms(value: float) -> tuple[Fraction, Fraction, Fraction]:
    degrees = int(value)
    minutes_float = (value - degrees) * 60
    minutes = int(minutes_float)
    seconds = round((minutes_float - minutes) * 60, 2)
    return Fraction(degrees), Fraction(minutes), Fraction(seconds).limit_denominator(100)


def photo(label: str, taken_at: datetime.datetime, *, place: tuple[float, float] | None = None) -> bytes:
    """A 640x360 JPEG: a coloured scene with the label (ASCII) and, in its EXIF, the camera's
    time (DateTimeOriginal) and, when given, the place (GPS latitude and longitude)."""
    image = Image.new("RGB", (640, 360), _colour(label))
    draw = ImageDraw.Draw(image)
    draw.rectangle((40, 200, 600, 330), fill=(245, 245, 240))
    draw.ellipse((480, 30, 600, 150), fill=(250, 220, 120))
    font = ImageFont.load_default(size=26)
    draw.text((60, 220), label, fill=(40, 40, 40), font=font)
    draw.text((60, 270), taken_at.strftime("%Y-%m-%d %H:%M"), fill=(90, 90, 90), font=font)
    exif = image.getexif()
    exif[MAKE] = "Canon"
    exif[MODEL] = "EOS 90D"
    exif[IMAGE_DESCRIPTION] = label
    exif.get_ifd(EXIF_IFD)[DATETIME_ORIGINAL] = taken_at.strftime("%Y:%m:%d %H:%M:%S")
    if place is not None:
        latitude, longitude = place
        gps = exif.get_ifd(GPS_IFD)
        gps.update({1: "N", 2: _dms(latitude), 3: "E", 4: _dms(longitude)})
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=80, exif=exif)
    return buffer.getvalue()


def video(seed: str, *, seconds: int = 2) -> bytes:
    """A short MP4 whose colour and tone come from the seed (so two seeds never share bytes)."""
    r, g, b = _colour(seed)
    tone = 250 + int(hashlib.sha256(seed.encode()).hexdigest()[4:8], 16) % 600
    return lesson_video(seconds=seconds, colour=f"{r:02x}{g:02x}{b:02x}", tone=tone)


def pdf(title: str, lines: list[str]) -> bytes:
    """A one-page A4 PDF: a title and lines of Chinese text (a certificate, a delivery note)."""
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=A4, invariant=1)
    page.setTitle(title)
    width, height = A4
    page.setFont(FONT, 18)
    page.drawCentredString(width / 2, height - 30 * mm, title)
    page.setFont(FONT, 11)
    y = height - 48 * mm
    for line in lines:
        page.drawString(25 * mm, y, line)
        y -= 8 * mm
    page.showPage()
    page.save()
    return buffer.getvalue()
