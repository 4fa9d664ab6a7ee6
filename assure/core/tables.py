"""Every table in Assure: search, filters, sorting, pagination, and CSV or Excel download.

One ``Table`` serves a list page and its downloads, so what a person sees on screen and
what they download are the same rows and columns. Downloads carry the values themselves
(numbers, dates), written by ``core.downloads``.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpResponse
from django.utils import timezone

from . import downloads


@dataclass(frozen=True)
class Column:
    label: str
    value: Callable[[Any], Any]
    sort: str | None = None
    link: bool = False
    numeric: bool = False
    # A status shown as a GOV.UK tag: given the record, the tag's colour ("" for the default).
    tag: Callable[[Any], str] | None = None


def _on_screen(value):
    """Dates and times as people in England write them: 25 Nov 2019 14:05."""
    if isinstance(value, datetime):
        return timezone.localtime(value).strftime("%-d %b %Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%-d %b %Y")
    return value


class Table:
    def __init__(
        self,
        request,
        queryset,
        columns: list[Column],
        *,
        name: str,
        search_fields=(),
        filterset_class=None,
        default_sort: str | None = None,
        per_page: int = 25,
    ):
        self.request = request
        self.columns = columns
        self.name = name
        self.search_fields = search_fields
        self.query = request.GET.get("q", "").strip()
        self.filterset = (
            filterset_class(request.GET or None, queryset=queryset, request=request) if filterset_class else None
        )
        if self.filterset is not None:
            queryset = self.filterset.qs if self.filterset.is_bound and self.filterset.is_valid() else queryset
        if self.query and search_fields:
            condition = Q()
            for field in search_fields:
                condition |= Q(**{f"{field}__icontains": self.query})
            queryset = queryset.filter(condition)
        sortable = {c.sort for c in columns if c.sort}
        requested = request.GET.get("sort", "")
        self.sort = requested if requested.lstrip("-") in sortable else (default_sort or "")
        if self.sort:
            queryset = queryset.order_by(self.sort, "pk")
        self.queryset = queryset
        self.page = Paginator(queryset, per_page).get_page(request.GET.get("page"))

    def _url_with(self, **changes) -> str:
        params = self.request.GET.copy()
        for key, value in changes.items():
            if value is None:
                params.pop(key, None)
            else:
                params[key] = value
        return f"?{params.urlencode()}"

    def headers(self):
        for column in self.columns:
            if not column.sort:
                yield {"label": column.label, "numeric": column.numeric}
                continue
            ascending = self.sort == column.sort
            descending = self.sort == f"-{column.sort}"
            yield {
                "label": column.label,
                "numeric": column.numeric,
                "url": self._url_with(sort=f"-{column.sort}" if ascending else column.sort, page=None),
                "aria_sort": "ascending" if ascending else "descending" if descending else "none",
            }

    def rows(self):
        for obj in self.page.object_list:
            yield [
                {
                    "value": _on_screen(column.value(obj)),
                    "url": obj.get_absolute_url() if column.link else None,
                    "numeric": column.numeric,
                    "tag": column.tag(obj) if column.tag else None,
                }
                for column in self.columns
            ]

    def export_urls(self):
        return {fmt: self._url_with(export=fmt, page=None) for fmt in downloads.FORMATS}

    def page_urls(self):
        return {
            "previous": self._url_with(page=self.page.previous_page_number()) if self.page.has_previous() else None,
            "next": self._url_with(page=self.page.next_page_number()) if self.page.has_next() else None,
            "pages": [
                {"number": n, "url": self._url_with(page=n), "current": n == self.page.number}
                for n in self.page.paginator.get_elided_page_range(self.page.number, on_each_side=2, on_ends=1)
                if isinstance(n, int)
            ],
        }

    @property
    def is_filtered(self) -> bool:
        """Whether a search or a filter narrows the rows: an empty list then says so, and how to see everything."""
        if self.query:
            return True
        filters = self.filterset
        if filters is None or not filters.is_bound or not filters.is_valid():
            return False
        return any(value not in (None, "", [], ()) for value in filters.form.cleaned_data.values())

    @property
    def title(self) -> str:
        """What the table is, in words, from its name: "action-register" is the "Action register"."""
        return self.name.replace("-", " ").capitalize()

    def download(self, fmt: str) -> HttpResponse:
        """Every row that the search and filters leave (not just this page), as ``fmt``."""
        rows = [[column.value(obj) for column in self.columns] for obj in self.queryset.iterator(chunk_size=2000)]
        return downloads.table_download(
            self.request,
            fmt=fmt,
            filename=self.name,
            headers=[column.label for column in self.columns],
            rows=rows,
            about=downloads.About(title=self.title),
        )
