"""Times and dates written as GOV.UK writes them, through the template filters pages use."""

import datetime
import zoneinfo

import pytest
from django.template import Context, Template

from pacesetter.times import govuk_datetime, govuk_time

LONDON = zoneinfo.ZoneInfo("Europe/London")


def at(hour, minute=0, day=datetime.date(2026, 12, 1)):
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=LONDON)


@pytest.mark.parametrize(
    ("hour", "minute", "written"),
    [
        (12, 0, "midday"),
        (0, 0, "midnight"),
        (17, 30, "5:30pm"),
        (9, 0, "9am"),
        (0, 15, "12:15am"),
        (12, 45, "12:45pm"),
        (23, 5, "11:05pm"),
    ],
)
def test_govuk_time_writes_the_hour_as_gov_uk_does(hour, minute, written):
    assert govuk_time(at(hour, minute)) == written


def test_govuk_time_reads_an_aware_time_in_the_portals_time_zone():
    summer_evening_utc = datetime.datetime(2026, 7, 1, 16, 30, tzinfo=datetime.UTC)

    assert govuk_time(summer_evening_utc) == "5:30pm"


def test_govuk_datetime_writes_the_date_then_at_then_the_time():
    assert govuk_datetime(at(17, 30)) == "1 December 2026 at 5:30pm"


def test_govuk_time_filters_render_in_a_template_and_leave_nothing_for_no_value():
    template = Template(
        "{% load portal %}{{ closes|govuk_datetime }}|{{ closes|govuk_time }}|"
        "{{ missing|govuk_datetime }}|{{ missing|govuk_time }}"
    )

    rendered = template.render(Context({"closes": at(12), "missing": None}))

    assert rendered == "1 December 2026 at midday|midday||"


@pytest.mark.parametrize(
    ("month", "welsh"),
    [(1, "Ionawr"), (6, "Mehefin"), (7, "Gorffennaf"), (12, "Rhagfyr")],
)
def test_welsh_dates_spell_every_month_as_modern_welsh_does(month, welsh):
    # Django's own Welsh spells July "Gorffenaf"; the portal's supplement corrects it.
    from django.utils import translation
    from django.utils.formats import date_format

    day = datetime.date(2026, month, 6)
    with translation.override("cy"):
        assert date_format(day, "j F Y") == f"6 {welsh} 2026"
        assert govuk_datetime(at(9, 0, day)).startswith(f"6 {welsh} 2026 ")
        # The month on its own, as in "Gorffennaf 2026" (Django's "alt. month" form).
        assert date_format(day, "E Y") == f"{welsh} 2026"
