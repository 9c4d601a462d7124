from typing import Any

from django.core.management.base import BaseCommand

from haven.core.crypto import generate_key


class Command(BaseCommand):
    help = "Print a new random key for HAVEN_FIELD_KEYS."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(generate_key())
