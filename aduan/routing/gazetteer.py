"""Find the place a message names, over the official Kemendagri region list.

Citizens write "di jln. Pahlawan kel. Sungai Pinang Dalam Samarinda", "kab. Kukar",
"Jaksel", "Tanjung Pinang", "Pangkal-Pinang", "@pemkotmedan" or "sampah di Tebet".
The gazetteer reads every name of the region list (and the curated aliases:
``data/region_aliases.csv`` plus what national admins add in ``RegionAlias``),
finds the names in the text, and returns the most specific code that the
mentions justify together, with the words that made it (``Located.evidence``):

- names are compared without case, spacing, hyphens or apostrophes ("Tanjungpinang",
  "tanjung pinang" and "Tanjung-Pinang" are one name), and without the
  "Kabupaten"/"Kota" of the official list; "kab."/"kota"/"pemkot"/"pemko"/"pemkab"/"pemda" before a
  name, also glued into a handle ("@pemkabbogor"), say which kind is meant;
- a province or regency/city name counts on its own, unless it is also a common
  word ("batu", "padang", "serang") or follows a street marker ("Jl. Surabaya"); a
  name made of everyday words ("batu bara", "sungai penuh") needs its capital letters;
- landmarks everyone knows by name (airports, ports, national hospitals) are aliases;
- a district or village name counts when a qualifier introduces it ("kec.",
  "kel.", "desa"), when a province/regency named in the same text contains it, or
  when only one place in the country has that name and it is no everyday word
  (nor one typo away from one), written as a name ("di Tebet", not "Sukamaju", not
  "bangsal" in a sentence; a one-word name needs its capital letter);
- names that agree (a village inside the named city) reinforce each other; a district
  or village guessed from its unique name loses to a regency or city named outright;
  a village name whose tail starts a regency's name ("Wates Kulon" in "Wates Kulon
  Progo") gives way to the regency;
- of places that tie, the one named first wins (a message names its own place first:
  "warga Lingga ... embarkasi Batam"); a bare name shared by a city and a regency
  ("di Kupang") is read as the city, marked doubtful (never dispatched on alone);
  other names that stay ambiguous give their common ancestor, or nothing.

The reporter's own region (from the form) wins: text can only make it more
specific, never move it elsewhere.
"""

import csv
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from .placewords import (
    COMMON_WORDS,
    GLUED_PREFIXES,
    LOCATIVES,
    QUALIFIERS,
    STREET_MARKERS,
    _TITLES,
    everyday_words,
    looks_everyday,
)

DATA = Path(__file__).resolve().parent / "data"

_TOKEN = re.compile(r"[0-9a-z]+")
_CASED = re.compile(r"[0-9A-Za-z]+")
_SENTENCE_END = re.compile(r"(^|[.!?:;\n]\s*)$")
_LEVEL2_PREFIXES = ("kabupaten administrasi ", "kota administrasi ", "kabupaten ", "kota ")
MAX_NAME_TOKENS = 6
# An unmarked one-word district name must be at least this long to count on its own.
UNMARKED_MIN_CHARS = 5


@dataclass(frozen=True)
class Place:
    code: str
    level: int
    kind: str


@dataclass(frozen=True)
class Located:
    code: str | None
    evidence: tuple[str, ...] = ()
    # A bare name shared by a city and a regency ("di Kupang"), read as the city: right more
    # often than not, but never sure enough to dispatch on without a person.
    doubtful: bool = False


@dataclass
class _Mention:
    places: list[Place]
    strong: bool
    # Without a qualifier only provinces and regencies/cities count on their own.
    strong_levels: int = 4
    words: str = ""
    # Named with a qualifier, an alias or a locative ("Pemkot Batu", "di Palu"): beats a
    # bare name ("libur Natal") when the two disagree.
    marked: bool = False
    # An unmarked district or village taken because its name is unique ("di Tebet"): a
    # guess that loses to a regency or city named outright when the two disagree.
    guessed: bool = False
    position: int = 0

    def is_strong(self, place: Place) -> bool:
        return self.strong and place.level <= self.strong_levels


