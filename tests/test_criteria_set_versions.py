"""Criteria sets: unchangeable once a round uses them, copied to a new version instead."""

import io
from decimal import Decimal

import pytest
from bs4 import BeautifulSoup
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from criteria.demo import load_demo_data
from criteria.domain.criteria_sets import criteria_set_copy
from criteria.models import CriteriaSet, CriteriaSource, Criterion, CriterionGroup, ScalePoint
from criteria.models.criteria_sets import CriteriaSetInUse
from schemes.enums import RoundState
from tests.factories import CriteriaSetFactory, CriterionFactory, RoundFactory

pytestmark = pytest.mark.django_db

MANAGER = "manager@example.org"
ADMIN = "admin@example.org"
NOT_MANAGERS = ["applicant.cav@example.org", "reviewer1@example.org", "chair@example.org"]
COPY_2020 = "/criteria/2020-22/v1/copy/"
IN_USE = (
    "This criteria set is used by a funding round, so it cannot be changed. "
    "Copy it to a new version and change the copy."
)


@pytest.fixture
def used_set():
    return CriteriaSet.objects.get(code="2020-22", version=1)


def snapshot(criteria_set):
    """Everything a set holds, as plain values, to show that nothing changed."""
    return {
        "set": CriteriaSet.objects.filter(pk=criteria_set.pk).values().get(),
        "groups": list(CriterionGroup.objects.filter(criteria_set=criteria_set).values()),
        "criteria": list(Criterion.objects.filter(criteria_set=criteria_set).values()),
        "sources": list(CriteriaSource.objects.filter(criteria_set=criteria_set).values()),
        "scale": list(ScalePoint.objects.filter(criteria_set=criteria_set).values()),
    }


def page(response):
    return BeautifulSoup(response.content, "html.parser")


def parts_of(criteria_set):
    return {
        "set": criteria_set,
        "group": criteria_set.groups.first(),
        "criterion": criteria_set.criteria.first(),
        "source": criteria_set.sources.first(),
        "scale point": criteria_set.scale_points.first(),
    }


TEXT_FIELD = {
    "set": "title",
    "group": "preamble",
    "criterion": "wording",
    "source": "text",
    "scale point": "label",
}


@pytest.mark.parametrize("part", list(TEXT_FIELD))
def test_criteria_set_part_save_is_refused_when_a_round_uses_the_set(used_set, part):
    before = snapshot(used_set)
    instance = parts_of(used_set)[part]
    setattr(instance, TEXT_FIELD[part], "Changed after the round used it")

    with pytest.raises(CriteriaSetInUse) as refusal:
        instance.save()

    assert str(refusal.value) == IN_USE
    assert snapshot(used_set) == before


@pytest.mark.parametrize("part", list(TEXT_FIELD))
def test_criteria_set_part_delete_is_refused_when_a_round_uses_the_set(used_set, part):
    before = snapshot(used_set)

    with pytest.raises(CriteriaSetInUse):
        parts_of(used_set)[part].delete()

    assert snapshot(used_set) == before


def test_criteria_set_in_use_is_a_permission_refusal():
    from django.core.exceptions import PermissionDenied

    assert issubclass(CriteriaSetInUse, PermissionDenied)


def test_criterion_added_to_a_used_set_is_refused(used_set):
    before = snapshot(used_set)

    with pytest.raises(CriteriaSetInUse):
        Criterion.objects.create(
            criteria_set=used_set, position=99, label="9z", wording="A new criterion"
        )

    assert snapshot(used_set) == before


def test_criterion_moved_out_of_a_used_set_is_refused(used_set):
    before = snapshot(used_set)
    criterion = used_set.criteria.get(label="1a")
    criterion.criteria_set = CriteriaSetFactory()

    with pytest.raises(CriteriaSetInUse):
        criterion.save()

    assert snapshot(used_set) == before


@pytest.mark.parametrize(
    "write",
    [
        lambda s: Criterion.objects.filter(criteria_set=s).update(wording="Bulk"),
        lambda s: s.scale_points.update(label="Bulk"),
        lambda s: CriteriaSource.objects.filter(criteria_set=s).delete(),
        lambda s: CriteriaSet.objects.filter(pk=s.pk).update(title="Bulk"),
        lambda s: CriteriaSet.objects.filter(pk=s.pk).delete(),
        lambda s: ScalePoint.objects.bulk_create([ScalePoint(criteria_set=s, value=9, label="9")]),
        lambda s: Criterion.objects.bulk_update(
            [Criterion(pk=s.criteria.first().pk, criteria_set=s, wording="Bulk")], ["wording"]
        ),
    ],
    ids=[
        "update",
        "related-update",
        "delete",
        "set-update",
        "set-delete",
        "bulk-create",
        "bulk-update",
    ],
)
def test_criteria_set_bulk_write_is_refused_when_a_round_uses_the_set(used_set, write):
    before = snapshot(used_set)

    with pytest.raises(CriteriaSetInUse):
        write(used_set)

    assert snapshot(used_set) == before


