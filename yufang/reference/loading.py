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

    load_synonyms(apps)

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


def load_synonyms(apps) -> None:
    """The ways rosters commonly write the reference industries and positions
    (data/synonyms.json), each mapped only where the meaning is the same. Left out on purpose:
    制造业 (wider than machinery), 化工 (not every chemical plant handles hazardous chemicals),
    车间主任 (above a team leader, not a deputy), 物流. Rows the owner added or removed later are
    left as they are: only missing shipped words are added."""
    if "Synonym" not in {m.__name__ for m in apps.get_app_config("reference").get_models()}:
        return  # before the synonym table exists (the first reference migration)
    Industry = apps.get_model("reference", "Industry")
    Position = apps.get_model("reference", "Position")
    Synonym = apps.get_model("reference", "Synonym")
    data = json.loads((DATA / "synonyms.json").read_text("utf-8"))
    for code, words in data["industries"].items():
        industry = Industry.objects.filter(code=code).first()
        for word in words if industry else []:
            Synonym.objects.get_or_create(text=word, industry=industry)
    for code, words in data["positions"].items():
        position = Position.objects.filter(code=code).first()
        for word in words if position else []:
            Synonym.objects.get_or_create(text=word, position=position)