def _after_street_marker(words: list[str], i: int) -> bool:
    """True for the name of a street ("Jl. Surabaya", "Jl. Raya Malang")."""
    if i >= 1 and words[i - 1] in STREET_MARKERS:
        return True
    return i >= 2 and words[i - 2] in STREET_MARKERS and words[i - 1] in _TITLES


def _inside_sentence(text: str, start: int) -> bool:
    """Not the first word of a sentence (whose capital says nothing)."""
    return not _SENTENCE_END.search(text[max(0, start - 3):start])


def _normal(text: str) -> list[str]:
    return _TOKEN.findall(text.lower().replace("'", "").replace("`", ""))


def _key_names(name: str, level: int) -> str:
    name = " ".join(name.lower().replace("'", "").split())
    if level == 2:
        for prefix in _LEVEL2_PREFIXES:
            if name.startswith(prefix):
                name = name[len(prefix):]
                break
    return " ".join(_normal(name))


class Gazetteer:
    """An index of region names; build once per process, share read-only."""

    def __init__(self, regions: Iterable[tuple[str, str, int, str]],
                 aliases: Iterable[tuple[str, str]] = ()):
        self.names: dict[tuple[str, ...], list[Place]] = {}
        self.aliases: dict[tuple[str, ...], list[Place]] = {}
        # Every name and alias with its spaces removed: "tanjungpinang", "pangkalpinang".
        self.squashed: dict[str, list[Place]] = {}
        self.places: dict[str, Place] = {}
        for code, name, level, kind in regions:
            place = Place(code, level, kind)
            self.places[code] = place
            key = _key_names(name, level)
            self.names.setdefault(tuple(key.split()), []).append(place)
            self.squashed.setdefault(key.replace(" ", ""), []).append(place)
        for alias, code in aliases:
            if code in self.places:
                key = tuple(_normal(alias))
                if key:
                    self.aliases.setdefault(key, []).append(self.places[code])
                    self.squashed.setdefault("".join(key), []).append(self.places[code])
        self._unglued: dict[str, tuple[str, ...]] = {}

    # --- words ---------------------------------------------------------------------

    def words(self, text: str) -> tuple[list[str], set[int]]:
        """Lower-case tokens, with handles and hashtags unglued ("pemkotmedan" -> pemkot medan),
        and the positions of words written as names (capitalised, inside a sentence)."""
        out: list[str] = []
        named: set[int] = set()
        text = text.replace("'", "").replace("`", "")
        for match in _CASED.finditer(text):
            word, raw = match.group().lower(), match.group()
            if raw[0].isupper() and not raw.isupper() and _inside_sentence(text, match.start()):
                named.add(len(out))
            if len(word) < 6 or (word,) in self.names:
                out.append(word)
            else:
                out.extend(self._unglue(word))
        return out, named

    def _unglue(self, word: str) -> tuple[str, ...]:
        found = self._unglued.get(word)
        if found is None:
            found = (word,)
            for prefix in GLUED_PREFIXES:
                rest = word[len(prefix):]
                if word.startswith(prefix) and len(rest) >= 3:
                    inner = self._unglue(rest) if rest not in self.squashed else (rest,)
                    if inner[-1] in self.squashed:
                        found = (prefix, *inner)
                        break
            if len(self._unglued) < 100_000:
                self._unglued[word] = found
        return found

    # --- scanning ------------------------------------------------------------------

    def _lookup(self, key: tuple[str, ...], qualifier: tuple[int, str | None] | None
                ) -> list[Place]:
        names, aliases = self.names.get(key, []), self.aliases.get(key, [])
        if not names and not aliases:
            names = self.squashed.get("".join(key), [])
        if qualifier is None:
            return aliases or names
        level, kind = qualifier
        return [p for p in names + aliases
                if p.level == level and (kind is None or p.kind == kind)]

    def mentions(self, text: str) -> list[_Mention]:
        words, named = self.words(text)
        shouting = not any(ch.islower() for ch in text)  # all in capitals: no case to read
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
            mention = self._mention(words, i, length, places, qualifier, i in named,
                                    shouting=shouting)
            mention.words = " ".join(words[i - (qualifier is not None):i + length])
            mention.position = len(found)
            found.append(mention)
            i += length
        return found

    def _mention(self, words: list[str], i: int, length: int, places: list[Place],
                 qualifier, capitalised: bool, *, shouting: bool = False) -> _Mention:
        places = _outermost(places)
        if qualifier is not None:
            if (qualifier[0] >= 3 and length == 1 and not capitalised
                    and looks_everyday(words[i])):
                # "kantor desa tutup", "kelurahan minta 50 ribu", "DESA LEWAT SATELIT": a word,
                # not a village's name (all in capitals there is no capital letter to read).
                return _Mention(places, False)
            # "desa Sukamaju" alone names hundreds of villages: a qualifier is not enough.
            return _Mention(places, len(places) <= 3 or qualifier[0] <= 2, marked=True)
        name = words[i:i + length]
        common = all(word in COMMON_WORDS for word in name)  # "batu", "kota baru"
        if not common and not capitalised and _everyday_name(name, places):
            common = True  # "sungai penuh sampah", "debu batu bara", "busuk batang"
        street = _after_street_marker(words, i)
        alias = tuple(name) in self.aliases
        strong = (alias or not common) and not street
        if (common and not street and (capitalised or shouting) and i >= 1
                and words[i - 1] in LOCATIVES):
            regencies = [p for p in places if p.level <= 2]
            if regencies:  # "di Palu": the city, not a village named Palu elsewhere
                return _Mention(regencies, True, strong_levels=2, marked=True)
        alone = self._unmarked(name, places) if length > 1 or capitalised else None
        if alone is None or not strong:
            return _Mention(places, strong, strong_levels=2, marked=alias)
        return _Mention([alone], strong, strong_levels=4, guessed=True)

    def _unmarked(self, name: list[str], places: list[Place]) -> Place | None:
        """A district or village name that may stand alone: one place in the country has it
        (a district wins over villages of its name elsewhere), and it is no everyday word."""
        top = min(p.level for p in places)
        first = [p for p in places if p.level == top]
        if len(first) != 1 or top < 3 or (top == 4 and len(places) > 1):
            return None
        place = first[0]
        if len(set(name)) < len(name) or all(looks_everyday(word) for word in name):
            return None  # "alun-alun", "kanor" (kantor), "selesai"
        if place.level == 4:  # ~84,000 villages: only names of two words or more
            return place if len(name) >= 2 else None
        return place if len(name) >= 2 or len(name[0]) >= UNMARKED_MIN_CHARS else None

    def _match_at(self, words: list[str], i: int, qualifier, *, inner: bool = False
                  ) -> tuple[int, list[Place]] | None:
        for n in range(min(MAX_NAME_TOKENS, len(words) - i), 0, -1):
            key = tuple(words[i:i + n])
            places = self._lookup(key, qualifier)
            if places and not (n == 1 and len(key[0]) < 3 and key not in self.aliases):
                if n > 1 and not inner and self._overlapped(words, i, n, places):
                    continue
                return n, places
        return None

    def _overlapped(self, words: list[str], i: int, n: int, places: list[Place]) -> bool:
        """A village name whose tail starts a regency's name ("Wates Kulon" + "Kulon Progo"
        in "Wates Kulon Progo"): read the regency, and the shorter name before it."""
        if min(p.level for p in places) <= 2:
            return False
        for j in range(i + 1, i + n):
            match = self._match_at(words, j, None, inner=True)
            if match and j + match[0] > i + n and any(p.level <= 2 for p in match[1]):
                return True
        return False

    # --- resolving -----------------------------------------------------------------

    def find(self, text: str, hint: str | None = None) -> str | None:
        """The most specific region code the text justifies, or None; ``hint`` wins."""
        return self.locate(text, hint).code

    def locate(self, text: str, hint: str | None = None) -> Located:
        """The region code and the words of the text that made it."""
        mentions = self.mentions(text or "")
        doubtful = False
        if hint and hint in self.places:
            code = self._within(hint, mentions)
        else:
            code, doubtful = _resolve_with_doubt(mentions)
        if code is None:
            return Located(None)
        evidence = tuple(dict.fromkeys(
            m.words for m in mentions
            if any(_same_chain(p.code, code) and code.startswith(p.code) for p in m.places)))
        return Located(code, evidence, doubtful)

    def _within(self, hint: str, mentions: list[_Mention]) -> str:
        inside = [_Mention([p for p in m.places if _same_chain(p.code, hint)], True)
                  for m in mentions if m.strong or len(m.places) <= 50]
        inside = [m for m in inside if m.places]
        anchor = _Mention([self.places[hint]], True)
        found = _resolve([anchor, *inside])
        return found if found and found.startswith(hint) else hint


