"""Services (the categories of the taxonomy) and their definitions (the attributes asked for).

``service_code`` is the category code. Every service asks three things that
Aduan's own form asks (kind of report, anonymous, confidential); categories
where a choice of problem helps the agency triage also ask for that (a fixed
list, so no free personal text can come in through an attribute).
"""

from dataclasses import dataclass, field

from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from aduan.agencies.models import Category
from aduan.reports.models import Kind


@dataclass(frozen=True)
class Attribute:
    code: str
    description: object
    values: list[tuple[str, object]]
    required: bool = False
    datatype: str = "singlevaluelist"
    datatype_description: object = ""
    # Where the answer goes: a NewReport field, or "" for a line added to the report's text.
    field: str = ""


YES_NO = [("false", _l("No")), ("true", _l("Yes"))]

COMMON = [
    Attribute("kind", _l("What kind of report is this?"),
              [(value, label) for value, label in Kind.choices], field="kind",
              datatype_description=_l("Default: complaint.")),
    Attribute("anonymous", _l("Hide your identity from the public and from every agency?"),
              YES_NO, field="anonymous"),
    Attribute("confidential", _l("Keep the whole report from the public?"), YES_NO,
              field="confidential"),
]

PROBLEMS = {
    "jalan_drainase": [("pothole", _l("Potholes or damaged road surface")),
                       ("subsidence", _l("Cracked or subsiding road")),
                       ("drainage", _l("Blocked drain or flooding street")),
                       ("bridge", _l("Damaged bridge")),
                       ("sidewalk", _l("Damaged sidewalk")), ("other", _l("Something else"))],
    "lingkungan": [("waste_not_collected", _l("Waste not collected")),
                   ("illegal_dumping", _l("Illegal dumping")),
                   ("water_pollution", _l("Water pollution")),
                   ("air_pollution", _l("Smoke, smell or air pollution")),
                   ("other", _l("Something else"))],
    "perhubungan": [("traffic_light", _l("Traffic light out of order")),
                    ("illegal_parking", _l("Illegal parking or parking fees")),
                    ("public_transport", _l("Public transport")),
                    ("signs_markings", _l("Missing signs or road markings")),
                    ("other", _l("Something else"))],
    "air_bersih": [("no_water", _l("No water")), ("dirty_water", _l("Dirty water")),
                   ("leak", _l("Leaking pipe")), ("billing", _l("Billing")),
                   ("other", _l("Something else"))],
    "listrik_energi": [("outage", _l("Power cut")), ("street_light", _l("Street light out")),
                       ("billing", _l("Billing")), ("fuel_lpg", _l("Fuel or LPG supply")),
                       ("other", _l("Something else"))],
    "bencana": [("flood", _l("Flood")), ("landslide", _l("Landslide")), ("fire", _l("Fire")),
                ("earthquake", _l("Earthquake")), ("storm", _l("Storm")),
                ("other", _l("Something else"))],
}


def attributes_for(code: str) -> list[Attribute]:
    problems = PROBLEMS.get(code)
    if not problems:
        return list(COMMON)
    datatype_description = (_l("In an emergency call 112 first; this report does not reach "
                               "rescue services.") if code == "bencana" else "")
    return [*COMMON, Attribute("problem", _l("What is the problem?"), problems,
                               datatype_description=datatype_description)]


def _english() -> bool:
    return (get_language() or "id").startswith("en")


def service_name(category: Category) -> str:
    return category.name_en.split(" (")[0] if _english() and category.name_en else category.name


def _keywords(category: Category) -> str:
    if _english():
        inside = category.name_en.partition("(")[2].rstrip(")")
        words = [*category.name_en.split(" (")[0].split(","), *inside.split(",")]
    else:
        words = [*category.name.replace(" dan ", ",").split(","),
                 *category.typical_handler.split("/")]
    return ", ".join(word.strip() for word in words if word.strip())


def _group(category: Category) -> str:
    # Sub-categories sit under their top category; top categories under the level of
    # government that usually answers them (the taxonomy's default_level).
    if category.parent_id:
        return service_name(category.parent)
    return str(category.get_default_level_display())


def service_data(category: Category) -> dict:
    description = (category.name_en if _english() else
                   _("Usually handled by: %(handler)s") % {"handler": category.typical_handler})
    return {"service_code": category.code, "service_name": service_name(category),
            "description": description, "metadata": True, "type": "realtime",
            "keywords": _keywords(category), "group": _group(category)}


def services_list() -> list[dict]:
    categories = Category.objects.filter(active=True).select_related("parent").order_by("code")
    return [service_data(category) for category in categories]


def definition_data(code: str) -> dict:
    rows = []
    for order, attribute in enumerate(attributes_for(code), start=1):
        rows.append({
            "variable": True, "code": attribute.code, "datatype": attribute.datatype,
            "required": attribute.required,
            "datatype_description": str(attribute.datatype_description) or None,
            "order": order, "description": str(attribute.description),
            "values": [{"key": key, "name": str(name)} for key, name in attribute.values],
        })
    return {"service_code": code, "attributes": rows}
