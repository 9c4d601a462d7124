"""The demo centres' directory of lawyers and partner services (``haven.partners``).

Every name, phone number and address is invented: lawyers are named from the demo's name
lists ("Ms. A. Exempla"), services carry "(fictional)" or "(fictional contact)". Each centre gets
the same shape of directory: lawyers, police zones, the federal police and the social
inspection, its prosecutor's and labour auditor's offices, the Immigration Office,
municipalities, public social welfare centres, health insurance funds, the Guardianship Service,
a return organisation and the other demo centres.
"""

import random

from django.db import transaction
from django.utils import timezone

from haven.audit import services as audit
from haven.audit.models import Action
from haven.centres.models import Centre
from haven.demo.services import CENTRES, FAMILY, GIVEN
from haven.partners.models import Partner, PartnerKind

LAWYERS = 6
CITY = {"BXL": "Brussel", "ANT": "Antwerpen", "LIE": "Liège"}
PREFIX = {"BXL": "2", "ANT": "3", "LIE": "4"}  # of the invented phone numbers
# Invented place names: a municipality of the directory is never a real one.
MUNICIPALITIES = {
    "nl": ["Voorbeeldegem", "Demodonk", "Testelbeke", "Proefhoven"],
    "fr": ["Exempleville", "Démoncourt", "Essai-la-Forêt", "Fictivelle"],
}
WELFARE = {"nl": "OCMW", "fr": "CPAS"}
ZONES = ["North", "South", "Centre"]


def directory(centre: Centre, *, seed: int = 2026) -> int:
    """Fill the centre's directory once; a centre that has partners is left as it is."""
    if Partner.objects.filter(centre=centre).exists():
        return 0
    rng = random.Random(f"{seed}:{centre.code}:partners")  # noqa: S311 - synthetic
    city = CITY.get(centre.code, "Brussel")
    language = (centre.languages or ["nl"])[0]
    places = MUNICIPALITIES.get(language, MUNICIPALITIES["nl"])
    prefix = PREFIX.get(centre.code, "2")
    numbers = iter(range(10, 100))

    def phone() -> str:
        return f"+32 {prefix} 000 {next(numbers):02d} {rng.randint(10, 99)}"

    def person() -> str:
        return f"{rng.choice(GIVEN)} {rng.choice(FAMILY)} (fictional)"

    rows: list[tuple[str, str, str, str]] = []  # kind, name, organisation, e-mail's local part
    families = rng.sample(FAMILY, min(LAWYERS, len(FAMILY)))
    for i in range(LAWYERS):
        family = families[i % len(families)]
        title = "Ms." if i % 2 == 0 else "Mr."
        initial = "ABCDEFGHJK"[i]
        rows.append(
            (
                PartnerKind.LAWYER,
                f"{title} {initial}. {family}",
                f"Law firm {family} & Partners (fictional)",
                f"{initial}.{family}",
            )
        )
    for zone in ZONES:
        rows.append(
            (
                PartnerKind.LOCAL_POLICE,
                f"Police zone {city} {zone} (fictional contact)",
                "Human trafficking cell",
                f"zone.{zone}",
            )
        )
    rows += [
        (
            PartnerKind.FEDERAL_POLICE,
            "Federal judicial police, human trafficking unit (fictional contact)",
            "",
            "fedpol",
        ),
        (
            PartnerKind.SOCIAL_INSPECTION,
            f"Social inspection, {city} office (fictional contact)",
            "",
            "inspection",
        ),
        (
            PartnerKind.PROSECUTOR,
            f"Prosecutor's office {city} (fictional contact)",
            "Human trafficking magistrate",
            "prosecutor",
        ),
        (
            PartnerKind.LABOUR_AUDITOR,
            f"Labour auditor's office {city} (fictional contact)",
            "",
            "auditor",
        ),
        (
            PartnerKind.IMMIGRATION_OFFICE,
            "Immigration Office, trafficking victims desk (fictional contact)",
            "",
            "immigration",
        ),
        (PartnerKind.GUARDIANSHIP, "Guardianship Service (fictional contact)", "", "guardians"),
        (
            PartnerKind.RETURN_ORGANISATION,
            "Voluntary return desk (fictional)",
            "Return programme",
            "return",
        ),
        (PartnerKind.HEALTH_INSURANCE, "Health insurance fund Example (fictional)", "", "hi1"),
        (PartnerKind.HEALTH_INSURANCE, "Auxiliary health insurance fund (fictional)", "", "hi2"),
    ]
    for i, place in enumerate(places, start=1):
        rows.append(
            (PartnerKind.MUNICIPALITY, f"Municipality of {place} (fictional)", "", f"town{i}")
        )
    for i, place in enumerate(places[:2], start=1):
        rows.append(
            (
                PartnerKind.WELFARE_CENTRE,
                f"{WELFARE.get(language, 'OCMW')} {place} (fictional)",
                "Social service",
                f"welfare{i}",
            )
        )
    for spec in CENTRES:
        if spec["code"] != centre.code:
            rows.append((PartnerKind.PARTNER_CENTRE, str(spec["name"]), "", ""))
    now = timezone.now()
    partners = [
        Partner(
            centre=centre,
            kind=kind,
            name=name,
            organisation=organisation,
            contact_person="" if kind == PartnerKind.LAWYER else person(),
            phone=phone(),
            email=f"{local.lower().replace(' ', '')}@example.org" if local else "",
            address=f"Voorbeeldstraat {rng.randint(1, 200)}, {city} (fictional)",
            languages=", ".join(centre.languages or ["nl"]),
            created_at=now,
            updated_at=now,
        )
        for kind, name, organisation, local in rows
    ]
    with transaction.atomic():
        Partner.objects.bulk_create(partners)
        audit.record(
            Action.CREATE,
            centre=centre,
            actor_name="haven demo",
            note=f"Demo partner directory: {len(partners)} lawyers and partner services.",
        )
    return len(partners)
