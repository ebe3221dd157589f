"""Agencies named in the text: handles ("@dishubsby"), common names ("Dinas Sosial Kab. Bogor",
"Kantor Pertanahan Kota Malang", "Dukcapil Sleman").

An office type by any of its names (the official ones from the agency data, the
common ones in ``data/agency_names.csv``) plus the place the gazetteer found
gives one agency: the office of that type in that regency or province. A
handle or name that admins recorded for one agency (``AgencyAlias``) gives that
agency and its region directly.
"""

import csv
from dataclasses import dataclass

from aduan.agencies.generate import read_csv

from .gazetteer import DATA, Gazetteer, _normal
from .models import AgencyAlias

MAX_PHRASE = 8
OFFICE_KINDS = ("regional_office", "regional_company", "vertical_office")


@dataclass(frozen=True)
class Named:
    agency: str
    region: str | None
    words: str


def _office_phrases() -> tuple[dict[tuple[str, ...], str], list[str]]:
    phrases: dict[tuple[str, ...], str] = {}
    for row in read_csv("regional_offices.csv"):
        phrases[tuple(_normal(row["name"]))] = row["suffix"]
        phrases[(row["suffix"],)] = row["suffix"]
    prefixes = []
    for row in read_csv("vertical_offices.csv"):
        for prefix, template in ((row["regency_prefix"], row["regency_name"]),
                                 (row["province_prefix"], row["province_name"])):
            head = template.split("{")[0]
            head = head.removesuffix(" Provinsi ").strip()
            phrases[tuple(_normal(head))] = prefix
            phrases[tuple(_normal(prefix.replace("-", " ")))] = prefix
            prefixes.append(prefix)
    with open(DATA / "agency_names.csv", newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            phrases[tuple(_normal(row["phrase"]))] = row["office"]
    # Longest prefixes first: "kanwil-kemenag" before "kankemenag" can never clash.
    return phrases, sorted(set(prefixes), key=len, reverse=True)


def _office_of(code: str, prefixes: list[str]) -> str | None:
    if "." in code:
        return code.split(".", 1)[1]
    return next((p for p in prefixes if code.startswith(p + "-")), None)


class AgencyNames:
    """Office names and agency handles, over the agency table; build once per router."""

    def __init__(self, agencies, aliases=()):
        self.phrases, prefixes = _office_phrases()
        self.offices: dict[tuple[str, str], str] = {}
        self.regions: dict[str, str | None] = {}
        for code, region, kind in agencies:
            self.regions[code] = region
            office = _office_of(code, prefixes) if kind in OFFICE_KINDS else None
            if office and region:
                self.offices.setdefault((region, office), code)
        self.handles = {tuple(_normal(alias)): code for alias, code in aliases}
        self.handles.update({("".join(k),): c for k, c in list(self.handles.items())})

    def find(self, gazetteer: Gazetteer, text: str, region: str | None) -> Named | None:
        words = gazetteer.words(text or "")[0]
        for i in range(len(words)):
            for n in range(min(MAX_PHRASE, len(words) - i), 0, -1):
                key = tuple(words[i:i + n])
                if key in self.handles:
                    agency = self.handles[key]
                    return Named(agency, self.regions.get(agency), " ".join(key))
                office = self.phrases.get(key)
                agency = office and region and self._office_in(office, region)
                if agency:
                    return Named(agency, self.regions.get(agency), " ".join(key))
        return None

    def _office_in(self, office: str, region: str) -> str | None:
        """The office of that type in the region's regency, else in its province."""
        parts = region.split(".")
        for code in (".".join(parts[:2]), parts[0]):
            if (code, office) in self.offices:
                return self.offices[(code, office)]
        return None


def agency_names() -> AgencyNames:
    from aduan.agencies.models import Agency

    agencies = Agency.objects.filter(active=True).values_list("code", "region_id", "kind")
    aliases = AgencyAlias.objects.values_list("alias", "agency_id")
    return AgencyNames(agencies.iterator(chunk_size=5000), list(aliases))
