"""How the dataset format of REPORT.md maps onto Haven's records: one place, used by the
import, the export and the report's figures, so that a round trip gives the same figures.

- ``clients.csv`` -> ``clients.Client`` (``client_ref`` is the file code).
- ``intakes.csv`` -> ``intake.Intake`` (``intake_ref`` is the intake number; ``indicators`` is
  the screening's conclusion; an empty outcome or ``pending`` is an open intake).
- ``guidance.csv`` -> ``guidance.Episode`` (``guidance_ref`` in ``Episode.ref``; an episode
  whose form of exploitation is not known yet counts and exports as ``other``).
- ``rooms.csv`` / ``stays.csv`` -> ``shelter.Room`` / ``shelter.Assignment`` chained into
  ``shelter.Stay``.
- ``residence.csv`` -> ``residence.ResidenceDocument``; ``returns.csv`` ->
  ``residence.VoluntaryReturn``.
- ``legal.csv`` -> ``legal.Dossier`` with a ``Victim`` per client and the decisive
  ``DossierEvent`` steps its outcome and verdict are derived from.
- ``contacts.csv`` -> held ``appointments.Appointment`` (see ``CONTACT_KIND``).
- ``outreach.csv`` -> ``outreach.Activity``.
"""

import datetime
from zoneinfo import ZoneInfo

from haven.appointments.models import Kind as AppointmentKind
from haven.intake.models import Outcome as IntakeOutcome
from haven.legal.models import Verdict
from haven.residence.models import DocumentType

# REPORT.md: a datetime without offset means Europe/Brussels; a datetime counts by its date there.
BRUSSELS = ZoneInfo("Europe/Brussels")

# The contacts of the psychosocial figures: held appointments with a client, of these kinds,
# each counted as the dataset's contact kind. Accompaniments (police, court, doctor) are not
# conversations and are not contacts.
CONTACT_KIND: dict[str, str] = {
    AppointmentKind.INDIVIDUAL: "individual",
    AppointmentKind.HOME_VISIT: "individual",
    AppointmentKind.HOUSING_SEARCH: "individual",
    AppointmentKind.PHONE: "phone",
    AppointmentKind.GROUP: "group",
}
# An imported contact becomes an appointment of this kind.
APPOINTMENT_KIND: dict[str, str] = {
    "individual": AppointmentKind.INDIVIDUAL,
    "phone": AppointmentKind.PHONE,
    "group": AppointmentKind.GROUP,
}
# The appointment kinds counted as each contact kind (for the figures' filters).
KINDS_OF_CONTACT: dict[str, list[str]] = {
    contact: [kind for kind, counted in CONTACT_KIND.items() if counted == contact]
    for contact in ("individual", "phone", "group")
}
# An imported contact was held at this hour of its day (the dataset gives the date only).
CONTACT_HOUR = datetime.time(10, 0)

# The intake decisions of the dataset (``intakes.csv`` outcome; the report's ``by_outcome``):
# Haven's open intakes (no decision, first meeting planned) are ``pending``.
INTAKE_OUTCOMES: tuple[str, ...] = (
    IntakeOutcome.GUIDANCE_STARTED.value,
    IntakeOutcome.REFERRED_PARTNER_CENTRE.value,
    IntakeOutcome.REFERRED_OTHER_SERVICE.value,
    IntakeOutcome.DECLINED.value,
    IntakeOutcome.NO_FOLLOW_UP.value,
    "pending",
)
# The verdicts of ``legal.csv`` and the report's ``verdicts`` (none yet: ``pending``).
VERDICTS: tuple[str, ...] = (
    Verdict.CONVICTION.value,
    Verdict.PARTIAL_ACQUITTAL.value,
    Verdict.ACQUITTAL.value,
    Verdict.PENDING.value,
)

# The document codes of the dataset; Haven's other routes (EU registration, asylum) count and
# export as ``other``.
DATASET_DOCUMENTS: tuple[str, ...] = (
    DocumentType.ANNEX15,
    DocumentType.AI,
    DocumentType.A_CARD,
    DocumentType.B_CARD,
    DocumentType.MINOR_AI,
    DocumentType.HUMANITARIAN_TEMPORARY,
    DocumentType.HUMANITARIAN_PERMANENT,
    DocumentType.OTHER,
)


def dataset_document(document: str) -> str:
    return document if document in DATASET_DOCUMENTS else DocumentType.OTHER.value


def day_start(day: datetime.date) -> datetime.datetime:
    """The first moment of a day in Brussels, as an aware datetime (for a datetime column's
    range: ``day_start(from) <= t < day_start(to + 1 day)``)."""
    return datetime.datetime.combine(day, datetime.time(0, 0), tzinfo=BRUSSELS)


def local_date(moment: datetime.datetime) -> datetime.date:
    """The date of an aware datetime in Brussels."""
    return moment.astimezone(BRUSSELS).date()
