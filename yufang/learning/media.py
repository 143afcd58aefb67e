"""Generated lesson videos for the demo and the tests: H.264 mp4 made by the ffmpeg binary that
the imageio-ffmpeg wheel ships (nothing is downloaded at run time). Each distinct video is
encoded once per machine and kept in a cache folder."""

import hashlib
import os
import subprocess
from pathlib import Path

from django.conf import settings


def _ffmpeg() -> str:
    import imageio_ffmpeg

    return imageio_ffmpeg.get_ffmpeg_exe()


def lesson_video(*, seconds: int, colour: str = "1f4e79", tone: int = 330) -> bytes:
    """A plain animated video of the given length: a coloured ground with a moving test card
    and a quiet tone (a stand-in for a recorded lecture)."""
    key = hashlib.sha256(f"v1|{seconds}|{colour}|{tone}".encode()).hexdigest()[:16]
    cache = Path(settings.VAR_DIR) / "cache" / "videos"
    cache.mkdir(parents=True, exist_ok=True)
    path = cache / f"{key}.mp4"
    if not path.exists():
        # Unique per process: parallel test workers may make the same video at once.
        tmp = path.with_suffix(f".{os.getpid()}.tmp.mp4")
        subprocess.run(
            [
                _ffmpeg(),
                "-hide_banner",
                "-loglevel",
                "error",
                "-y",
                "-f",
                "lavfi",
                "-i",
                f"color=c=0x{colour}:size=426x240:rate=5:duration={seconds}",
                "-f",
                "lavfi",
                "-i",
                f"testsrc2=size=96x54:rate=5:duration={seconds}",
                "-f",
                "lavfi",
                "-i",
                f"sine=frequency={tone}:duration={seconds}:sample_rate=16000",
                "-filter_complex",
                "[0][1]overlay=x='mod(t*24,W-w)':y='(H-h)/2+40*sin(t/3)'[v]",
                "-map",
                "[v]",
                "-map",
                "2",
                "-c:v",
                "libx264",
                "-preset",
                "veryfast",
                "-crf",
                "32",
                "-pix_fmt",
                "yuv420p",
                "-g",
                "50",
                "-c:a",
                "aac",
                "-b:a",
                "16k",
                "-movflags",
                "+faststart",
                str(tmp),
            ],
            check=True,
            timeout=120,
        )
        tmp.replace(path)
    return path.read_bytes()
