"""Reference data shipped with the platform: national industries and positions, and the city
named by YUFANG_CITY_CODE (data/city-<code>.json). Used by the data migration, so it takes the
historical models from `apps`."""

import json
import os
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"


def city_code() -> str:
    return os.environ.get("YUFANG_CITY_CODE", "370300")


def load_reference(apps) -> None:
    Industry = apps.get_model("reference", "Industry")
    Position = apps.get_model("reference", "Position")
    City = apps.get_model("reference", "City")
    Region = apps.get_model("reference", "Region")

    for row in json.loads((DATA / "industries.json").read_text("utf-8")):
        Industry.objects.update_or_create(code=row["code"], defaults=row)
    for row in json.loads((DATA / "positions.json").read_text("utf-8")):
        Position.objects.update_or_create(code=row["code"], defaults=row)

    path = DATA / f"city-{city_code()}.json"
    if not path.exists():
        return
    data = json.loads(path.read_text("utf-8"))
    city, _ = City.objects.update_or_create(
        code=data["code"], defaults={"name": data["name"], "province": data["province"]}
    )
    for order, row in enumerate(data["regions"], start=1):
        Region.objects.update_or_create(
            city=city,
            name=row["name"],
            defaults={"code": row["code"], "kind": row["kind"], "sort_order": order * 10},
        )
