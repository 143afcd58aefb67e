"""What a photo's EXIF says about it: when it was taken (DateTimeOriginal, with its offset where
the camera wrote one, else the city's local time) and where (the GPS latitude and longitude).
Read once at upload; a photo without EXIF, or with EXIF that makes no sense, simply has none."""

import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone

# EXIF tag numbers (CIPA DC-008): in IFD0, in the Exif IFD, and in the GPS IFD.
DATE_TIME = 0x0132
DATE_TIME_ORIGINAL = 0x9003
DATE_TIME_DIGITIZED = 0x9004
OFFSET_TIME_ORIGINAL = 0x9011
EXIF_IFD = 0x8769
GPS_IFD = 0x8825
GPS_LATITUDE_REF, GPS_LATITUDE, GPS_LONGITUDE_REF, GPS_LONGITUDE = 1, 2, 3, 4

SIX_PLACES = Decimal("0.000001")


@dataclass(frozen=True)
class PhotoFacts:
    taken_at: datetime.datetime | None = None
    latitude: Decimal | None = None
    longitude: Decimal | None = None


def read(file) -> PhotoFacts:
    """The photo's taken time and place; empty facts for a file that is not a readable image or
    carries no EXIF. Never raises; leaves the file at its start."""
    from PIL import Image

    try:
        file.seek(0)
        with Image.open(file) as image:
            exif = image.getexif()
            taken_at = _taken_at(exif)
            latitude, longitude = _place(exif)
    except Exception:  # noqa: BLE001 - any broken image simply has no EXIF facts
        return PhotoFacts()
    finally:
        file.seek(0)
    return PhotoFacts(taken_at=taken_at, latitude=latitude, longitude=longitude)


def _text(value) -> str:
    if isinstance(value, bytes):
        value = value.decode("ascii", "ignore")
    return str(value or "").strip().strip("\x00").strip()


def _taken_at(exif) -> datetime.datetime | None:
    details = exif.get_ifd(EXIF_IFD)
    raw = _text(details.get(DATE_TIME_ORIGINAL) or details.get(DATE_TIME_DIGITIZED) or exif.get(DATE_TIME))
    try:
        naive = datetime.datetime.strptime(raw[:19], "%Y:%m:%d %H:%M:%S")  # noqa: DTZ007 - zone follows
    except ValueError:
        return None
    offset = _text(details.get(OFFSET_TIME_ORIGINAL))
    if len(offset) == 6 and offset[0] in "+-" and offset[3] == ":":
        try:
            sign = 1 if offset[0] == "+" else -1
            delta = datetime.timedelta(hours=int(offset[1:3]), minutes=int(offset[4:6]))
            return naive.replace(tzinfo=datetime.timezone(sign * delta))
        except ValueError:
            pass
    return timezone.make_aware(naive)


def _degrees(value) -> Decimal | None:
    try:
        d, m, s = (Decimal(str(float(part))) for part in value)
    except (TypeError, ValueError, ZeroDivisionError, ArithmeticError):
        return None
    if not (0 <= m < 60 and 0 <= s < 60):
        return None
    return (d + m / 60 + s / 3600).quantize(SIX_PLACES, rounding=ROUND_HALF_UP)


def _place(exif) -> tuple[Decimal | None, Decimal | None]:
    gps = exif.get_ifd(GPS_IFD)
    if not gps:
        return None, None
    latitude, longitude = _degrees(gps.get(GPS_LATITUDE)), _degrees(gps.get(GPS_LONGITUDE))
    if latitude is None or longitude is None or latitude > 90 or longitude > 180:
        return None, None
    if latitude == 0 and longitude == 0:  # what a camera without a fix writes
        return None, None
    if _text(gps.get(GPS_LATITUDE_REF)).upper() == "S":
        latitude = -latitude
    if _text(gps.get(GPS_LONGITUDE_REF)).upper() == "W":
        longitude = -longitude
    return latitude, longitude


def _dms(value: Decimal) -> str:
    seconds = int((abs(value) * 3600).to_integral_value(rounding=ROUND_HALF_UP))
    return f"{seconds // 3600}°{seconds % 3600 // 60}′{seconds % 60}″"


def place_text(latitude: Decimal | None, longitude: Decimal | None) -> str:
    """E.g. 北纬 36°48′44″，东经 118°3′16″（36.812345, 118.054321）; "" without a place."""
    if latitude is None or longitude is None:
        return ""
    north = "北纬" if latitude >= 0 else "南纬"
    east = "东经" if longitude >= 0 else "西经"
    return f"{north} {_dms(latitude)}，{east} {_dms(longitude)}（{latitude:.6f}, {longitude:.6f}）"
