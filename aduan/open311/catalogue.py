"""Services (the categories of the taxonomy) and their definitions (the attributes asked for).

``service_code`` is the category code. Every service asks three things that
Aduan's own form asks (kind of report, anonymous, confidential); categories
where a choice of problem helps the agency triage also ask for that (a fixed
list, so no free personal text can come in through an attribute).
"""

from dataclasses import dataclass, field

from django.utils.translation import get_language
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

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


YES_NO = [("false", _("No")), ("true", _("Yes"))]

COMMON = [
    Attribute("kind", _("What kind of report is this?"),
              [(value, label) for value, label in Kind.choices], field="kind",
              datatype_description=_("Default: complaint.")),
    Attribute("anonymous", _("Hide your identity from the public and from every agency?"),
              YES_NO, field="anonymous"),
    Attribute("confidential", _("Keep the whole report from the public?"), YES_NO,
              field="confidential"),
    Attribute("external_id", _("Your system's own id for this report (at most 100 "
                               "characters): sending it again returns the first request "
                               "instead of filing a second."), [], datatype="string",
              field="external_id"),
]

PROBLEMS = {
    "jalan_drainase": [("pothole", _("Potholes or damaged road surface")),
                       ("subsidence", _("Cracked or subsiding road")),
                       ("drainage", _("Blocked drain or flooding street")),
                       ("bridge", _("Damaged bridge")),
                       ("sidewalk", _("Damaged sidewalk")), ("other", _("Something else"))],
    "lingkungan": [("waste_not_collected", _("Waste not collected")),
                   ("illegal_dumping", _("Illegal dumping")),
                   ("water_pollution", _("Water pollution")),
                   ("air_pollution", _("Smoke, smell or air pollution")),
                   ("other", _("Something else"))],
    "perhubungan": [("traffic_light", _("Traffic light out of order")),
                    ("illegal_parking", _("Illegal parking or parking fees")),
                    ("public_transport", _("Public transport")),
                    ("signs_markings", _("Missing signs or road markings")),
                    ("other", _("Something else"))],
    "air_bersih": [("no_water", _("No water")), ("dirty_water", _("Dirty water")),
                   ("leak", _("Leaking pipe")), ("billing", _("Billing")),
                   ("other", _("Something else"))],
    "listrik_energi": [("outage", _("Power cut")), ("street_light", _("Street light out")),
                       ("billing", _("Billing")), ("fuel_lpg", _("Fuel or LPG supply")),
                       ("other", _("Something else"))],
    "bencana": [("flood", _("Flood")), ("landslide", _("Landslide")), ("fire", _("Fire")),
                ("earthquake", _("Earthquake")), ("storm", _("Storm")),
                ("other", _("Something else"))],
}


def attributes_for(code: str) -> list[Attribute]:
    problems = PROBLEMS.get(code)
    if not problems:
        return list(COMMON)
    datatype_description = (_("In an emergency call 112 first; this report does not reach "
                               "rescue services.") if code == "bencana" else "")
    return [*COMMON, Attribute("problem", _("What is the problem?"), problems,
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
                   gettext("Usually handled by: %(handler)s") % {"handler": category.typical_handler})
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
        })
        if attribute.values:
            rows[-1]["values"] = [{"key": key, "name": str(name)}
                                  for key, name in attribute.values]
    return {"service_code": code, "attributes": rows}
