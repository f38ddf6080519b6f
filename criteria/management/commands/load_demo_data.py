from django.core.management.base import BaseCommand
from django.utils import timezone

from criteria.demo import DEMO_PASSWORD, DEMO_USERS, load_demo_data


class Command(BaseCommand):
    help = (
        "Load demo data on top of the reference data: demo users, the two seed applications "
        'and the demo round "Pacesetter 2027-29", open for eight weeks from now. '
        "Safe to run again. Never run this against a live database."
    )

    def handle(self, *args, **options):
        demo_round = load_demo_data()
        closes = timezone.localtime(demo_round.closes_at).strftime("%d %B %Y %H:%M %Z")
        self.stdout.write(f"{demo_round.name} is open until {closes}.")
        self.stdout.write(f"Demo users (password for all: {DEMO_PASSWORD}):")
        for spec in DEMO_USERS:
            self.stdout.write(f"  {spec.email:<28} {spec.description}")