def test_unused_criteria_set_can_be_edited_and_deleted():
    criterion = CriterionFactory(wording="Original **wording**")
    criteria_set = criterion.criteria_set
    criteria_set.title = "Renamed"
    criterion.wording = "Changed **wording**"
    point = criteria_set.scale_points.get(value=5)
    point.label = "Excellent"

    criteria_set.save()
    criterion.save()
    point.save()
    criteria_set.sources.create(number=1, text="A source")

    criterion.refresh_from_db()
    assert CriteriaSet.objects.get(pk=criteria_set.pk).title == "Renamed"
    assert criterion.wording == "Changed **wording**"
    assert ScalePoint.objects.get(pk=point.pk).label == "Excellent"
    criteria_set.delete()
    assert CriteriaSet.objects.filter(pk=criteria_set.pk).exists() is False


def test_criteria_set_becomes_unchangeable_when_a_round_uses_it():
    criterion = CriterionFactory()
    RoundFactory(criteria_set=criterion.criteria_set, state=RoundState.DRAFT)
    criterion.wording = "Too late"

    with pytest.raises(CriteriaSetInUse):
        criterion.save()


def test_load_reference_data_runs_twice_and_restores_a_missing_part_of_a_used_set(used_set):
    # The base manager is Django's plain one: a deliberate bypass, standing in for a row the
    # database lacks (a fixture added after the set was first loaded).
    label = used_set.scale_points.get(value=5).label
    ScalePoint._base_manager.filter(criteria_set=used_set, value=5).delete()
    first, second = io.StringIO(), io.StringIO()

    call_command("load_reference_data", stdout=first)
    call_command("load_reference_data", stdout=second)

    assert first.getvalue().startswith("Reference data: 1 created,")
    assert second.getvalue().startswith("Reference data: 0 created,")
    assert used_set.scale_points.get(value=5).label == label


def test_load_demo_data_runs_again_with_used_sets():
    load_demo_data()

    assert CriteriaSet.objects.filter(rounds__isnull=False).distinct().count() == 2


# The Django admin


def test_admin_change_page_of_a_used_set_is_read_only(signed_in, used_set):
    response = signed_in(ADMIN).get(f"/admin/criteria/criteriaset/{used_set.pk}/change/")

    soup = page(response)
    assert response.status_code == 200
    assert soup.select("input[name=_save], input[name=_continue]") == []
    assert soup.select("textarea, input[type=text], select") == []
    assert soup.select(".add-row, .inline-deletelink, .deletelink") == []
    assert [li.get_text(strip=True) for li in soup.select("ul.messagelist li")] == [
        "This criteria set is used by a funding round, so it cannot be changed. To change "
        'it, use "Copy to a new version" on its page in the portal and change the copy.'
    ]


def test_admin_change_post_for_a_used_set_is_refused(signed_in, used_set):
    before = snapshot(used_set)

    response = signed_in(ADMIN).post(
        f"/admin/criteria/criteriaset/{used_set.pk}/change/",
        {"code": "2020-22", "version": "1", "title": "Changed", "sources_heading": ""},
    )

    assert response.status_code == 403
    assert snapshot(used_set) == before


def test_admin_delete_of_a_used_set_is_refused(signed_in, used_set):
    before = snapshot(used_set)

    response = signed_in(ADMIN).post(
        f"/admin/criteria/criteriaset/{used_set.pk}/delete/", {"post": "yes"}
    )

    assert response.status_code == 403
    assert snapshot(used_set) == before


def test_admin_change_page_of_an_unused_set_offers_save(signed_in):
    criterion = CriterionFactory()
    criteria_set = criterion.criteria_set
    client = signed_in(ADMIN)
    url = f"/admin/criteria/criteriaset/{criteria_set.pk}/change/"

    soup = page(client.get(url))

    assert len(soup.select("input[name=_save]")) == 1
    assert soup.select("ul.messagelist li") == []


# Copying to a new version


def test_criteria_set_copy_makes_version_2_with_every_part(signed_in, used_set):
    response = signed_in(MANAGER).post(COPY_2020)

    copy = CriteriaSet.objects.get(code="2020-22", version=2)
    assert response.status_code == 302
    assert response["Location"] == "/criteria/2020-22/v2/"
    assert copy.title == used_set.title
    assert copy.sources_heading == used_set.sources_heading
    assert copy.criteria.count() == 14
    assert copy.groups.count() == 4
    assert copy.sources.count() == 6
    assert copy.scale_points.count() == 6
    assert copy.rounds.exists() is False

    def criteria(s):
        return [
            (c.position, c.label, c.group.number, c.wording, c.guidance, c.weight)
            for c in s.criteria.select_related("group").order_by("position")
        ]

    assert criteria(copy) == criteria(used_set)
    assert [c.key_phrases for c in copy.criteria.order_by("position")] == [
        c.key_phrases for c in used_set.criteria.order_by("position")
    ]
    assert list(copy.groups.values_list("number", "preamble")) == list(
        used_set.groups.values_list("number", "preamble")
    )
    assert list(copy.sources.values_list("number", "text")) == list(
        used_set.sources.values_list("number", "text")
    )
    assert list(copy.scale_points.values_list("value", "label")) == list(
        used_set.scale_points.values_list("value", "label")
    )
    assert {c.group.criteria_set_id for c in copy.criteria.select_related("group")} == {copy.pk}


