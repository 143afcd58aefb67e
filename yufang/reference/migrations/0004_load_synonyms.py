"""The ways rosters commonly write the reference industries and positions, each mapped only
where the meaning is the same. Left out on purpose: 制造业 (wider than machinery), 化工 (not every
chemical plant handles hazardous chemicals), 车间主任 (above a team leader, not a deputy), 物流."""

from django.db import migrations

INDUSTRIES = {
    "hazchem": ["危化", "危化品", "危险化学品行业", "危险化学品企业"],
    "construction": ["建筑", "建筑业", "建筑施工业", "建筑工程", "建设工程施工"],
    "machinery": ["机械", "机械制造业", "机械加工", "机械加工制造"],
    "transport": ["运输", "交通运输业", "道路运输", "道路运输业", "道路交通运输"],
    "express": ["快递", "快递业", "即时配送", "外卖配送", "同城配送"],
}
POSITIONS = {
    "team_leader": ["班组长", "班长", "组长", "一线班长", "生产班组长"],
    "safety_head": ["安全科长", "安全部长", "安全部经理", "安全管理部门经理", "安环部部长", "安全科科长"],
    "deputy": ["分管安全负责人", "分管安全副总经理", "分管安全副总", "分管安全副厂长"],
    "principal": ["法定代表人", "董事长", "总经理"],
    "worker": ["员工", "职工", "工人", "从业人员", "操作工", "骑手", "快递员", "外卖员", "配送员", "安全员"],
}


def load(apps, schema_editor):
    Industry = apps.get_model("reference", "Industry")
    Position = apps.get_model("reference", "Position")
    Synonym = apps.get_model("reference", "Synonym")
    for code, words in INDUSTRIES.items():
        industry = Industry.objects.filter(code=code).first()
        for word in words if industry else []:
            Synonym.objects.get_or_create(text=word, industry=industry)
    for code, words in POSITIONS.items():
        position = Position.objects.filter(code=code).first()
        for word in words if position else []:
            Synonym.objects.get_or_create(text=word, position=position)


def unload(apps, schema_editor):
    apps.get_model("reference", "Synonym").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("reference", "0003_synonym")]
    operations = [migrations.RunPython(load, unload)]
