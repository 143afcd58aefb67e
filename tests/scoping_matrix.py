"""The scoping matrix: every role x every record type x every URL kind (page, edit, export, API).
Each record type names how to make one record on side a and one on side b of the world
(two districts, each with its own bureau, provider and enterprise), where its pages live, and
which roles may see and edit it. Later issues add rows here; the test walks them all."""

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse

from yufang.providers.tests import matrix as providers

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
    # Roles that see side b's record; programme-wide roles unless a register is wider (debarments).
    sees_theirs: frozenset[str] | None = None


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
    # --- providers (issue 4) ---
    RecordType(
        name="provider_profile",
        model="providers.ProviderProfile",
        make=providers.profile,
        page=lambda p: reverse("providers:provider_detail", args=[p.pk]),
        edit=lambda p: reverse("providers:provider_edit", args=[p.pk]),
        export="providers:provider_list",
        api=lambda p: f"/api/v1/providers/profiles/{p.pk}",
        label=lambda p: p.organisation.name,
        sees=PROGRAMME_WIDE | {"district_a", "provider_a"},
        edits=frozenset({"owner", "agency", "provider_a"}),
    ),
    RecordType(
        name="qualification",
        model="providers.Qualification",
        make=providers.qualification,
        page=lambda q: reverse("providers:qualification_detail", args=[q.pk]),
        edit=lambda q: reverse("providers:qualification_edit", args=[q.pk]),
        export="providers:qualification_list",
        api=lambda q: f"/api/v1/providers/qualifications/{q.pk}",
        label=lambda q: q.number,
        sees=PROGRAMME_WIDE | {"district_a", "provider_a"},
        edits=frozenset({"owner", "agency", "provider_a"}),
    ),
    RecordType(
        name="procurement",
        model="providers.Procurement",
        make=providers.procurement,
        page=lambda p: reverse("providers:procurement_detail", args=[p.pk]),
        edit=lambda p: reverse("providers:procurement_edit", args=[p.pk]),
        export="providers:procurement_list",
        api=lambda p: f"/api/v1/providers/procurements/{p.pk}",
        label=lambda p: p.chosen.name,
        sees=PROGRAMME_WIDE | {"district_a", "provider_a"},
        edits=frozenset({"owner", "agency"}),
    ),
    RecordType(
        name="debarment",
        model="providers.Debarment",
        make=providers.debarment,
        page=lambda d: reverse("providers:debarment_detail", args=[d.pk]),
        edit=None,
        export="providers:debarment_list",
        api=lambda d: f"/api/v1/providers/debarments/{d.pk}",
        label=lambda d: d.decision_number,
        sees=PROGRAMME_WIDE | {"district_a", "provider_a"},
        # The register is programme-wide: every district bureau sees every entry.
        sees_theirs=PROGRAMME_WIDE | {"district_a"},
        edits=frozenset(),
    ),
    RecordType(
        name="agreement",
        model="providers.ServiceAgreement",
        make=providers.agreement,
        page=lambda a: reverse("providers:agreement_detail", args=[a.pk]),
        edit=lambda a: reverse("providers:agreement_edit", args=[a.pk]),
        export="providers:agreement_list",
        api=lambda a: f"/api/v1/providers/agreements/{a.pk}",
        label=lambda a: a.number,
        sees=PROGRAMME_WIDE | {"district_a", "provider_a"},
        edits=frozenset({"agency"}),
    ),
]
