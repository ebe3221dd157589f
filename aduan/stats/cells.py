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
    when = f"{month:%Y-%m-%d}" if scope == "week" else f"{month:%Y-%m}"
    return f"{'p' if public else 'a'}|{scope}|{code}|{when}|{dim}|{dim_code}"


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


def _scopes(fact) -> list[tuple[str, str]]:
    scopes = [("national", "")]
    if fact.province_code:
        scopes.append(("province", fact.province_code))
    if fact.regency_code:
        scopes.append(("regency", fact.regency_code))
    ancestors = _ancestors(fact.agency_path)
    scopes += [("agency", code) for code in ancestors]
    if ancestors:
        scopes.append(("league", ancestors[0]))
    return scopes


def _add(out, fact, scope: str, code: str, counts) -> None:
    dims = _dim_codes(fact)
    visibilities = (False,) if fact.confidential else (False, True)
    for dim in SCOPE_DIMS[scope]:
        for public in visibilities:
            out[cell_key(public, scope, code, fact.month, dim, dims[dim])].update(counts)


SIGNATURE = ("month", "week", "agency_path", "province_code", "regency_code", "category",
             "channel", "kind", "confidential")


class _Sig:
    """The dimensions of a group of facts (what decides which cells they add to)."""

    __slots__ = SIGNATURE

    def __init__(self, values):
        for name, value in zip(SIGNATURE, values, strict=True):
            setattr(self, name, value)


def signed_contributions(pairs, agency_paths: dict[str, str]) -> dict[str, Counter]:
    """Cell key -> counters for many (fact, sign) pairs at once.

    Facts with the same dimensions are summed first and fanned out to their cells
    once, which is what makes a rebuild or a large batch fast; the result equals the
    sum over the pairs of ``sign ×`` (the fact's counters in each of its cells).
    """
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
    out: dict[str, Counter] = defaultdict(Counter)
    for sig, counts in groups.items():
        fact = _Sig(sig)
        for scope, code in _scopes(fact):
            _add(out, fact, scope, code, counts)
        if fact.regency_code and counts.get("rcv"):
            for public in (False,) if fact.confidential else (False, True):
                out[cell_key(public, "week", fact.regency_code, fact.week, "category",
                             fact.category)]["rcv"] += counts["rcv"]
    for sig, moves in flows.items():
        fact = _Sig(sig)
        for (agency, counter), n in moves.items():
            for code in _ancestors(agency_paths.get(agency, f"/{agency}/")):
                _add(out, fact, "agency", code, {counter: n})
    return out
