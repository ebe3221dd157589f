"""The cascading region picker: province → regency/city → district → village.

Each level lists only the children of the level above (at most a few dozen
rows, one indexed query), so the 91,599 codes never reach the page at once.
Without JavaScript, a "choose" button reloads the form one level deeper and a
name search lists matches to pick from; with it, the same endpoints fill the
lists in place.
"""

from dataclasses import dataclass, field

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from aduan.agencies.models import Region

LEVELS = ("province", "regency", "district", "village")
LEVEL_LABELS = {"province": _("Province"), "regency": _("Regency or city"),
                "district": _("District (kecamatan)"), "village": _("Village (kelurahan/desa)")}
SEARCH_LIMIT = 15


def chain_of(code: str) -> list[str]:
    """The codes from the province down to ``code``: 35.78.01 → [35, 35.78, 35.78.01]."""
    parts = code.split(".")
    return [".".join(parts[:i]) for i in range(1, len(parts) + 1)][:4]


def children(parent: str | None) -> list[tuple[str, str]]:
    rows = Region.objects.filter(parent=parent) if parent else Region.objects.filter(level=1)
    return list(rows.order_by("name").values_list("code", "name"))


def search(text: str, limit: int = SEARCH_LIMIT) -> list[dict]:
    """Regions whose name holds every word typed, biggest first, with where they lie."""
    words = [w for w in text.split() if len(w) >= 2][:4]
    if not words:
        return []
    q = Q()
    for word in words:
        q &= Q(name__icontains=word)
    found = list(Region.objects.filter(q).order_by("level", "name")
                 .values("code", "name", "level")[:limit])
    ancestors = {c for row in found for c in chain_of(row["code"])[:-1]}
    names = dict(Region.objects.filter(code__in=ancestors).values_list("code", "name"))
    for row in found:
        row["within"] = ", ".join(names.get(c, c) for c in reversed(chain_of(row["code"])[:-1]))
    return found


@dataclass
class Picker:
    """The picker's state from submitted form data; ``code`` is the deepest valid choice."""

    chosen: dict[str, str] = field(default_factory=dict)
    options: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    query: str = ""
    results: list[dict] = field(default_factory=list)
    searched: bool = False

    @property
    def code(self) -> str:
        for level in reversed(LEVELS):
            if self.chosen.get(level):
                return self.chosen[level]
        return ""

    @property
    def levels(self) -> list[dict]:
        return [{"name": level, "label": LEVEL_LABELS[level], "value": self.chosen.get(level, ""),
                 "options": self.options.get(level)} for level in LEVELS]


def picker_from(data, *, initial_code: str = "") -> Picker:
    """Read province/regency/district/village (or a picked search result) from ``data``."""
    picked = (data.get("region_pick") or "").strip() if data else ""
    wanted = chain_of(picked) if picked else [
        (data.get(level) or "").strip() for level in LEVELS] if data else chain_of(initial_code)
    picker = Picker(query=(data.get("region_q") or "").strip()[:100] if data else "")
    parent = None
    for level, code in zip(LEVELS, [*wanted, "", "", "", ""], strict=False):
        options = children(parent)
        picker.options[level] = options
        if not code or code not in {c for c, _n in options}:
            break
        picker.chosen[level] = code
        parent = code
    if picker.query and data.get("_find_region") is not None:
        picker.results = search(picker.query)
        picker.searched = True
    return picker
