"""The kinds of publicity deliverable the 2023 plan pays for (seed 三（一）, 附件 工伤预防宣传):
the broadcaster's 线性宣传课堂, short videos, targeted pushes on the 5G 智媒 platform, printed
materials and events such as the launch ceremony. Loaded by a data migration (and again by the
tests after a flush removed the migration's rows); the programme owner edits them afterwards."""


def field(name, label, kind="text", required=True, choices=()):
    return {"name": name, "label": label, "type": kind, "required": required, "choices": list(choices)}


KINDS = [
    {
        "code": "broadcast",
        "name": "广播电视节目",
        "unit": "期",
        "indicator_kind": "broadcasts",
        "fields": [
            field("channel", "频道"),
            field("programme", "栏目"),
            field("aired_at", "播出时间", "datetime"),
            field("duration_minutes", "时长（分钟）", "int"),
            field("topic", "主题"),
        ],
        "evidence_types": ["video", "image", "pdf"],
        "evidence_note": "节目录像（MP4）、播出截图或电视台出具的播出证明",
        "evidence_min": 1,
        "sort_order": 10,
    },
    {
        "code": "short_video",
        "name": "宣传短视频",
        "unit": "部",
        "indicator_kind": "videos",
        "fields": [
            field("topic", "题材", "choice", choices=("政策", "知识", "事故案例")),
            field("duration_seconds", "时长（秒）", "int"),
            field("platform", "发布平台"),
            field("link", "发布链接", "url"),
        ],
        "evidence_types": ["video", "image"],
        "evidence_note": "视频文件（MP4），可附发布页面截图",
        "evidence_min": 1,
        "sort_order": 20,
    },
    {
        "code": "targeted_push",
        "name": "定向推送",
        "unit": "次",
        "indicator_kind": "broadcasts",
        "fields": [
            field("platform", "推送平台"),
            field("content", "推送内容摘要", "textarea", required=False),
        ],
        "evidence_types": ["image", "pdf"],
        "evidence_note": "推送内容截图或运营商出具的推送证明",
        "evidence_min": 1,
        "sort_order": 30,
    },
    {
        "code": "printed_material",
        "name": "宣传资料",
        "unit": "份",
        "indicator_kind": "materials",
        "fields": [
            field("item", "品名"),
            field("spec", "规格", required=False),
        ],
        "evidence_types": ["image", "pdf"],
        "evidence_note": "实物照片和到货验收单",
        "evidence_min": 1,
        "sort_order": 40,
    },
    {
        "code": "event",
        "name": "宣传活动",
        "unit": "场",
        "indicator_kind": "events",
        "fields": [
            field("place", "地点"),
            field("organisers", "主办单位"),
            field("attendance", "参加人数", "int"),
        ],
        "evidence_types": ["image", "pdf", "video"],
        "evidence_note": "活动现场照片",
        "evidence_min": 1,
        "sort_order": 50,
    },
]


# The push's audience and planned reach, and a print run's ordered and received quantities, are
# records of their own (PushAudience, MaterialStock) with database checks, not free fields.
MOVED_TO_RECORDS = {
    "targeted_push": ("audience", "audience_detail", "planned_reach"),
    "printed_material": ("ordered", "received"),
}


def drop_moved_fields(apps) -> None:
    DeliverableKind = apps.get_model("publicity", "DeliverableKind")
    for code, names in MOVED_TO_RECORDS.items():
        kind = DeliverableKind.objects.filter(code=code).first()
        if kind is not None and any(f["name"] in names for f in kind.fields):
            kind.fields = [f for f in kind.fields if f["name"] not in names]
            kind.save(update_fields=["fields"])


def load_default_kinds(apps) -> None:
    """Adds the default kinds that are missing; a kind the owner has edited is left as it is."""
    DeliverableKind = apps.get_model("publicity", "DeliverableKind")
    for data in KINDS:
        DeliverableKind.objects.get_or_create(code=data["code"], defaults=data)
