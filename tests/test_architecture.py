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


# Public functions of services modules that take no `actor`, and why.
NO_STAFF_ACTOR = {
    # The person acts on themselves (as `user`, or identified by a token or a code) or no one yet can.
    "accounts.services.profile_update": "the user edits their own profile",
    "accounts.services.password_change": "the user changes their own password",
    "accounts.services.owner_bootstrap": "creates the first user; no actor exists yet",
    "accounts.services.token_authenticate": "authentication: finds the actor",
    "accounts.services.notification_send": "the system notifies; the service that sends it audits the change",
    "learning.services.enrolment.person_self_register": "anonymous self-registration (throttled)",
    "learning.services.exams.exam_start": "the learner, as `user`",
    "learning.services.exams.exam_submit": "the learner, as `user`",
    "learning.services.session.session_start": "the learner, as `user`",
    "learning.services.session.study_check_answer": "the learner, identified by the session token",
    "training.services.attendance_sign_with_code": "a trainee's phone, identified by the venue's code",
    "training.services.identify": "finds the trainee on the roster for signing in",
    "quiz.services.paper_draw": "a participant's phone, identified by their key or page session",
    "quiz.services.paper_submit": "a participant's phone, identified by the paper's token",
    # Written inside another service's transaction, which checks and audits.
    "providers.services.agreements.team_member_join": "called by the amendment and team services",
    "providers.services.agreements.team_member_leave": "called by the amendment and team services",
    # Derived rows rebuilt from the records: nobody's change.
    "targets.services.completions.target_recount": "rebuilds a target's figures from the completions",
    "targets.services.programme.key_enterprise_targets_recount": "rebuilds after a key-enterprise change",
    "learning.services.catalogue.study_rule_for": "the year's settings row with its defaults, made on first use",
}


def service_signature_problems(root: Path = ROOT) -> list[str]:
    """Every public function of a services module is keyword-only and takes `actor` typed as a
    user, unless it is listed above with its reason. Reads and calculations
    have no place here: they live in selectors.py or a domain module."""
    paths = [*root.glob("*/services.py"), *(p for p in root.glob("*/services/*.py") if p.name != "__init__.py")]
    problems = []
    for path in sorted(paths):
        module = ".".join(path.relative_to(root).with_suffix("").parts)
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if not isinstance(node, ast.FunctionDef) or node.name.startswith("_"):
                continue
            name = f"{module}.{node.name}"
            args = node.args
            if args.posonlyargs or args.args or args.vararg:
                problems.append(f"{name}: not keyword-only")
            actor = next((a for a in args.kwonlyargs if a.arg == "actor"), None)
            if actor is None and name not in NO_STAFF_ACTOR:
                problems.append(f"{name}: no actor")
            elif actor is not None and "User" not in ast.unparse(actor.annotation or ast.Constant("")):
                problems.append(f"{name}: actor not typed as a user")
    return problems


def test_services_are_keyword_only_with_a_typed_actor():
    assert service_signature_problems() == []


def test_the_exemptions_name_functions_that_exist():
    """A renamed or moved function takes its exemption with it, or drops it."""
    listed = set(NO_STAFF_ACTOR)
    found = set()
    for path in [*ROOT.glob("*/services.py"), *ROOT.glob("*/services/*.py")]:
        module = ".".join(path.relative_to(ROOT).with_suffix("").parts)
        found |= {f"{module}.{n.name}" for n in ast.parse(path.read_text()).body if isinstance(n, ast.FunctionDef)}
    assert listed - found == set()


def test_the_signature_check_sees_a_positional_and_an_untyped_actor(tmp_path):
    services = tmp_path / "app" / "services.py"
    services.parent.mkdir()
    services.write_text(
        "def a(x, *, actor: User): ...\ndef b(*, actor): ...\ndef c(*, x): ...\ndef d(*, actor: User | None = None): ...\n"
    )
    assert service_signature_problems(tmp_path) == [
        "app.services.a: not keyword-only",
        "app.services.b: actor not typed as a user",
        "app.services.c: no actor",
    ]


