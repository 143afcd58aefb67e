"""Hostile spreadsheets against the roster check job: a 3 MB .xlsx that inflates to about 1 GB
(10 million rows), a sheet of 16,384 columns x 20,000 rows, and a CSV of a million bad rows.
Each file is checked by the real job in a child process whose peak memory (ru_maxrss) is
reported; each must end (refused with the limit in its message, or checked) within 300 MB.

    .venv/bin/python bench/hostile_files.py [--scale 1.0]

Runs on SQLite in memory (config.settings.test); --scale shrinks the files (the test suite runs
this at a small scale)."""

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

_CT = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    "</Types>"
)
_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
_WB = (
    '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
    '<sheet name="花名册" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WB_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
    "</Relationships>"
)


def _column(n: int) -> str:
    letters = ""
    while n:
        n, r = divmod(n - 1, 26)
        letters = chr(65 + r) + letters
    return letters


def write_xlsx(path: str, rows) -> None:
    """An .xlsx whose sheet is written row by row from `rows` (an iterable of XML bytes of
    whole <row> elements), deflated as it goes."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        zf.writestr("[Content_Types].xml", _CT)
        zf.writestr("_rels/.rels", _RELS)
        zf.writestr("xl/workbook.xml", _WB)
        zf.writestr("xl/_rels/workbook.xml.rels", _WB_RELS)
        with zf.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as f:
            f.write(b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>')
            for chunk in rows:
                f.write(chunk)
            f.write(b"</sheetData></worksheet>")


def _inline(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def _header_row() -> bytes:
    return ('<row r="1">' + _inline("A1", "姓名") + _inline("B1", "身份证号") + "</row>").encode()


def make_bomb(path: str, rows: int) -> None:
    """A header and `rows` identical rows: about 100 bytes each inflated, almost nothing deflated."""

    def body():
        yield _header_row()
        batch = []
        for r in range(2, rows + 2):
            batch.append(f'<row r="{r}">{_inline(f"A{r}", "张三")}{_inline(f"B{r}", "11010519491231002X")}</row>')
            if len(batch) == 10_000:
                yield "".join(batch).encode()
                batch = []
        yield "".join(batch).encode()

    write_xlsx(path, body())


def make_wide(path: str, rows: int, columns: int = 16384) -> None:
    """A header and `rows` rows of `columns` numbers each."""

    refs = [_column(c) for c in range(1, columns + 1)]

    def body():
        yield _header_row()
        for r in range(2, rows + 2):
            yield (f'<row r="{r}">' + "".join(f'<c r="{x}{r}"><v>1</v></c>' for x in refs) + "</row>").encode()

    write_xlsx(path, body())


def make_bad_csv(path: str, rows: int) -> None:
    with open(path, "w", encoding="utf-8") as f:
        f.write("姓名,身份证号\n")
        for _ in range(rows):
            f.write("x1,1\n")


def child(path: str) -> dict:
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
    os.environ.pop("DATABASE_URL", None)
    import django

    django.setup()
    from django.core.files import File
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from yufang.accounts.tests.factories import make_world
    from yufang.core.jobs import run_job
    from yufang.core.models import Job
    from yufang.training.tests.factories import make_session

    world = make_world()
    session = make_session(world)
    job = Job.objects.create(
        kind="training.roster_check",
        title="校验花名册",
        created_by=world.users["provider_a"],
        params={"session_id": session.pk, "filename": Path(path).name},
    )
    with open(path, "rb") as f:
        job.file.save(Path(path).name, File(f), save=True)
    start = time.perf_counter()
    run_job.call(job.pk)
    job.refresh_from_db()
    return {
        "status": job.status,
        "message": job.result.get("error") or job.message,
        "seconds": round(time.perf_counter() - start, 2),
        "peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "result_bytes": len(json.dumps(job.result, ensure_ascii=False)),
    }


def run(kind: str, scale: float, tmp: str) -> dict:
    if kind == "bomb":
        path = os.path.join(tmp, "bomb.xlsx")
        make_bomb(path, int(10_000_000 * scale))
    elif kind == "wide":
        path = os.path.join(tmp, "wide.xlsx")
        make_wide(path, max(2, int(20_000 * scale)))
    else:
        path = os.path.join(tmp, "bad.csv")
        make_bad_csv(path, int(1_000_000 * scale))
    size = os.path.getsize(path)
    out = subprocess.run(
        [sys.executable, __file__, "--child", path], check=True, capture_output=True, text=True, cwd=ROOT
    )
    return {"kind": kind, "file_mb": round(size / 1e6, 2), **json.loads(out.stdout.strip().splitlines()[-1])}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--child")
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child), ensure_ascii=False))
        return
    ok = True
    with tempfile.TemporaryDirectory() as tmp:
        for kind in ("bomb", "wide", "csv"):
            r = run(kind, args.scale, tmp)
            ok &= r["peak_mb"] <= 300 and r["status"] in ("failed", "succeeded")
            print(
                f"{kind}: 文件 {r['file_mb']} MB，任务{r['status']}（{r['message']}），"
                f"用时 {r['seconds']} 秒，峰值内存 {r['peak_mb']} MB，结果 {r['result_bytes']} 字节"
            )
    print("结论：" + ("达标" if ok else "未达标"))
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
