"""Long lists shown a page at a time, searched, filtered and sorted through GET parameters.

Every list page reads its query string with `choice`, `search_term` and `page_number`, which
turn anything a person (or a robot) types into the address bar into something the page can
show, and builds its links with `query_string`, so filters, search and sorting survive paging.
`paginate` gives the page of rows and the links of the GOV.UK pagination component, drawn by
`templates/includes/_pagination.html`.
"""

from dataclasses import dataclass
from urllib.parse import urlencode

from django.core.paginator import Page, Paginator

PER_PAGE = 50
SEARCH_MAX_LENGTH = 100


def choice(value, allowed, default=""):
    """Return `value` if it is one of `allowed`, otherwise `default`."""
    return value if isinstance(value, str) and value in allowed else default


def search_term(value):
    """Return the search words typed, without control characters, trimmed to a sane length."""
    if not isinstance(value, str):
        return ""
    printable = "".join(character if character.isprintable() else " " for character in value)
    return " ".join(printable.split())[:SEARCH_MAX_LENGTH].strip()


def page_number(value, last):
    """Return the page asked for, as a number from 1 to `last`; junk asks for the first page."""
    try:
        number = int(str(value).strip()) if value is not None else 1
    except ValueError:
        return 1
    return min(max(number, 1), last)


def query_string(params, **changes):
    """Return "?key=value&..." for `params` with `changes`, leaving out empty values."""
    merged = {**params, **changes}
    return "?" + urlencode({key: value for key, value in merged.items() if value not in ("", None)})


@dataclass(frozen=True)
class PageLink:
    """One item of the pagination list: a page's number and address, or an ellipsis."""

    number: int | None
    url: str = ""
    current: bool = False

    @property
    def ellipsis(self):
        return self.number is None


@dataclass(frozen=True)
class ListPage:
    """One page of a list, with what the pagination component and the count sentence need."""

    page: Page
    links: list[PageLink]
    previous_url: str | None
    next_url: str | None

    @property
    def rows(self):
        return self.page.object_list

    @property
    def count(self):
        return self.page.paginator.count

    @property
    def first(self):
        return self.page.start_index()

    @property
    def last(self):
        return self.page.end_index()

    @property
    def several_pages(self):
        return self.page.paginator.num_pages > 1


def paginate(items, requested_page, params, per_page=PER_PAGE):
    """Return the page of `items` asked for, its links keeping `params` (filters and sorting).

    `items` is a list or a queryset (counted with one query, then sliced). A page number that
    is junk gives the first page; one past the end gives the last.
    """
    paginator = Paginator(items, per_page)
    number = page_number(requested_page, paginator.num_pages)
    page = paginator.page(number)

    def url(page_number):
        return query_string(params, page=page_number if page_number > 1 else "")

    links = [
        PageLink(None)
        if each == Paginator.ELLIPSIS
        else PageLink(each, url(each), current=each == number)
        for each in paginator.get_elided_page_range(number, on_each_side=1, on_ends=1)
    ]
    return ListPage(
        page=page,
        links=links,
        previous_url=url(number - 1) if page.has_previous() else None,
        next_url=url(number + 1) if page.has_next() else None,
    )
