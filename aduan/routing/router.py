"""The router: from free text (and whatever the form gave) to category, place and agency.

One ``Router`` holds the classifiers, the gazetteer and the rules it needs; it
routes one report or a batch (the ``aduan route`` command), with the same code.
"""

import csv
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from aduan.agencies.models import Agency, Category, Level
from aduan.agencies.rules import (
    RuleKey,
    region_chain,
    resolve,
    rules_all,
    rules_for,
    rules_for_many,
)
from aduan.lib import versions

from .classifier import TextClassifier
from .agencynames import AgencyNames, agency_names
from .aliases import gazetteer
from .gazetteer import DATA, Gazetteer
from .store import model_get
from .text import normalise
from .training import active_category_model

TOP = 3
# The router kept across the routing sweep's batches (``Router.cached``): reloaded when an
# agency, alias or category is edited (version ``routing``), a new model is active, or after
# this many seconds (edits that send no signal: bulk imports, raw updates).
ROUTER_VERSION = "routing"
ROUTER_TTL = 60.0
_routers = versions.Memo(ROUTER_VERSION)


@dataclass(frozen=True)
class RouteInput:
    text: str
    region: str | None = None      # the form's region, if the reporter gave one
    category: str | None = None    # the form's category, if the reporter gave one


@dataclass(frozen=True)
class Candidate:
    category: str
    agency: str | None
    confidence: float

    def as_dict(self) -> dict:
        return {"category": self.category, "agency": self.agency, "confidence": self.confidence}


@dataclass
class Route:
    category: str
    region_code: str | None
    level: str
    agency: str | None
    confidence: float
    candidates: list[Candidate]
    # The agency came from a rule at the category's own level (not a fallback upwards).
    exact: bool
    threshold: float
    source: str = "rules"          # "rules", "history" (the agency model) or "named" (in text)
    model_id: int | None = None
    extra: dict = field(default_factory=dict)
    # Why: {"place": words that made the region, "agency": the handle or name that named it}.
    evidence: dict = field(default_factory=dict)

    @property
    def province_code(self) -> str | None:
        return self.region_code[:2] if self.region_code else None

    @property
    def confident(self) -> bool:
        return self.agency is not None and self.exact and self.confidence >= self.threshold

    def as_dict(self) -> dict:
        return {"category": self.category, "region_code": self.region_code,
                "province_code": self.province_code, "level": self.level,
                "agency": self.agency, "confidence": self.confidence,
                "candidates": [c.as_dict() for c in self.candidates]}


# DKI Jakarta's province code: its five cities and one regency are administrative.
JAKARTA = "31"


