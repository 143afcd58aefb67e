"""What domain apps contribute to shared pages without core importing them: navigation
entries, the 待办 (waiting for you) items on each user's home page, and named contributions
one app gathers from the apps built on it (the completion report's panels, a person's archive,
what follows a change of key enterprises), so that the app lower down never imports the one
higher up. Apps register in their AppConfig.ready()."""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.urls import reverse


class NavGroup:
    """The top menu's dropdowns. An item without a group stands on the bar by itself; a group
    that a user sees only one item of shows that item on the bar, so no one opens a menu of one."""

    PLAN = "计划目标"
    PROJECTS = "项目资金"
    TRAINING = "培训"
    PUBLICITY = "宣传"
    PEOPLE = "企业人员"
    ADMIN = "系统"


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    visible: Callable[[object], bool]
    group: str = ""
    order: int = 100

    @property
    def url(self) -> str:
        return reverse(self.url_name)


@dataclass(frozen=True)
class Todo:
    title: str
    url: str
    count: int | None = None
    detail: str = ""
    level: str = "info"  # info | warning | danger


@dataclass(frozen=True)
class Panel:
    """A block on the home page: a template and what it shows for this user (None: not shown)."""

    template: str
    data: Callable[[object], dict | None]
    order: int = 100


@dataclass
class _Registry:
    nav: list[NavItem] = field(default_factory=list)
    todo_sources: list[Callable[[object], list[Todo]]] = field(default_factory=list)
    panels: list[Panel] = field(default_factory=list)
    contributions: dict[str, list[Callable]] = field(default_factory=dict)


registry = _Registry()

# Contribution points: (request, project) -> rendered HTML of a section of the completion report,
# or of the project's own page ("" where the section does not apply);
# (user, person) -> parts of a person's archive by name; (year) -> what follows a change of the
# year's key enterprises.
COMPLETION_PANELS = "projects.completion_panels"
PROJECT_PANELS = "projects.project_panels"
PERSON_ARCHIVE = "people.archive"
PERSON_ORGANISATION_SCOPE = "people.organisation_scope"
KEY_ENTERPRISES_CHANGED = "enterprises.key_enterprises_changed"
# () -> differences between stored platform figures and the raw records (targets.figures_recount).
FIGURE_CHECKS = "targets.figure_checks"
# (target, region_id) -> the figure of a target whose metric the contributing app counts (the
# quiz's enterprises reached and participants), or None for a metric it does not own.
TARGET_VALUES = "targets.target_values"
# (completion=, actor=) -> None: what follows a completion's revocation in the apps keeping
# figures of their own (a project's report figures), inside the revoking transaction.
COMPLETION_REVOKED = "targets.completion_revoked"
# (project, until=, industry_id=) -> (sessions held, their class hours), from the app keeping sessions.
SESSIONS_HELD = "projects.sessions_held"
# (project, indicator_kind, until=) -> the quantity of accepted deliverables counted against that
# agreement indicator, from the app keeping them; None where it keeps no record of the kind.
DELIVERABLES_ACCEPTED = "projects.deliverables_accepted"
# (request, progress report) -> rendered HTML of a section of a progress report's page ("" where
# the section does not apply).
REPORT_PANELS = "projects.report_panels"


def add_nav(item: NavItem) -> None:
    registry.nav.append(item)


def add_todos(source: Callable[[object], list[Todo]]) -> None:
    registry.todo_sources.append(source)


def nav_for(user) -> list[NavItem]:
    return sorted((i for i in registry.nav if i.visible(user)), key=lambda i: (i.order, i.label))


@dataclass(frozen=True)
class NavEntry:
    """One place on the menu bar: a link (one item) or a dropdown (a group's items)."""

    label: str
    items: tuple[NavItem, ...]

    @property
    def is_group(self) -> bool:
        return len(self.items) > 1


def nav_entries_for(user) -> list[NavEntry]:
    entries: list[NavEntry] = []
    groups: dict[str, list[NavItem]] = {}
    for item in nav_for(user):
        if not item.group:
            entries.append(NavEntry(item.label, (item,)))
            continue
        if item.group not in groups:
            groups[item.group] = []
            entries.append(NavEntry(item.group, ()))
        groups[item.group].append(item)
    return [
        NavEntry(e.label if len(groups.get(e.label, ())) != 1 else groups[e.label][0].label, tuple(groups[e.label]))
        if not e.items
        else e
        for e in entries
    ]


def todos_for(user) -> list[Todo]:
    items: list[Todo] = []
    for source in registry.todo_sources:
        items.extend(source(user))
    return items


def add_panel(panel: Panel) -> None:
    registry.panels.append(panel)


# Panels ordered below this stand above the 待办 list: they are the role's next step itself
# (a trainee's 继续学习, a provider's projects), not figures to look at.
LEAD_ORDER = 5


def panels_for(user, *, lead: bool | None = None) -> list[tuple[str, dict]]:
    shown = []
    for panel in sorted(registry.panels, key=lambda p: p.order):
        if lead is not None and (panel.order < LEAD_ORDER) != lead:
            continue
        data = panel.data(user)
        if data is not None:
            shown.append((panel.template, data))
    return shown


def contribute(name: str, source: Callable) -> None:
    """Adds `source` to the named contribution point (an app's own name first: "projects.completion_panels")."""
    registry.contributions.setdefault(name, []).append(source)


def contributions(name: str) -> list[Callable]:
    """What the apps contributed to `name`, in registration order; empty where none did."""
    return list(registry.contributions.get(name, ()))
