"""What domain apps contribute to shared pages without core importing them: navigation
entries, the 待办 (waiting for you) items on each user's home page, and named contributions
one app gathers from the apps built on it (the completion report's panels, a person's archive,
what follows a change of key enterprises), so that the app lower down never imports the one
higher up. Apps register in their AppConfig.ready()."""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.urls import reverse


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

# Contribution points: (request, project) -> rendered HTML of a section of the completion report;
# (user, person) -> parts of a person's archive by name; (year) -> what follows a change of the
# year's key enterprises.
COMPLETION_PANELS = "projects.completion_panels"
PERSON_ARCHIVE = "people.archive"
PERSON_ORGANISATION_SCOPE = "people.organisation_scope"
KEY_ENTERPRISES_CHANGED = "enterprises.key_enterprises_changed"
# () -> differences between stored platform figures and the raw records (targets.figures_recount).
FIGURE_CHECKS = "targets.figure_checks"
# (project, until=, industry_id=) -> (sessions held, their class hours), from the app keeping sessions.
SESSIONS_HELD = "projects.sessions_held"


def add_nav(item: NavItem) -> None:
    registry.nav.append(item)


def add_todos(source: Callable[[object], list[Todo]]) -> None:
    registry.todo_sources.append(source)


def nav_for(user) -> list[NavItem]:
    return sorted((i for i in registry.nav if i.visible(user)), key=lambda i: (i.order, i.label))


def todos_for(user) -> list[Todo]:
    items: list[Todo] = []
    for source in registry.todo_sources:
        items.extend(source(user))
    return items


def add_panel(panel: Panel) -> None:
    registry.panels.append(panel)


def panels_for(user) -> list[tuple[str, dict]]:
    shown = []
    for panel in sorted(registry.panels, key=lambda p: p.order):
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
