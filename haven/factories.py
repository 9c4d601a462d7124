"""factory_boy factories for tests and benchmarks; every value synthetic."""

import datetime

import factory
from django_otp.plugins.otp_totp.models import TOTPDevice

from haven.accounts.models import User
from haven.accounts.permissions import Role
from haven.centres.models import Centre
from haven.clients.models import Client, Gender
from haven.intake.models import Channel, Intake, Referrer
from haven.oncall.models import Shift
from haven.reference.models import Nationality


class CentreFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Centre
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"C{chr(65 + n % 26)}{chr(65 + n // 26 % 26)}")
    name = factory.LazyAttribute(lambda o: f"Test centre {o.code}")
    languages = factory.LazyFunction(lambda: ["nl", "fr"])


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    centre = factory.SubFactory(CentreFactory)
    role = Role.PSYCHOSOCIAL

    @factory.post_generation
    def password(obj, create, extracted, **kwargs):
        obj.set_password(extracted or "correct horse battery")
        obj.save()

    @factory.post_generation
    def authenticator(obj, create, extracted, **kwargs):
        if create and not obj._without_2fa:
            TOTPDevice.objects.get_or_create(
                user=obj, confirmed=True, defaults={"name": "authenticator"}
            )

    @classmethod
    def _create(cls, model_class, *args, without_2fa=False, **kwargs):  # type: ignore[no-untyped-def]
        obj = super()._create(model_class, *args, **kwargs)
        obj._without_2fa = without_2fa
        return obj


class NationalityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Nationality
        django_get_or_create = ("code",)

    code = "RO"
    name_en = factory.LazyAttribute(lambda o: f"Country {o.code}")
    name_nl = factory.LazyAttribute(lambda o: f"Land {o.code}")
    name_fr = factory.LazyAttribute(lambda o: f"Pays {o.code}")


class ClientFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Client

    centre = factory.SubFactory(CentreFactory)
    file_code = factory.Sequence(lambda n: f"T-2026-{n:04d}")
    pseudonym = factory.Faker("first_name")
    gender = Gender.FEMALE
    birth_year = 1995
    nationality = factory.LazyFunction(lambda: NationalityFactory(code="RO"))
    legal_name = "Ioana Testescu"
    documented_birth_date = datetime.date(1995, 4, 12)
    phone = "+32 470 00 11 22"
    address = "Voorbeeldstraat 7, 1000 Brussel"
    emergency_contact = "Maria Testescu"


class IntakeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Intake

    centre = factory.SubFactory(CentreFactory)
    code = factory.Sequence(lambda n: f"I-2026-{n:05d}")
    received_at = factory.LazyFunction(
        lambda: datetime.datetime(2026, 3, 4, 10, 30, tzinfo=datetime.UTC)
    )
    channel = Channel.PHONE
    referrer = Referrer.JUDICIAL
    referrer_organisation = "Police zone Test-Noord"
    summary = "Found during a labour inspection; speaks Romanian."
    registered_by = factory.LazyAttribute(
        lambda o: UserFactory(centre=o.centre, username=f"reg-{o.centre.code}")
    )


class ShiftFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Shift

    centre = factory.SubFactory(CentreFactory)
    user = factory.LazyAttribute(
        lambda o: UserFactory(centre=o.centre, username=f"oncall-{o.centre.code}")
    )
    starts_at = factory.LazyFunction(
        lambda: datetime.datetime(2026, 3, 4, 17, 0, tzinfo=datetime.UTC)
    )
    ends_at = factory.LazyFunction(lambda: datetime.datetime(2026, 3, 5, 9, 0, tzinfo=datetime.UTC))
    phone = "+32 470 00 00 99"
