from ninja import Router, Schema

from yufang.core.scoping import scoped

from .models import City, Industry, Position, Region, RegionKind

router = Router(tags=["基础数据"])


class CityOut(Schema):
    id: int
    code: str
    name: str
    province: str


class RegionOut(Schema):
    id: int
    city_id: int
    code: str
    name: str
    kind: RegionKind
    is_active: bool


class IndustryOut(Schema):
    id: int
    code: str
    name: str
    gbt4754_codes: list[str]
    is_focus: bool
    is_new_form: bool
    is_active: bool

    @staticmethod
    def resolve_gbt4754_codes(obj) -> list[str]:
        return obj.code_list


class PositionOut(Schema):
    id: int
    code: str
    name: str
    is_key: bool
    is_active: bool


@router.get("/cities", response=list[CityOut], summary="城市")
def cities(request):
    return scoped(request.auth, City)


@router.get("/regions", response=list[RegionOut], summary="区县（功能区）")
def regions(request):
    return scoped(request.auth, Region)


@router.get("/industries", response=list[IndustryOut], summary="行业")
def industries(request):
    return scoped(request.auth, Industry)


@router.get("/positions", response=list[PositionOut], summary="岗位")
def positions(request):
    return scoped(request.auth, Position)
