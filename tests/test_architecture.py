"""The layers hold: domain apps below delivery apps, no delivery app importing another, no circles.

Imports are read from the source (lazy imports inside functions count too), so
a shortcut taken in a hurry fails here rather than in a review.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1] / "aduan"

# The shared bottom: framework-free helpers and the one error type.
BASE = {"lib", "errors"}
# Apps that own models and rules.
DOMAIN = {"accounts", "agencies", "reports", "deadlines", "routing", "channels", "stats",
          "partners", "push", "privacy"}
# Neutral pieces shared by delivery apps (templates, template tags, view helpers) and the
# demo loader, which files reports through the intake entry point like any door.
SHARED = {"web", "demo"}
# Thin apps that deliver the domain to people and machines: one door each.
DELIVERY = {"api", "portal", "backoffice", "doors", "transparency", "ops", "open311"}
# Wiring at the top (settings, URLs, the command line) may import anything.
WIRING = {"settings", "urls", "cli", "wsgi", "__main__"}


def _modules() -> dict[str, Path]:
    mods = {}
    for path in ROOT.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        parts = path.relative_to(ROOT.parent).with_suffix("").parts
        mods[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return mods


MODULES = _modules()


def _imports(name: str, path: Path) -> set[str]:
    is_pkg = path.name == "__init__.py"
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            base = name if is_pkg else name.rsplit(".", 1)[0]
            for _ in range(max(node.level - 1, 0)):
                base = base.rsplit(".", 1)[0]
            target = (f"{base}.{node.module}" if node.module else base) if node.level \
                else (node.module or "")
            candidates = [target, *(f"{target}.{a.name}" for a in node.names)]
        elif isinstance(node, ast.Import):
            candidates = [a.name for a in node.names]
        else:
            continue
        for candidate in candidates:
            while candidate and candidate not in MODULES:
                candidate = candidate.rpartition(".")[0]
            if candidate.startswith("aduan.") and candidate != name:
                found.add(candidate)
    return found


GRAPH = {name: _imports(name, path) for name, path in MODULES.items()}


def _app(module: str) -> str:
    return module.split(".")[1] if module.count(".") else ""


def test_every_top_level_part_has_a_layer():
    parts = {_app(m) for m in MODULES} - {""}
    assert parts <= BASE | DOMAIN | SHARED | DELIVERY | WIRING, \
        f"give these a layer in tests/test_architecture.py: {parts - BASE - DOMAIN - SHARED - DELIVERY - WIRING}"


@pytest.mark.parametrize("layer, may_not_import", [
    (BASE, DOMAIN | SHARED | DELIVERY | WIRING),
    (DOMAIN, SHARED | DELIVERY | WIRING),
    (SHARED, DELIVERY | WIRING),
])
def test_lower_layers_never_import_higher_ones(layer, may_not_import):
    wrong = sorted(f"{m} -> {t}" for m, targets in GRAPH.items() if _app(m) in layer
                   for t in targets if _app(t) in may_not_import)
    assert not wrong, "\n".join(wrong)


def test_lib_stays_framework_free_of_other_aduan_modules():
    wrong = sorted(f"{m} -> {t}" for m, targets in GRAPH.items() if _app(m) == "lib"
                   for t in targets if _app(t) != "lib")
    assert not wrong, "\n".join(wrong)


def test_no_delivery_app_imports_another():
    wrong = sorted(f"{m} -> {t}" for m, targets in GRAPH.items() if _app(m) in DELIVERY
                   for t in targets if _app(t) in DELIVERY and _app(t) != _app(m))
    assert not wrong, "\n".join(wrong)


def _circles() -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan, iteratively)."""
    index, low, on_stack, stack, out, counter = {}, {}, set(), [], [], [0]
    for start in GRAPH:
        if start in index:
            continue
        work = [(start, iter(sorted(GRAPH[start])))]
        index[start] = low[start] = counter[0]
        counter[0] += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter[0]
                    counter[0] += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(GRAPH.get(child, ())))))
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    if len(component) > 1:
                        out.append(sorted(component))
    return out


def test_no_import_circles_lazy_imports_included():
    assert _circles() == []


# What the access rules are asked about (the caller, the data subject, the agency's sign-off
# configuration) lives beside reports/access.py; those modules hold no rules, so they never
# need the rules themselves.
ACCESS_SUPPORT = ("aduan.reports.callers", "aduan.reports.subjects", "aduan.reports.policy")


@pytest.mark.parametrize("module", ACCESS_SUPPORT)
def test_access_support_modules_sit_below_the_rules(module):
    assert "aduan.reports.access" not in GRAPH[module]


def test_access_rules_stay_in_one_readable_file():
    lines = MODULES["aduan.reports.access"].read_text(encoding="utf-8").count("\n")
    assert lines < 400, f"reports/access.py has {lines} lines; move what is not a rule beside it"
