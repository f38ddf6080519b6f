"""Issue 14's journey, as new users would take it, in Welsh from end to end.

An applicant switches to Cymraeg on the sign-in page, starts an application in Welsh, meets a
validation error in Welsh, submits, and gets the receipt page and email in Welsh; a reviewer
who recorded Welsh scores it in Welsh; the programme manager downloads the pack in Welsh. On
every page: axe-core clean, `lang="cy"`, and no interface string left in English.
"""

import datetime
import subprocess

import pytest
from django.core import mail
from django.utils import timezone, translation
from playwright.sync_api import expect

from criteria.demo import DEMO_PASSWORD
from criteria.models import Assignment, PackJob, Review
from pacesetter.models import User
from schemes.enums import ApplicationStatus, RoundState
from schemes.models import Application, Question, Round
from tests.browser.conftest import assert_accessible, assert_welsh
from tests.test_applicant_journey import complete

pytestmark = pytest.mark.browser

APPLICANT = "applicant.cav@example.org"
REVIEWER = "reviewer1@example.org"
MANAGER = "manager@example.org"


def cy(english, **values):
    """The catalogue's Welsh for `english`, with `values` put in."""
    with translation.override("cy"):
        text = translation.gettext(english)
    return text % values if values else text


def checked(page):
    assert_welsh(page)
    assert_accessible(page)


def sign_in_in_welsh(page, base_url, email):
    """Sign in as a newcomer to this browser: choosing Cymraeg on the sign-in page first."""
    page.context.clear_cookies()
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_role("link", name="Cymraeg").click()
    checked(page)
    page.get_by_label(cy("Email address")).fill(email)
    page.get_by_label(cy("Password")).fill(DEMO_PASSWORD)
    page.get_by_role("button", name=cy("Sign in")).click()
    checked(page)


def sign_in_with_welsh_recorded(page, base_url, email):
    """Sign in as someone whose recorded language is Welsh: the pages follow it at once."""
    page.context.clear_cookies()
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    checked(page)


def sign_out(page):
    page.get_by_role("button", name=cy("Sign out")).click()


def test_apply_review_and_pack_in_welsh(page, demo, tmp_path):
    mail.outbox.clear()

    # The applicant, who recorded English, chooses Welsh on the sign-in page.
    sign_in_in_welsh(page, demo, APPLICANT)
    assert User.objects.get(email=APPLICANT).language == "cy"
    page.get_by_role("link", name="Pacesetter 2027-29").click()
    checked(page)
    page.get_by_role("button", name=cy("Start an application")).click()
    checked(page)
    page.get_by_label(cy("What is the title of your scheme?")).fill("Tîm cymorth practisau")
    page.get_by_label(cy("Welsh"), exact=True).check()
    page.get_by_role("button", name=cy("Start application")).click()
    checked(page)
    application = Application.objects.get(round__code="2027-29", organisation__code="CAV")
    assert application.language == "cy"

    # A word limit broken in Welsh is refused in Welsh.
    limited = (
        Question.objects.filter(section__question_set=application.round.question_set)
        .exclude(word_limit=None)
        .select_related("section")
        .order_by("section__number", "number")
        .first()
    )
    page.get_by_role("link", name=limited.section.title_cy).click()
    checked(page)
    page.get_by_label(limited.label_cy.rstrip(".")).fill("gair " * (limited.word_limit + 1))
    page.get_by_role("button", name=cy("Save and continue")).click()
    summary = page.get_by_role("alert")
    expect(summary.get_by_role("heading")).to_have_text(cy("There is a problem"))
    expect(summary).to_contain_text(
        cy(
            "Use %(limit)s words or fewer; you have used %(count)s",
            limit=limited.word_limit,
            count=limited.word_limit + 1,
        )
    )
    checked(page)

    # The rest of the form filled in as a finished draft, then checked and submitted here.
    complete(application, User.objects.get(email=APPLICANT))
    page.goto(f"{demo}/applications/{application.reference}/apply/check/")
    checked(page)
    page.get_by_role("button", name=cy("Submit application")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(cy("Application submitted"))
    checked(page)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED
    receipts = [message for message in mail.outbox if APPLICANT in message.to]
    assert [message.subject for message in receipts] == [
        cy("Application %(reference)s submitted", reference=application.reference)
    ]
    assert cy("Pacesetter programme team") in receipts[0].body
    sign_out(page)

    # The panel: the round in review, reviewer1 (Welsh recorded) assigned.
    now = timezone.now()
    Round.objects.filter(code="2027-29").update(
        state=RoundState.IN_REVIEW,
        opens_at=now - datetime.timedelta(days=60),
        closes_at=now - datetime.timedelta(minutes=1),
    )
    User.objects.filter(email=REVIEWER).update(language="cy")
    assignment = Assignment.objects.create(
        application=application,
        reviewer=User.objects.get(email=REVIEWER),
        assigned_by=User.objects.get(email=MANAGER),
        due_date=timezone.localdate() + datetime.timedelta(days=7),
    )
    sign_in_with_welsh_recorded(page, demo, REVIEWER)
    page.goto(f"{demo}/reviews/{assignment.pk}/")
    checked(page)
    criteria = list(application.round.criteria_set.criteria.order_by("pk"))
    good = application.round.criteria_set.scale_points.get(value=4)
    for criterion in criteria:
        page.get_by_role(
            "group", name=cy("Score for criterion %(label)s", label=criterion.label)
        ).get_by_label(f"4 – {good.label_cy}", exact=True).check()
        page.get_by_label(cy("Justification for criterion %(label)s", label=criterion.label)).fill(
            "Mae’r dystiolaeth yn glir."
        )
    page.get_by_label(cy("Fund"), exact=True).check()
    page.get_by_role("button", name=cy("Submit review")).click()
    checked(page)
    review = Review.objects.get(assignment=assignment)
    assert (review.status, review.scores.count()) == ("submitted", len(criteria))
    sign_out(page)

    # The programme manager makes and downloads the pack in Welsh.
    sign_in_in_welsh(page, demo, MANAGER)
    page.goto(f"{demo}/rounds/2027-29/pack/")
    checked(page)
    page.get_by_role(
        "group", name=cy("Which language should the pack be written in?")
    ).get_by_label(cy("Welsh"), exact=True).check()
    page.get_by_role("button", name=cy("Make the appraisal pack")).click()
    expect(page.get_by_role("heading", name=cy("Your pack is ready"))).to_be_visible()
    checked(page)
    job = PackJob.objects.latest("pk")
    assert job.language == "cy"
    with page.expect_download() as download:
        page.get_by_role("link", name=cy("Download the appraisal pack (PDF)")).click()
    pdf = tmp_path / "pack.pdf"
    download.value.save_as(pdf)
    text = subprocess.run(  # noqa: S603 - poppler-utils on our own temporary file
        ["/usr/bin/pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert cy("Contents") in text
    assert "Tîm cymorth practisau" in text
