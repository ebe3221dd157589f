"""Which rollup cells a fact adds to, and by how much (pure: no database).

A cell key is ``<p|a>|<scope>|<scope code>|<YYYY-MM>|<dim>|<dim code>`` (week cells:
the Monday ``YYYY-MM-DD`` in place of the month): ``p`` cells
leave confidential reports out (public pages), ``a`` cells count every report
(staff of the subtree).
"""

from collections import Counter, defaultdict
from datetime import date

SCOPE_DIMS = {
    "national": ("all", "category", "channel", "kind", "province"),
    "province": ("all", "category", "channel", "kind", "regency"),
    "regency": ("all", "category", "channel", "kind"),
    "agency": ("all", "category", "channel", "kind"),
    # The top-level agency again, totals only: the league table reads one small range.
    "league": ("all",),
}


def cell_key(public: bool, scope: str, code: str, month: date, dim: str, dim_code: str) -> str:
    when = month.isoformat() if scope == "week" else month.isoformat()[:7]
    return f"{'p' if public else 'a'}|{scope}|{code}|{when}|{dim}|{dim_code}"


def merge(target: dict, counts) -> None:
    """Add ``counts`` into ``target`` (plain dicts: cheaper than ``Counter.update``)."""
    if not target:
        target.update(counts)
        return
    get = target.get
    for key, value in counts.items():
        target[key] = get(key, 0) + value


def parse_key(key: str) -> dict:
    vis, scope, code, when, dim, dim_code = key.split("|")
    return {"public": vis == "p", "scope": scope, "scope_code": code,
            "month": date.fromisoformat(when if len(when) == 10 else when + "-01"), "dim": dim,
            "dim_code": dim_code}


def _ancestors(path: str) -> list[str]:
    return [code for code in path.split("/") if code]


def _dim_codes(fact) -> dict[str, str]:
    return {"all": "", "category": fact.category, "channel": fact.channel, "kind": fact.kind,
            "province": fact.province_code, "regency": fact.regency_code}


def _add(out, fact, scope: str, code: str, counts) -> None:
    dims = _dim_codes(fact)
    for dim in SCOPE_DIMS["agency" if scope == "flow" else scope]:
        merge(out[(fact.confidential, scope, code, fact.month, dim, dims[dim])], counts)


SIGNATURE = ("month", "week", "agency_path", "province_code", "regency_code", "category",
             "channel", "kind", "confidential")


class _Sig:
    """The dimensions of a group of facts (what decides which cells they add to)."""

    __slots__ = SIGNATURE

    def __init__(self, values):
        for name, value in zip(SIGNATURE, values, strict=True):
            setattr(self, name, value)


def _grouped(pairs) -> tuple[dict[tuple, Counter], dict[tuple, Counter]]:
    """Signed counters and forward moves summed per signature (facts of equal dimensions)."""
    groups: dict[tuple, Counter] = defaultdict(Counter)
    flows: dict[tuple, Counter] = defaultdict(Counter)
    for fact, sign in pairs:
        if fact is None:
            continue
        sig = tuple(getattr(fact, name) for name in SIGNATURE)
        group = groups[sig]
        for key, value in fact.counts.items():
            group[key] += sign * value
        for direction, counter in (("out", "fwd_out"), ("in", "fwd_in")):
            for agency in fact.flows.get(direction, []):
                flows[sig][(agency, counter)] += sign
    return groups, flows


def project(pairs, into: dict | None = None) -> dict[tuple, dict]:
    """Sum many (fact, sign) pairs per cell *before* visibilities and agency ancestors.

    The keys are (confidential, scope, code, month, dim, dim code), where the code of
    an ``agency`` row is the holder's whole path and of a ``flow`` row the agency a
    forward left or reached: each fact is added once per breakdown instead of once per
    cell, and ``fan_out`` spreads the (far fewer) sums. ``into`` collects many calls
    (the rebuild's batches).
    """
    out = into if into is not None else defaultdict(dict)
    groups, flows = _grouped(pairs)
    for sig, counts in groups.items():
        fact = _Sig(sig)
        _add(out, fact, "national", "", counts)
        if fact.province_code:
            _add(out, fact, "province", fact.province_code, counts)
        if fact.regency_code:
            _add(out, fact, "regency", fact.regency_code, counts)
            if counts.get("rcv"):
                merge(out[(fact.confidential, "week", fact.regency_code, fact.week, "category",
                           fact.category)], {"rcv": counts["rcv"]})
        if fact.agency_path.strip("/"):
            _add(out, fact, "agency", fact.agency_path, counts)
    for sig, moves in flows.items():
        fact = _Sig(sig)
        for (agency, counter), n in moves.items():
            _add(out, fact, "flow", agency, {counter: n})
    return out


def _targets(scope: str, code: str, dim: str, agency_paths: dict[str, str]):
    """The (scope, code) cells one projected row lands in."""
    if scope == "agency":
        ancestors = _ancestors(code)
        league = [("league", ancestors[0])] if ancestors and dim in SCOPE_DIMS["league"] else []
        return [("agency", a) for a in ancestors] + league
    if scope == "flow":
        return [("agency", a) for a in _ancestors(agency_paths.get(code, f"/{code}/"))]
    return [(scope, code)]


def fan_out(projected: dict[tuple, dict], agency_paths: dict[str, str],
            into: dict | None = None) -> dict[str, dict]:
    """Cell key -> counters from ``project``'s sums: public cells leave confidential
    reports out, every ancestor of an agency gets its subtree's counts."""
    out = into if into is not None else defaultdict(dict)
    for (confidential, scope, code, month, dim, dim_code), counts in projected.items():
        for target, target_code in _targets(scope, code, dim, agency_paths):
            for public in (False,) if confidential else (False, True):
                merge(out[cell_key(public, target, target_code, month, dim, dim_code)], counts)
    return out


def signed_contributions(pairs, agency_paths: dict[str, str]) -> dict[str, dict]:
    """Cell key -> counters for many (fact, sign) pairs at once.

    The result equals the sum over the pairs of ``sign ×`` (the fact's counters in each
    of its cells); the incremental refresh and the rebuild both work through it.
    """
    return fan_out(project(pairs), agency_paths)
