"""/api/v1 reference data: categories, regions and agencies."""

from django.db.models import Q
from django.http import HttpRequest
from ninja import Query, Router, Schema
from pydantic import ConfigDict, Field

from aduan.agencies.models import Agency, Category, Region

from .schemas import AgencyOut, CategoryOut, Error, RegionOut

router = Router(tags=["reference data"])


class CategoryList(Schema):
    items: list[CategoryOut]


class RegionList(Schema):
    items: list[RegionOut]


class AgencyList(Schema):
    items: list[AgencyOut]
    next_cursor: str | None


@router.get("/categories", response=CategoryList, summary="Report categories")
def categories(request: HttpRequest):
    rows = Category.objects.filter(active=True).order_by("code")
    return {"items": [{"code": c.code, "name": c.name, "name_en": c.name_en,
                       "parent": c.parent_id, "default_level": c.default_level} for c in rows]}


class RegionQuery(Schema):
    model_config = ConfigDict(extra="forbid")
    parent: str = Field("", max_length=13, description="List the children of this code; "
                        "empty for the provinces")
    q: str = Field("", max_length=100, description="Name contains (with parent, or alone)")


@router.get("/regions", response={200: RegionList, 422: Error},
            summary="Kemendagri regions: one level at a time, or by name")
def regions(request: HttpRequest, params: Query[RegionQuery]):
    rows = Region.objects.all()
    if params.parent:
        rows = rows.filter(parent=params.parent)
    elif not params.q:
        rows = rows.filter(level=1)
    if params.q:
        rows = rows.filter(name__icontains=params.q.strip())
    rows = rows.order_by("code")[:500]
    return {"items": [{"code": r.code, "name": r.name, "level": r.level, "kind": r.kind,
                       "parent": r.parent_id} for r in rows]}


class AgencyQuery(Schema):
    model_config = ConfigDict(extra="forbid")
    region: str = Field("", max_length=13, description="Agencies of this region")
    parent: str = Field("", max_length=80, description="Children of this agency")
    q: str = Field("", max_length=100, description="Code or name contains")
    cursor: str = Field("", max_length=80)
    limit: int = Field(100, ge=1, le=500)


def agency_row(a: Agency) -> dict:
    return {"code": a.code, "name": a.name, "name_en": a.name_en, "kind": a.kind,
            "level": a.level, "region_code": a.region_id, "parent": a.parent_id}


@router.get("/agencies", response={200: AgencyList, 422: Error}, summary="Agencies")
def agencies(request: HttpRequest, params: Query[AgencyQuery]):
    rows = Agency.objects.filter(active=True)
    if params.region:
        rows = rows.filter(region=params.region)
    if params.parent:
        rows = rows.filter(parent=params.parent)
    if params.q:
        rows = rows.filter(Q(code__icontains=params.q) | Q(name__icontains=params.q))
    if params.cursor:
        rows = rows.filter(code__gt=params.cursor)
    page = list(rows.order_by("code")[:params.limit + 1])
    more = len(page) > params.limit
    page = page[:params.limit]
    return {"items": [agency_row(a) for a in page],
            "next_cursor": page[-1].code if more else None}
