"""Find the place a message names, over the official Kemendagri region list.

Citizens write "di jln. Pahlawan kel. Sungai Pinang Dalam Samarinda", "kab. Kukar",
"Jaksel" or "Kaltim". The gazetteer reads every name of the region list (and
the aliases in ``data/region_aliases.csv``), finds the names in the text, and
returns the most specific code that the mentions justify together:

- a province or regency/city name counts on its own, unless it is also a common
  word ("batu", "padang", "serang") or follows a street marker ("Jl. Surabaya");
- a district or village name counts when a qualifier introduces it ("kec.",
  "kel.", "desa") or when a province/regency named in the same text contains it;
- names that agree (a village inside the named city) reinforce each other;
  names that stay ambiguous give their common ancestor, or nothing.

The reporter's own region (from the form) wins: text can only make it more
specific, never move it elsewhere.
"""

import csv
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"

_TOKEN = re.compile(r"[0-9a-z]+")
_LEVEL2_PREFIXES = ("kabupaten administrasi ", "kota administrasi ", "kabupaten ", "kota ")
MAX_NAME_TOKENS = 6

# Words that introduce a region of a given level (and, for level 2, kind).
QUALIFIERS = {
    "provinsi": (1, None), "propinsi": (1, None), "prov": (1, None), "prop": (1, None),
    "kabupaten": (2, "kabupaten"), "kab": (2, "kabupaten"), "kota": (2, "kota"),
    "kecamatan": (3, None), "kec": (3, None), "kelurahan": (4, None), "kel": (4, None),
    "desa": (4, None), "ds": (4, None), "kampung": (4, None), "nagari": (4, None),
    "gampong": (4, None),
}
# Words after which a name is a street's, not a region's ("Jl. Surabaya" in Jakarta).
STREET_MARKERS = frozenset({"jl", "jln", "jalan", "gg", "gang", "perum", "perumahan",
                            "komplek", "kompleks", "ruko", "blok", "raya"})
# Region names that are also everyday words: they count only with a qualifier or support.
COMMON_WORDS = frozenset("""
    batu padang serang palu metro puncak banjar buru tegal kuningan pati bone agam karo muna
    aru sula belu alor tual malaka sigi landak kapuas barito kampar siak bangli toba lebong
    kaur paser berau bima ende lingga natuna dompu lahat tebo bungo asahan nias seram buton
    sorong kota baru tengah pasar jaya barat timur utara selatan indah makmur sari mulya raya
    lama dalam luar hilir hulu atas bawah pusat ilir ulu lor kidul wetan kulon sawah sungai
    gunung bukit air tanjung teluk muara pulau lubuk kali rawa pantai bandar harapan maju
    merdeka mekar damai sejahtera jati mulia bakti karya tani baru suka mandiri sukamaju
    sidomulyo sukajadi margamulya bumi pondok pasir kebon taman cempaka melati mawar anggrek
    kenanga dukuh krajan kauman kampung desa kelurahan
""".split())


@dataclass(frozen=True)
class Place:
    code: str
    level: int
    kind: str


@dataclass
class _Mention:
    places: list[Place]
    strong: bool
    # Without a qualifier only provinces and regencies/cities count on their own.
    strong_levels: int = 4

    def is_strong(self, place: Place) -> bool:
        return self.strong and place.level <= self.strong_levels


_TITLES = frozenset({"raya", "ir", "dr", "kh", "prof", "jend", "jendral", "jenderal", "letjen",
                     "mayjen", "brigjen", "kol", "kolonel", "kapten", "mayor", "pahlawan"})


def _after_street_marker(words: list[str], i: int) -> bool:
    """True for the name of a street ("Jl. Surabaya", "Jl. Raya Malang")."""
    if i >= 1 and words[i - 1] in STREET_MARKERS:
        return True
    return i >= 2 and words[i - 2] in STREET_MARKERS and words[i - 1] in _TITLES


def _normal(text: str) -> list[str]:
    return _TOKEN.findall(text.lower())


def _key_names(name: str, level: int) -> list[str]:
    name = " ".join(name.lower().replace("'", "").split())
    if level == 2:
        for prefix in _LEVEL2_PREFIXES:
            if name.startswith(prefix):
                name = name[len(prefix):]
                break
    names = [" ".join(_normal(name))]
    if " " in names[0]:
        names.append(names[0].replace(" ", ""))  # "tanjung pinang" / "tanjungpinang"
    return names


