"""Query counts that must not grow with the rows: a list page or a dashboard reads the same
number of queries for three times as many records. Used by every app's
tests/test_selector_queries.py."""

from collections.abc import Callable
from typing import Any

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext


def queries_of(evaluate: Callable[[], Any]) -> tuple[list[str], Any]:
    with CaptureQueriesContext(connection) as ctx:
        result = evaluate()
    return [q["sql"] for q in ctx.captured_queries], result


def assert_flat(
    *, build: Callable[[int], Any], evaluate: Callable[[], Any], size: Callable[[Any], int] = len, n: int = 2
) -> int:
    """Builds n records, reads once (to warm what is cached across requests), counts the queries
    of a read, builds 2n more and counts again: the two counts must be equal, and the read must
    show more rows the second time (`size` of what `evaluate` returns), so that flat is not flat
    for want of rows. The read must touch every row and every attribute its page shows. Returns
    the count."""
    build(n)
    evaluate()
    few, first = queries_of(evaluate)
    first = size(first)
    build(2 * n)
    many, second = queries_of(evaluate)
    second = size(second)
    assert second > first > 0, (first, second)
    assert len(many) == len(few), "\n".join(["-- at N:", *few, "-- at 3N:", *many])
    return len(few)


def page_reader(user, url: str) -> Callable[[], Any]:
    """A read of a page as the user sees it: the response rendered in full."""
    client = Client()
    client.force_login(user)

    def read():
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        return response

    return read


def listed(response) -> int:
    """How many rows a list page (core.listing.list_response) shows."""
    return len(response.context["object_list"])