@lru_cache(maxsize=1)
def level_cues() -> dict[str, list[tuple[re.Pattern, str]]]:
    cues: dict[str, list[tuple[re.Pattern, str]]] = {}
    with open(DATA / "level_cues.csv", newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            pattern = re.compile(rf"\b{re.escape(row['phrase'])}\b")
            cues.setdefault(row["category"], []).append((pattern, row["level"]))
    return cues


@lru_cache(maxsize=256)
def _cues_for(category: str) -> tuple[tuple[tuple[re.Pattern, str], ...], re.Pattern | None]:
    """The category's cues then the cues of every category, in the order they win, and one
    pattern that matches where any of them does (one search per text instead of one per cue)."""
    cues = level_cues()
    ordered = (*cues.get(category, ()), *cues.get("*", ()))
    if not ordered:
        return (), None
    return ordered, re.compile("|".join(f"(?:{pattern.pattern})" for pattern, _ in ordered))


def level_for(category: str, default: str, normalised_text: str,
              region: str | None = None) -> str:
    """The category's level of government, unless the text names another: a cue of the
    category ("jalan provinsi"), then a body of one level whatever the category ("BPJS",
    "Samsat"; category ``*`` in the data). Jakarta's cities are administrative, not
    autonomous: what a regency or city does elsewhere, the province does there."""
    ordered, any_cue = _cues_for(category)
    if any_cue is not None and any_cue.search(normalised_text):  # most texts name none
        for pattern, level in ordered:
            if pattern.search(normalised_text):
                return level
    if default == Level.REGENCY and region and region.split(".")[0] == JAKARTA:
        return Level.PROVINCE
    return default


@dataclass
class Router:
    categories: Mapping[str, tuple[str, str | None]]   # code -> (default level, parent)
    category_model: TextClassifier
    places: Gazetteer
    rules: Mapping[RuleKey, str] | None = None         # None: load per report
    agency_model: TextClassifier | None = None
    agency_regions: Mapping[str, str | None] = field(default_factory=dict)
    model_id: int | None = None
    names: AgencyNames | None = None                   # agencies named in the text

    @classmethod
    def load(cls, *, all_rules: bool = False) -> "Router":
        model_id, model = active_category_model()
        _agency_id, agency_model = model_get("agency")
        agency_regions = {}
        if agency_model is not None:
            agency_regions = dict(Agency.objects.filter(pk__in=agency_model.classes)
                                  .values_list("code", "region_id"))
        return cls(categories={c: (lvl, p) for c, lvl, p in
                               Category.objects.values_list("code", "default_level", "parent_id")},
                   category_model=model, places=gazetteer(),
                   rules=rules_all() if all_rules else None, agency_model=agency_model,
                   agency_regions=agency_regions, model_id=model_id, names=agency_names())

    @classmethod
    def cached(cls) -> "Router":
        """``load()``'s router, kept across batches: building the agency-name finder and
        reading the categories cost tens of milliseconds per batch."""
        key = (active_category_model()[0], model_get("agency")[0])
        if not _routers.has(key):
            _routers.clear()  # one router per process: drop the one of older models
        return _routers.get(key, ROUTER_TTL, cls.load)

    def _chain(self, category: str) -> list[str]:
        chain = []
        while category and category not in chain:
            chain.append(category)
            category = self.categories.get(category, (None, None))[1]
        return chain

    def _agency_for(self, category: str, region: str | None, text: str, batch_rules=None):
        chain = self._chain(category)
        default = self.categories.get(category, (Level.REGENCY, None))[0]
        level = level_for(category, default, text, region)
        rules = self.rules
        if rules is None and batch_rules is not None and region in batch_rules[0]:
            rules = batch_rules[1]
        if rules is None:
            rules = rules_for(chain, region)
        return resolve(rules, categories=chain, region=region, level=level)

    def _batch_rules(self, regions: list[str | None]):
        """Without all rules in memory, a batch loads its rules in one query:
        (the regions they cover, the rules); a report whose region moved (an agency named
        in the text) falls back to its own look-up."""
        if self.rules is not None or len(regions) < 2:
            return None
        categories = {c for code in self.category_model.classes for c in self._chain(code)}
        return set(regions), rules_for_many(categories, set(regions))

    def route(self, items: Sequence[RouteInput]) -> list[Route]:
        if not items:
            return []
        probs = self.category_model.probabilities([i.text for i in items])
        agency_probs = (self.agency_model.probabilities([i.text for i in items])
                        if self.agency_model is not None else None)
        places = [self.places.locate(i.text, i.region) for i in items]
        batch_rules = self._batch_rules([p.code for p in places])
        routes = []
        for row, item in enumerate(items):
            routes.append(self._route_one(item, probs[row],
                                          None if agency_probs is None else agency_probs[row],
                                          places[row], batch_rules))
        return routes

    def _route_one(self, item: RouteInput, probs: np.ndarray, agency_probs, located,
                   batch_rules=None) -> Route:
        classes = self.category_model.classes
        text = normalise(item.text)
        region, evidence = located.code, {}
        if located.evidence:
            evidence["place"] = list(located.evidence)
        named = self.names.find(self.places, item.text, region) if self.names else None
        if named is not None:  # "Dinas Sosial Kab. Bogor", "@dishubsby": that agency
            evidence["agency"] = [named.words]
            if named.region and (region is None or located.doubtful
                                 or named.region.startswith(region)):
                region = named.region
        order = [int(i) for i in np.argsort(-probs)]
        if item.category in classes:  # the reporter's choice comes first
            chosen = classes.index(item.category)
            order = [chosen] + [i for i in order if i != chosen]
        candidates, first = [], None
        for i in order[:TOP]:
            resolution = self._agency_for(classes[i], region, text, batch_rules)
            first = first or resolution
            candidates.append(Candidate(classes[i], resolution.agency, round(float(probs[i]), 4)))
        best = candidates[0]
        route = Route(category=best.category, region_code=region, level=first.level,
                      agency=best.agency, confidence=best.confidence, candidates=candidates,
                      exact=first.exact, threshold=self.category_model.threshold,
                      model_id=self.model_id, evidence=evidence)
        if agency_probs is not None:
            self._apply_history(route, agency_probs)
        if located.doubtful and region == located.code:  # "di Kupang": city or regency?
            route.exact = False
        if named is not None and route.agency != named.agency:
            route.agency, route.source = named.agency, "named"
            route.candidates = [Candidate(best.category, named.agency, best.confidence),
                                *[c for c in candidates if c.agency != named.agency]][:TOP]
        return route

    def _apply_history(self, route: Route, probs: np.ndarray) -> None:
        """Let the agency learnt from this deployment's history win where it is sure."""
        classes = self.agency_model.classes
        best = int(np.argmax(probs))
        agency, confidence = classes[best], float(probs[best])
        home = self.agency_regions.get(agency)
        fits = home is None or (route.region_code is not None
                                and home in region_chain(route.region_code))
        if fits and confidence >= self.agency_model.threshold and confidence > route.confidence:
            route.agency, route.confidence = agency, round(confidence, 4)
            route.threshold = self.agency_model.threshold
            route.exact, route.source = True, "history"
            route.candidates = [Candidate(route.category, agency, route.confidence),
                                *[c for c in route.candidates if c.agency != agency]][:TOP]


def forget_router() -> None:
    """Drop the kept router (tests; after an edit in the same process that sent no signal)."""
    _routers.clear()
