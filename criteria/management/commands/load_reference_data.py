from django.core.management.base import BaseCommand

from pacesetter.fixture_loading import REFERENCE_FILES, load_fixture_files


class Command(BaseCommand):
    help = (
        "Load the programme's reference data (health boards, criteria sets, question sets, "
        "tick-matrix frameworks, the 2018-19 and 2020-22 rounds, learning themes), in English "
        "and Welsh. Safe to run again: existing records are left as they are, except that "
        "Welsh missing from one is filled in from the fixtures."
    )

    def handle(self, *args, **options):
        result = load_fixture_files(REFERENCE_FILES)
        self.stdout.write(
            f"Reference data: {result.created} created, {result.already_present} already present"
            f" ({result.welsh_filled} given their missing Welsh)."
        )