# One writer per lifecycle: where each guarded field may be assigned (a path under yufang/, a
# module or a package), and nowhere else. Every status and state moves through a transition
# table (`core.workflow` sets the table's field by name, which is not an assignment here); a
# background job's own run states and result are the job runner's. `result` is otherwise the
# acceptance's verdict (an import job's `result` is a dict, and assigning a dict is not counted);
# `completed` is the
# attendance's, decided when a session closes; `is_active` is a team member's (joining and
# leaving the team) and a refused self-registration's account; `committed` is the budget
# ledger's and the agreement's commitment.
WRITERS = {
    "status": ("core/jobs.py",),
    "state": (),
    "result": ("projects/services/acceptance.py", "core/jobs.py"),
    "completed": ("training/services",),
    "is_active": ("providers/services/agreements.py", "learning/services/enrolment.py"),
    "committed": ("plans/services.py", "providers/services/agreements.py"),
    # A quiz participant's counted result, and an inspection's head count.
    # quiz/hotpath.py: a paper's submission, the counted result moved in the same SQL statement.
    "counted_at": ("quiz/services.py", "quiz/hotpath.py", "supervision/services.py"),
    "answer_ms": ("quiz/services.py", "quiz/hotpath.py"),
    # A completion's revocation (targets) and an API token's (accounts).
    "revoked_at": ("targets/services/revocation.py", "accounts/services.py"),
}


def _writes(tree: ast.AST) -> list[tuple[str, int]]:
    """(field, line) of every write of a guarded field: `x.f = v`, `x.f += v`, `setattr(x, "f", v)`,
    `qs.update(f=v)` and `bulk_update(objs, ["f", ...])`; assigning a dict is not a write."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign | ast.AugAssign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                for t in ast.walk(target):
                    if isinstance(t, ast.Attribute) and t.attr in WRITERS and not isinstance(node.value, ast.Dict):
                        found.append((t.attr, node.lineno))
        elif isinstance(node, ast.Call):
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            if name == "setattr" and len(node.args) == 3 and isinstance(node.args[1], ast.Constant):
                if node.args[1].value in WRITERS:
                    found.append((node.args[1].value, node.lineno))
            elif name == "update":
                found.extend(
                    (k.arg, node.lineno)
                    for k in node.keywords
                    if k.arg in WRITERS and not isinstance(k.value, ast.Dict)
                )
            elif name == "bulk_update" and len(node.args) >= 2 and isinstance(node.args[1], ast.List | ast.Tuple):
                found.extend(
                    (e.value, node.lineno)
                    for e in node.args[1].elts
                    if isinstance(e, ast.Constant) and e.value in WRITERS
                )
    return found


def strays(root: Path = ROOT) -> list[str]:
    result = []
    for app in sorted(p for p in root.iterdir() if (p / "apps.py").exists()):
        for path in _modules(app):
            where = path.relative_to(root).as_posix()
            for field, line in _writes(ast.parse(path.read_text(encoding="utf-8"))):
                if not any(where.startswith(allowed) for allowed in WRITERS[field]):
                    result.append(f"{where}:{line} writes {field}")
    return sorted(result)


def test_statuses_and_guarded_fields_are_written_only_by_their_services():
    assert strays() == []


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("ext.status = 'refused'", [("status", 1)]),
        ("version.state = state", [("state", 1)]),
        ("acceptance.result = 'pass'", [("result", 1)]),
        ("locked.result = {**locked.result, 'applied': True}", []),
        ("setattr(member, 'is_active', False)", [("is_active", 1)]),
        ("setattr(obj, self.status_field, target)", []),
        ("Attendance.objects.filter(pk=1).update(completed=True)", [("completed", 1)]),
        ("Attendance.objects.bulk_update(rows, ['minutes', 'completed'])", [("completed", 1)]),
        ("item.committed -= amount", [("committed", 1)]),
        ("obj.decision_note = note", []),
    ],
)
def test_the_writer_check_sees_every_kind_of_write(source, expected):
    assert _writes(ast.parse(source)) == expected


def test_a_status_written_outside_its_service_is_caught(tmp_path):
    app = tmp_path / "projects"
    (app / "views").mkdir(parents=True)
    (app / "apps.py").write_text("", encoding="utf-8")
    (app / "views" / "money.py").write_text("def f(p):\n    p.status = 'settled'\n", encoding="utf-8")
    assert strays(tmp_path) == ["projects/views/money.py:2 writes status"]