def test_criteria_set_copy_of_a_flat_set_keeps_it_flat(demo_user):
    flat = CriteriaSet.objects.get(code="2018-19", version=1)

    copy = criteria_set_copy(source=flat, acting_user=demo_user(MANAGER))

    assert copy.version == 2
    assert copy.groups.count() == 0
    assert [c.label for c in copy.criteria.order_by("position")] == [str(n) for n in range(1, 9)]


def test_criteria_set_copy_records_who_made_it(demo_user, used_set):
    manager = demo_user(MANAGER)

    copy = criteria_set_copy(source=used_set, acting_user=manager)

    assert copy.history.get().history_user == manager
    assert {c.history.get().history_user for c in copy.criteria.all()} == {manager}


def test_criteria_set_copy_is_editable_until_a_round_uses_it(demo_user, used_set):
    copy = criteria_set_copy(source=used_set, acting_user=demo_user(MANAGER))
    criterion = copy.criteria.get(label="1a")
    criterion.weight = Decimal("2.00")
    criterion.save()
    RoundFactory(criteria_set=copy, state=RoundState.DRAFT)
    criterion.weight = Decimal("3.00")

    with pytest.raises(CriteriaSetInUse):
        criterion.save()

    assert Criterion.objects.get(pk=criterion.pk).weight == Decimal("2.00")
    assert used_set.criteria.get(label="1a").weight == Decimal("1.00")


def test_criteria_set_copy_numbers_after_the_latest_version(signed_in, used_set):
    client = signed_in(MANAGER)

    client.post(COPY_2020)
    response = client.post(COPY_2020)

    assert response["Location"] == "/criteria/2020-22/v3/"
    assert list(
        CriteriaSet.objects.filter(code="2020-22")
        .order_by("version")
        .values_list("version", flat=True)
    ) == [1, 2, 3]


@pytest.mark.parametrize("email", [MANAGER, ADMIN])
def test_criteria_set_copy_page_asks_managers_to_confirm(signed_in, email):
    response = signed_in(email).get(COPY_2020)

    soup = page(response)
    assert response.status_code == 200
    assert soup.h1.get_text(strip=True) == "Copy to version 2"
    assert [b.get_text(strip=True) for b in soup.select("main form button")] == [
        "Copy to version 2"
    ]
    assert CriteriaSet.objects.filter(code="2020-22").count() == 1


@pytest.mark.parametrize("email", NOT_MANAGERS)
@pytest.mark.parametrize("method", ["get", "post"])
def test_criteria_set_copy_is_refused_to_non_managers(signed_in, email, method):
    response = getattr(signed_in(email), method)(COPY_2020)

    assert response.status_code == 403
    assert CriteriaSet.objects.filter(code="2020-22").count() == 1


def test_criteria_set_copy_sends_signed_out_visitor_to_sign_in(client):
    response = client.post(COPY_2020)

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={COPY_2020}"
    assert CriteriaSet.objects.filter(code="2020-22").count() == 1


def test_criteria_set_copy_of_a_missing_version_is_404(signed_in):
    response = signed_in(MANAGER).post("/criteria/2020-22/v9/copy/")

    assert response.status_code == 404


def test_criteria_set_copy_without_csrf_token_is_refused(demo_user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(demo_user(MANAGER))

    response = client.post(COPY_2020)

    assert response.status_code == 403
    assert CriteriaSet.objects.filter(code="2020-22").count() == 1


def test_criteria_set_copy_domain_refuses_non_managers(demo_user, used_set):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        criteria_set_copy(source=used_set, acting_user=demo_user("reviewer1@example.org"))

    assert CriteriaSet.objects.filter(code="2020-22").count() == 1


def test_criteria_set_page_offers_managers_a_copy_and_says_it_is_used(signed_in):
    soup = page(signed_in(MANAGER).get("/criteria/2020-22/v1/"))

    assert soup.select_one("main .govuk-inset-text").get_text(strip=True) == (
        "Used by 2 rounds: it cannot be changed."
    )
    assert soup.find("a", string="Copy to a new version")["href"] == COPY_2020


def test_criteria_set_page_of_an_unused_copy_has_no_used_note(signed_in, demo_user, used_set):
    criteria_set_copy(source=used_set, acting_user=demo_user(MANAGER))

    soup = page(signed_in(MANAGER).get("/criteria/2020-22/v2/"))

    assert soup.select("main .govuk-inset-text") == []
    assert soup.find("a", string="Copy to a new version")["href"] == "/criteria/2020-22/v2/copy/"


@pytest.mark.parametrize("email", NOT_MANAGERS)
def test_criteria_set_page_offers_no_copy_to_non_managers(signed_in, email):
    soup = page(signed_in(email).get("/criteria/2020-22/v1/"))

    assert soup.find("a", string="Copy to a new version") is None
