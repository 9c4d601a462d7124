from typing import Any

from django.core.management.base import BaseCommand

from haven.core.rotation import rotate_all


class Command(BaseCommand):
    help = "Re-encrypt every identity field with the current key (first of HAVEN_FIELD_KEYS)."

    def handle(self, *args: Any, **options: Any) -> None:
        for model, count in rotate_all().items():
            self.stdout.write(f"{model}: {count} values re-encrypted")
        self.stdout.write(
            self.style.SUCCESS("Done. Old keys may now be removed from HAVEN_FIELD_KEYS.")
        )
