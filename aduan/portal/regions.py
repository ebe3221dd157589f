"""The cascading region picker: province → regency/city → district → village.

Each level lists only the children of the level above (at most a few dozen
rows, one indexed query), so the 91,599 codes never reach the page at once.
Without JavaScript, a "choose" button reloads the form one level deeper and a
name search lists matches to pick from; with it, the same endpoints fill the
lists in place.
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from aduan.agencies.selectors import region_chain as chain_of
from aduan.agencies.selectors import region_children as children
from aduan.agencies.selectors import region_search as search

LEVELS = ("province", "regency", "district", "village")
LEVEL_LABELS = {"province": _("Province"), "regency": _("Regency or city"),
                "district": _("District (kecamatan)"), "village": _("Village (kelurahan/desa)")}


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
    data = data or {}
    picked = (data.get("region_pick") or "").strip()
    if picked:
        wanted = chain_of(picked)
    elif data:
        wanted = [(data.get(level) or "").strip() for level in LEVELS]
    else:
        wanted = chain_of(initial_code)
    picker = Picker(query=(data.get("region_q") or "").strip()[:100])
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