class Gazetteer:
    """An index of region names; build once per process, share read-only."""

    def __init__(self, regions: Iterable[tuple[str, str, int, str]],
                 aliases: Iterable[tuple[str, str]] = ()):
        self.names: dict[tuple[str, ...], list[Place]] = {}
        self.aliases: dict[tuple[str, ...], list[Place]] = {}
        self.places: dict[str, Place] = {}
        for code, name, level, kind in regions:
            place = Place(code, level, kind)
            self.places[code] = place
            for key in _key_names(name, level):
                self.names.setdefault(tuple(key.split()), []).append(place)
        for alias, code in aliases:
            if code in self.places:
                key = tuple(_normal(alias))
                self.aliases.setdefault(key, []).append(self.places[code])

    # --- scanning ------------------------------------------------------------------

    def _lookup(self, key: tuple[str, ...], qualifier: tuple[int, str | None] | None
                ) -> list[Place]:
        names, aliases = self.names.get(key, []), self.aliases.get(key, [])
        if qualifier is None:
            return aliases or names
        level, kind = qualifier
        return [p for p in names + aliases
                if p.level == level and (kind is None or p.kind == kind)]

    def mentions(self, text: str) -> list[_Mention]:
        words = _normal(text)
        found: list[_Mention] = []
        i = 0
        while i < len(words):
            qualifier = QUALIFIERS.get(words[i])
            match = self._match_at(words, i + 1, qualifier) if qualifier else None
            if match is not None:
                i += 1  # the qualifier word itself ("kota" in "kota Batu")
            else:
                qualifier = None
                match = self._match_at(words, i, None)
            if match is None:
                i += 1
                continue
            length, places = match
            found.append(self._mention(words, i, length, places, qualifier))
            i += length
        return found

    def _mention(self, words: list[str], i: int, length: int, places: list[Place],
                 qualifier) -> _Mention:
        places = _outermost(places)
        if qualifier is not None:
            # "desa Sukamaju" alone names hundreds of villages: a qualifier is not enough.
            return _Mention(places, len(places) <= 3 or qualifier[0] <= 2)
        common = length == 1 and words[i] in COMMON_WORDS
        street = _after_street_marker(words, i)
        alias = tuple(words[i:i + length]) in self.aliases
        strong = (alias or not common) and not street
        return _Mention(places, strong, strong_levels=2)

    def _match_at(self, words: list[str], i: int, qualifier) -> tuple[int, list[Place]] | None:
        for n in range(min(MAX_NAME_TOKENS, len(words) - i), 0, -1):
            key = tuple(words[i:i + n])
            places = self._lookup(key, qualifier)
            if places and not (n == 1 and len(key[0]) < 3 and key not in self.aliases):
                return n, places
        return None

    # --- resolving -----------------------------------------------------------------

    def find(self, text: str, hint: str | None = None) -> str | None:
        """The most specific region code the text justifies, or None; ``hint`` wins."""
        mentions = self.mentions(text or "")
        if hint and hint in self.places:
            return self._within(hint, mentions)
        return _resolve(mentions)

    def _within(self, hint: str, mentions: list[_Mention]) -> str:
        inside = [_Mention([p for p in m.places if _same_chain(p.code, hint)], True)
                  for m in mentions if m.strong or len(m.places) <= 50]
        inside = [m for m in inside if m.places]
        anchor = _Mention([self.places[hint]], True)
        found = _resolve([anchor, *inside])
        return found if found and found.startswith(hint) else hint


def _same_chain(a: str, b: str) -> bool:
    return a == b or a.startswith(b + ".") or b.startswith(a + ".")


def _outermost(places: list[Place]) -> list[Place]:
    """Drop places nested in another candidate of the same name: claim only what is sure."""
    return [p for p in places
            if not any(q is not p and p.code.startswith(q.code + ".") for q in places)]


def _common_ancestor(codes: list[str]) -> str | None:
    parts = [code.split(".") for code in codes]
    common = []
    for column in zip(*parts):
        if len(set(column)) != 1:
            break
        common.append(column[0])
    return ".".join(common) or None


def _resolve(mentions: list[_Mention]) -> str | None:
    scored: dict[str, tuple[int, int]] = {}
    for index, mention in enumerate(mentions):
        for place in mention.places:
            support = [m for j, m in enumerate(mentions) if j != index
                       and any(_same_chain(place.code, q.code) for q in m.places)]
            if not (mention.is_strong(place)
                    or any(m.is_strong(q) for m in support for q in m.places
                           if _same_chain(place.code, q.code))):
                continue
            key = (1 + len(support), place.level)
            if scored.get(place.code, (0, 0)) < key:
                scored[place.code] = key
    if not scored:
        return None
    best = max(scored.values())
    winners = [code for code, key in scored.items() if key == best]
    return winners[0] if len(winners) == 1 else _common_ancestor(winners)


def _read_aliases() -> list[tuple[str, str]]:
    with open(DATA / "region_aliases.csv", newline="", encoding="utf-8") as fh:
        return [(row["alias"], row["code"]) for row in csv.DictReader(fh)]


@lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    """The process-wide gazetteer over the Region table (reference data, read-only)."""
    from aduan.agencies.models import Region

    rows = Region.objects.values_list("code", "name", "level", "kind").iterator(chunk_size=5000)
    return Gazetteer(rows, _read_aliases())


def find_region(text: str, hint: str | None = None) -> str | None:
    return gazetteer().find(text, hint)
