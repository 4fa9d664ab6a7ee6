"""Uploading, checking and using extracts through the pages, as the analyst does, for the web tests."""

import re
from datetime import date
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from assure.performance.engine.synth import write_history
from assure.performance.models import DataVersion, Extract, IndicatorResult

ANNEX_A_LISTS = range(1, 9)


def history(folder: Path, *, seed: int = 1, children: int = 300, end: date = date(2020, 3, 31)) -> dict[int, Path]:
    """A small synthetic Annex A history (three years to ``end``): each list's CSV by its number."""
    folder.mkdir(parents=True, exist_ok=True)
    write_history(folder, children=children, seed=seed, years=3, end=end)
    return {int(path.name.split("_")[1]): path for path in folder.glob("List_*.csv")}


def as_upload(path: Path, name: str | None = None) -> SimpleUploadedFile:
    return SimpleUploadedFile(name or path.name, path.read_bytes(), content_type="text/csv")


def upload(client, files, capture) -> Extract:
    """Upload ``files`` at once from the upload page; the check runs when the upload commits (tasks run at once in
    tests unless a test uses the database queues). Returns the extract."""
    before = set(Extract.objects.values_list("pk", flat=True))
    with capture(execute=True):
        response = client.post(reverse("performance:extract-upload"), {"files": files})
    assert response.status_code == 302, response.content.decode()[:2000]
    return Extract.objects.exclude(pk__in=before).get()


def in_use_token(client, extract: Extract) -> str:
    """The data in use as the check page drew it, from its "Use this extract" form."""
    html = client.get(extract.get_absolute_url()).content.decode()
    field = re.search(r'<input type="hidden" name="data_in_use"[^>]*>', html).group(0)
    value = re.search(r'value="([^"]*)"', field)
    return value.group(1) if value else ""


def use(client, extract: Extract, capture, token: str | None = None):
    token = in_use_token(client, extract) if token is None else token
    with capture(execute=True):
        return client.post(reverse("performance:extract-use", args=[extract.pk]), {"data_in_use": token})


def figures(run) -> dict[tuple, tuple]:
    """Every figure of a run: (indicator, period kind, period start) to (numerator, denominator, value)."""
    return {
        (r.indicator_id, r.period_kind, r.period_start): (r.numerator, r.denominator, r.value)
        for r in IndicatorResult.objects.filter(run=run)
    }


def year_figure(run, indicator_id: str, start_year: int = 2019) -> IndicatorResult:
    return run.results.get(
        indicator_id=indicator_id, period_kind=IndicatorResult.PeriodKind.YEAR, period_start__year=start_year
    )


def sources_in_use(partnership) -> dict[str, int]:
    """The data in use: each source's key and the stored source it comes from."""
    version = DataVersion.in_use(partnership)
    return dict(version.sources.values_list("key", "pk")) if version else {}


def text_of(response) -> str:
    """A page's main content as text, without markup."""
    main = response.content.decode().split('<main class="govuk-main-wrapper"', 1)[1]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", main))
