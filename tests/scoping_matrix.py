"""The scoping matrix: every role x every record type x every URL kind (page, edit, export, API).
Each record type names how to make one record on side a and one on side b of the world
(two districts, each with its own bureau, provider and enterprise), where its pages live, and
which roles may see and edit it. Later issues add rows here; the test walks them all."""

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse

ROLES = ["owner", "agency", "partner", "district_a", "provider_a", "enterprise_a", "trainee_a"]


@dataclass(frozen=True)
class RecordType:
    name: str
    model: str  # app_label.ModelName
    make: Callable  # (world, side) -> record
    page: Callable  # record -> url
    edit: Callable | None  # record -> url
    export: str  # list url name; ?export=xlsx
    api: Callable  # record -> url
    label: Callable  # record -> text that appears in the export row
    sees: frozenset[str]  # roles that see side a's record (side b's: programme-wide roles only)
    edits: frozenset[str]  # roles that may open side a's edit page


# Models every signed-in user reads alike, or that are their owner's alone whatever the role
# (tested in their own app); every other scoped model must have a row below.
EXEMPT = {"reference.City", "reference.Region", "reference.Industry", "reference.Position", "accounts.ApiToken"}

PROGRAMME_WIDE = frozenset({"owner", "agency", "partner"})

RECORD_TYPES = [
    RecordType(
        name="organisation",
        model="accounts.Organisation",
        make=lambda w, side: w.orgs[f"enterprise_{side}"],
        page=lambda o: reverse("accounts:organisation_detail", args=[o.pk]),
        edit=lambda o: reverse("accounts:organisation_edit", args=[o.pk]),
        export="accounts:organisation_list",
        api=lambda o: f"/api/v1/organisations/{o.pk}",
        label=lambda o: o.name,
        sees=PROGRAMME_WIDE | {"district_a", "enterprise_a", "trainee_a"},
        edits=frozenset({"owner", "agency"}),
    ),
    RecordType(
        name="user",
        model="accounts.User",
        make=lambda w, side: w.users[f"trainee_{side}"],
        page=lambda u: reverse("accounts:user_detail", args=[u.pk]),
        edit=lambda u: reverse("accounts:user_edit", args=[u.pk]),
        export="accounts:user_list",
        api=lambda u: f"/api/v1/users/{u.pk}",
        label=lambda u: u.username,
        sees=PROGRAMME_WIDE | {"district_a", "enterprise_a", "trainee_a"},
        edits=frozenset({"owner", "agency", "enterprise_a"}),
    ),
]
