"""The shape of the code base: the import graph between the apps under yufang/ has no cycles, and
no app imports another app's views. Every import counts, including those inside functions (a
lazy import hides a cycle from Python, not from the reader)."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent / "yufang"


def _modules(app: Path):
    for path in app.rglob("*.py"):
        parts = path.relative_to(app).parts
        if parts[0] in ("tests", "migrations"):
            continue
        yield path


def _imported(path: Path, app: str, root: Path = ROOT) -> set[str]:
    """Dotted names a module imports (for `from m import n`: m and m.n), relative imports resolved."""
    package = ["yufang", app, *path.relative_to(root / app).parent.parts]
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            names.add(module)
            names.update(f"{module}.{a.name}" for a in node.names)
    return names


def import_graph() -> tuple[dict[str, set[str]], list[str]]:
    """App → apps it imports, and every import of another app's views ("importer → imported")."""
    apps = sorted(p.name for p in ROOT.iterdir() if (p / "apps.py").exists())
    graph: dict[str, set[str]] = {a: set() for a in apps}
    views: list[str] = []
    for app in apps:
        for path in _modules(ROOT / app):
            for name in _imported(path, app):
                parts = name.split(".")
                if len(parts) < 2 or parts[0] != "yufang" or parts[1] not in graph or parts[1] == app:
                    continue
                graph[app].add(parts[1])
                if len(parts) > 2 and parts[2] == "views":
                    views.append(f"{path.relative_to(ROOT.parent)} → {'.'.join(parts[:3])}")
    return graph, sorted(set(views))


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one app (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph[node]):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def module_graph() -> dict[str, set[str]]:
    """Module → modules under yufang/ it imports (a package's own submodules importing the package
    they sit in do not count: that is how an `__init__` re-exports)."""
    modules: dict[str, tuple[Path, str]] = {}
    for app in (p.name for p in ROOT.iterdir() if (p / "apps.py").exists()):
        for path in _modules(ROOT / app):
            parts = ("yufang", app, *path.relative_to(ROOT / app).with_suffix("").parts)
            modules[".".join(parts).removesuffix(".__init__")] = (path, app)
    graph: dict[str, set[str]] = {}
    for name, (path, app) in modules.items():
        deps = set()
        for imported in _imported(path, app):
            while imported and imported not in modules:
                imported = imported.rpartition(".")[0]
            if imported and imported != name and not name.startswith(imported + "."):
                deps.add(imported)
        graph[name] = deps
    return graph


def test_no_two_modules_import_each_other_even_lazily():
    """E.g. the heartbeat and the learning services: both use `learning.certification` instead."""
    assert cycles(module_graph()) == []


def test_the_import_graph_between_apps_has_no_cycles():
    graph, _ = import_graph()
    assert cycles(graph) == []


def test_no_app_imports_another_apps_views():
    _, views = import_graph()
    assert views == []


def test_the_checks_see_a_cycle_and_a_views_import():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("from yufang.training.views import x", {"yufang.training.views", "yufang.training.views.x"}),
        ("from ..models import X", {"yufang.projects.models", "yufang.projects.models.X"}),
        ("from . import base", {"yufang.projects.services", "yufang.projects.services.base"}),
        ("def f():\n    from yufang.accounts import views", {"yufang.accounts", "yufang.accounts.views"}),
    ],
)
def test_imports_are_read_with_relative_and_lazy_ones_resolved(tmp_path, source, expected):
    package = tmp_path / "yufang" / "projects" / "services"
    package.mkdir(parents=True)
    (package / "plan.py").write_text(source, encoding="utf-8")
    assert _imported(package / "plan.py", "projects", root=tmp_path / "yufang") == expected


def test_the_roster_reader_both_enrolments_share_sits_in_people_below_them():
    """people.roster reads offline rosters and online enrolment lists alike: it knows neither
    training nor learning, and learning does not reach it through training."""
    graph, _ = import_graph()
    assert not graph["people"] & {"training", "learning"}
    through_training = [
        str(path.relative_to(ROOT.parent))
        for path in _modules(ROOT / "learning")
        if any(
            name.startswith(("yufang.training.roster", "yufang.training.jobs")) for name in _imported(path, "learning")
        )
    ]
    assert through_training == []