def _everyday_name(name: list[str], places: list[Place]) -> bool:
    """A province or regency name made of everyday words ("Batu Bara", "Sungai Penuh",
    "Tebing Tinggi", "Batang"): written in lower case it is those words, not the place."""
    words = everyday_words()
    return any(p.level <= 2 for p in places) and all(word in words for word in name)


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
    return _resolve_with_doubt(mentions)[0]


def _city_of_a_pair(codes: list[str], places: dict[str, Place]) -> str | None:
    """Of a city and a regency of one name ("Kota/Kabupaten Kupang"), the city: a regency's
    people name its seat or their district (Oelamasi, Cibinong), a city's its name."""
    pair = [places[code] for code in codes]
    if len(pair) != 2 or any(p.level != 2 for p in pair):
        return None
    cities = [p.code for p in pair if p.kind == "kota"]
    return cities[0] if len(cities) == 1 and {p.kind for p in pair} == {"kota", "kabupaten"} \
        else None


def _resolve_with_doubt(mentions: list[_Mention]) -> tuple[str | None, bool]:
    """The place the mentions justify, and whether it is the city of a city/regency pair
    that nothing else in the text told apart."""
    scored: dict[str, tuple[int, bool, int]] = {}
    places: dict[str, Place] = {}
    for index, mention in enumerate(mentions):
        for place in mention.places:
            support = [m for j, m in enumerate(mentions) if j != index
                       and any(_same_chain(place.code, q.code) for q in m.places)]
            if not (mention.is_strong(place)
                    or any(m.is_strong(q) for m in support for q in m.places
                           if _same_chain(place.code, q.code))):
                continue
            marked = mention.marked or any(m.marked for m in support)
            guessed = mention.guessed and not support
            key = (1 + len(support), marked, not guessed, place.level)
            if scored.get(place.code, (0, False, False, 0, 0))[:4] < key:
                scored[place.code] = (*key, -mention.position)
                places[place.code] = place
    if not scored:
        return None, False
    best = max(key[:4] for key in scored.values())
    winners = {code: key[4] for code, key in scored.items() if key[:4] == best}
    # Places that tie: the one named first is what the message is about ("warga Lingga ...
    # embarkasi Batam"); names that stay ambiguous in one mention give their common ancestor.
    first = max(winners.values())
    winners = [code for code, position in winners.items() if position == first]
    if len(winners) == 1:
        return winners[0], False
    city = _city_of_a_pair(winners, places)
    return (city, True) if city else (_common_ancestor(winners), False)


def read_aliases() -> list[tuple[str, str]]:
    """The curated aliases shipped with the code (``data/region_aliases.csv``)."""
    with open(DATA / "region_aliases.csv", newline="", encoding="utf-8") as fh:
        return [(row["alias"], row["code"]) for row in csv.DictReader(fh)
                if not row["alias"].startswith("#")]


_read_aliases = read_aliases  # the Surabaya benchmark's name for it
