"""Pages for child-level extracts (upload, check, use, discard), data versions (going back) and publishing the
figures. Only the analyst's role reaches them (child-level data)."""

from datetime import date

from django.contrib import messages
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from assure.core.downloads import About, requested_format, table_download
from assure.core.models import Partnership
from assure.core.pages import add_errors, list_page, service_form_page
from assure.core.permissions import (
    Action,
    Area,
    can,
    get_scoped_object_or_404,
    permission_required,
    require,
    scoped,
)
from assure.core.tables import Column, Table
from assure.core.uploads import accepts_uploads, extract_upload_limit

from . import selectors, services
from .filters import DfeRuleFailureFilter, ExtractFilter
from .forms import ExtractUploadForm, GoBackForm, PublishForm, UseExtractForm, WithdrawForm
from .models import DataVersion, DfeRuleFailure, Extract, IndicatorRun, Publication
from .sources import KIND_LABELS

# The confirmation step of publishing signs what the check page showed; a token older than this is refused.
PUBLISH_TOKEN_SALT = "performance.publish"
PUBLISH_TOKEN_SECONDS = 60 * 60


def _status_of(in_use):
    return lambda extract: extract.status_in(in_use).label


def _tag_of(in_use):
    return lambda extract: Extract.TAG_COLOURS[extract.status_in(in_use)]


@permission_required(Area.CHILD_LEVEL)
def extract_list(request):
    partnership = Partnership.current()
    in_use = DataVersion.in_use(partnership)
    table = Table(
        request,
        scoped(Extract.objects.select_related("uploaded_by", "check_job"), request.user),
        [
            Column("Files", lambda e: e.original_name, sort="original_name", link=True),
            Column("Uploaded", lambda e: e.uploaded_at, sort="uploaded_at"),
            Column("By", lambda e: e.uploaded_by, sort="uploaded_by__full_name"),
            Column("Status", _status_of(in_use), tag=_tag_of(in_use)),
            Column("Sources", lambda e: ", ".join(source.label for source in e.sources.all())),
            Column("Rows rejected", lambda e: len(e.row_errors), numeric=True),
        ],
        name="extracts",
        search_fields=["original_name"],
        filterset_class=ExtractFilter,
        default_sort="-uploaded_at",
    )
    versions = (
        DataVersion.objects.filter(partnership=partnership, in_use_since__isnull=False)
        .select_related("put_in_use_by")
        .prefetch_related("sources__extract")
        .order_by("-in_use_since", "-pk")[:10]
    )
    return list_page(
        request,
        table,
        "performance/extract_list.html",
        Area.CHILD_LEVEL,
        can_upload=can(request.user, Area.CHILD_LEVEL, Action.EDIT),
        versions=versions,
        in_use=in_use,
    )


@accepts_uploads(extract_upload_limit)
@permission_required(Area.CHILD_LEVEL, Action.EDIT)
def extract_upload(request):
    form = ExtractUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            extract = services.extract_upload(
                partnership=Partnership.current(),
                files=[(upload, upload.name) for upload in form.cleaned_data["files"]],
                uploaded_by=request.user,
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(
                request,
                f"Uploaded {extract.original_name}. Assure is checking it: the figures in use stay as they are "
                "until you have read the check and chosen to use it.",
            )
            return redirect(extract.check_job.get_absolute_url())
    return render(
        request,
        "core/form_page.html",
        {
            "form": form,
            "title": "Upload a child-level extract",
            "back_url": reverse("performance:extract-list"),
            "back_to": "child-level extracts",
            "submit": "Upload extract",
        },
        status=400 if request.method == "POST" else 200,
    )


def _change_in_words(records_in_use: int, records_new: int) -> str:
    if not records_in_use:
        return ""
    change = (records_new - records_in_use) / records_in_use
    if round(change * 100) == 0:
        return "about the same"
    return f"{abs(change):.0%} {'more' if change > 0 else 'fewer'}"


def _day(text: str | None) -> str:
    return f"{date.fromisoformat(text):%-d %B %Y}" if text else ""


def _source_rows(extract, in_use):
    """Each source the extract holds, beside the same source in the data in use."""
    rows = []
    for source in extract.sources.order_by("position"):
        compared = source.comparison or {}
        rows.append(
            {
                "source": source,
                "compared": compared,
                "shared": f"{_day(compared['shared_from'])} to {_day(compared['shared_to'])}"
                if compared.get("shared_from")
                else "",
                "change": _change_in_words(compared.get("records_in_use", 0), compared.get("records_new", 0)),
                "new": not compared and in_use is not None,
                "kinds": [(KIND_LABELS[kind], count) for kind, count in source.records_by_kind.items()],
            }
        )
    return rows


def _kept_sources(extract, in_use):
    """The sources of the data in use the extract does not hold: they stay from their own uploads."""
    if in_use is None:
        return []
    held = set(extract.sources.values_list("key", flat=True))
    return [
        source for source in in_use.sources.select_related("extract").order_by("position") if source.key not in held
    ]


@permission_required(Area.CHILD_LEVEL)
def extract_detail(request, pk):
    extract = get_scoped_object_or_404(Extract.objects.all(), request.user, pk=pk)
    if requested_format(request):
        require(request.user, Area.CHILD_LEVEL, Action.EXPORT)
        columns = ["file", "sheet", "row", "column", "value", "expected"]
        return table_download(
            request,
            fmt=requested_format(request),
            filename=f"row-errors-{extract.pk}",
            headers=[c.title() for c in columns],
            rows=[[e.get(c) for c in columns] for e in extract.row_errors],
            about=About(title=f"Rows rejected from {extract.original_name}", computed_at=extract.uploaded_at),
            record=extract,
        )
    in_use = DataVersion.in_use(extract.partnership)
    status = extract.status_in(in_use)
    staged = extract.staged_version
    context = {
        "extract": extract,
        "status": status,
        "tag": Extract.TAG_COLOURS[status],
        "ready": status == Extract.Status.READY,
        "Status": Extract.Status,
        "errors": Paginator(extract.row_errors, 50).get_page(request.GET.get("page")),
        "sources": _source_rows(extract, in_use),
        "kept": _kept_sources(extract, in_use) if status == Extract.Status.READY else [],
        "dfe": selectors.dfe_rules_of(extract.sources.order_by("position")),
        "in_use": in_use,
        "out_of_date": status == Extract.Status.READY
        and staged is not None
        and staged.based_on_id != (in_use.pk if in_use else None),
        "use_form": UseExtractForm(initial={"data_in_use": in_use.in_use_token if in_use else ""}),
        "job": extract.check_job,
        "can_edit": can(request.user, Area.CHILD_LEVEL, Action.EDIT),
        "can_export": can(request.user, Area.CHILD_LEVEL, Action.EXPORT),
    }
    return render(request, "performance/extract_detail.html", context)


def _after(request, extract, run, success: str):
    """Run a service from an extract's page; its refusal shows there as an error, with nothing changed."""
    try:
        run()
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, success)
    return redirect(extract.get_absolute_url())


@require_POST
@permission_required(Area.CHILD_LEVEL, Action.EDIT)
def extract_use(request, pk):
    extract = get_scoped_object_or_404(Extract.objects.all(), request.user, Action.EDIT, pk=pk)
    form = UseExtractForm(request.POST)
    seen = form.data.get("data_in_use", "")
    return _after(
        request,
        extract,
        lambda: services.extract_use(extract=extract, by=request.user, seen_in_use=seen),
        "The extract is in use: its sources replaced the same sources, and the others stayed. The working figures "
        "are its figures; readers see the published figures until you publish these.",
    )


@require_POST
@permission_required(Area.CHILD_LEVEL, Action.EDIT)
def extract_check_again(request, pk):
    extract = get_scoped_object_or_404(Extract.objects.all(), request.user, Action.EDIT, pk=pk)
    try:
        job = services.extract_check_start(extract=extract, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(extract.get_absolute_url())
    return redirect(job.get_absolute_url())


def _confirm_extract_step(request, pk, *, service, title, warning, button, success):
    """A confirmation page for an irreversible step on an extract, then the step."""
    extract = get_scoped_object_or_404(Extract.objects.all(), request.user, Action.EDIT, pk=pk)
    if request.method == "POST":
        return _after(request, extract, lambda: service(extract=extract, by=request.user), success)
    return render(
        request,
        "performance/extract_confirm.html",
        {"extract": extract, "title": title, "warning": warning, "button": button},
    )


@permission_required(Area.CHILD_LEVEL, Action.EDIT)
def extract_discard(request, pk):
    return _confirm_extract_step(
        request,
        pk,
        service=services.extract_discard,
        title="Discard this extract?",
        warning="Nothing from it will be used. To use its data later, upload the files again.",
        button="Discard extract",
        success="Discarded. Nothing from the extract was used.",
    )


@permission_required(Area.CHILD_LEVEL, Action.EDIT)
def extract_cancel(request, pk):
    return _confirm_extract_step(
        request,
        pk,
        service=services.extract_cancel,
        title="Cancel this check?",
        warning="The check stops and nothing from the files is used. To check them later, upload them again.",
        button="Cancel the check",
        success="Cancelled. The check stops at its next step; nothing from the files is used.",
    )


@permission_required(Area.CHILD_LEVEL, Action.EDIT)
def data_version_go_back(request, pk):
    version = get_scoped_object_or_404(DataVersion.objects.all(), request.user, Action.EDIT, pk=pk)
    return service_form_page(
        request,
        GoBackForm(request.POST or None),
        title="Go back to this version",
        caption=str(version),
        back_url=reverse("performance:extract-list"),
        back_to="child-level extracts",
        run=lambda data: services.data_version_go_back(data_version=version, reason=data["reason"], by=request.user),
        success_url=reverse("performance:extract-list"),
        success_message="Gone back: this version is the data in use again, with the figures it had. Readers see the "
        "published figures until you publish.",
        template="performance/go_back.html",
        version=version,
        sources=version.sources.select_related("extract").order_by("position"),
    )


@require_POST
@permission_required(Area.CHILD_LEVEL, Action.EDIT)
def data_version_recompute(request, pk):
    """Work the figures of the data in use out again: after a reporting year is added or a population changes."""
    version = get_scoped_object_or_404(DataVersion.objects.all(), request.user, Action.EDIT, pk=pk)
    if version != DataVersion.in_use(version.partnership):
        messages.error(request, "Only the data in use has its figures worked out again.")
        return redirect("performance:extract-list")
    job = services.indicator_run_start(data_version=version, started_by=request.user)
    return redirect(job.get_absolute_url())


@permission_required(Area.CHILD_LEVEL)
def dfe_failures(request):
    """The DfE rules' failures in the data in use, or in one extract's files: by rule, child and field."""
    partnership = Partnership.current()
    extract = None
    if request.GET.get("extract", "").isdigit():
        extract = get_scoped_object_or_404(Extract.objects.all(), request.user, pk=int(request.GET["extract"]))
        failures = DfeRuleFailure.objects.filter(source__extract__partnership=partnership)
    else:
        in_use = DataVersion.in_use(partnership)
        failures = DfeRuleFailure.objects.filter(source__in=in_use.sources.all() if in_use else [])
    table = Table(
        request,
        failures.select_related("source"),
        [
            Column("Source", lambda f: f.source.label, sort="source__position"),
            Column("Rule", lambda f: f.rule, sort="rule"),
            Column("Message", lambda f: f.message),
            Column("Child", lambda f: f.child),
            Column("Field", lambda f: f.field, sort="field"),
            Column("Table", lambda f: f.table),
            Column("Row", lambda f: f.row, numeric=True),
        ],
        name="dfe-rule-failures",
        search_fields=["message", "child", "field"],
        filterset_class=DfeRuleFailureFilter,
        default_sort="rule",
        per_page=50,
    )
    return list_page(request, table, "performance/dfe_failures.html", Area.CHILD_LEVEL, extract=extract)


# Publishing ------------------------------------------------------------------------------------------------------


def _publishable(run) -> str:
    """Why a run cannot be published now, or "" when it can."""
    working = selectors.working_run(run.data_version.partnership)
    if working is None or working.pk != run.pk:
        return "Only the working figures, from the data in use, can be published. These are not them."
    if selectors.is_published(run) and selectors.run_in_force(run.data_version.partnership) == run:
        return "These figures are the published figures already."
    return ""


@permission_required(Area.CHILD_LEVEL, Action.APPROVE)
def run_publish(request, pk):
    """Before publishing: the figures readers will see change, largest first, with the findings that affect them."""
    run = get_scoped_object_or_404(IndicatorRun.objects.all(), request.user, Action.APPROVE, pk=pk)
    publication = selectors.publication_in_force(run.data_version.partnership)
    refused = _publishable(run)
    token = signing.dumps({"run": run.pk, "in_force": publication.pk if publication else None}, salt=PUBLISH_TOKEN_SALT)
    return render(
        request,
        "performance/publish_check.html",
        {
            "run": run,
            "refused": refused,
            "publication": publication,
            "changes": []
            if refused
            else selectors.changes_on_publishing(run, publication.run if publication else None),
            "confirm_url": f"{reverse('performance:run-publish-confirm', args=[run.pk])}?token={token}",
        },
    )


def _publish_token_problem(token: str, run, publication) -> str:
    try:
        seen = signing.loads(token, salt=PUBLISH_TOKEN_SALT, max_age=PUBLISH_TOKEN_SECONDS)
    except signing.BadSignature:
        return "Publishing needs its check page first: open it, read what will change, then confirm."
    if seen.get("run") != run.pk:
        return "This confirmation is for other figures: open the check page of these figures first."
    if seen.get("in_force") != (publication.pk if publication else None):
        return "The published figures changed since you read the check page: read it again before you publish."
    return ""


@permission_required(Area.CHILD_LEVEL, Action.APPROVE)
def run_publish_confirm(request, pk):
    """The confirmation step: publishes only with the token the check page gave, so nothing is published unread."""
    run = get_scoped_object_or_404(IndicatorRun.objects.all(), request.user, Action.APPROVE, pk=pk)
    publication = selectors.publication_in_force(run.data_version.partnership)
    form = PublishForm(request.POST or None, initial={"token": request.GET.get("token", "")})
    token = request.POST.get("token", "") if request.method == "POST" else request.GET.get("token", "")
    problem = _publishable(run) or _publish_token_problem(token, run, publication)
    if request.method == "POST" and not problem:
        try:
            services.run_publish(run=run, by=request.user)
        except ValidationError as error:
            problem = " ".join(error.messages)
        else:
            messages.success(
                request,
                "Published. Everyone now sees these figures; the business manager and the scrutineer were told.",
            )
            return redirect("performance:dashboard")
    return render(
        request,
        "performance/publish_confirm.html",
        {"run": run, "form": form, "problem": problem, "check_url": reverse("performance:run-publish", args=[run.pk])},
        status=400 if request.method == "POST" else 200,
    )


@permission_required(Area.CHILD_LEVEL, Action.APPROVE)
def publication_withdraw(request, pk):
    publication = get_scoped_object_or_404(Publication.objects.all(), request.user, Action.APPROVE, pk=pk)
    return service_form_page(
        request,
        WithdrawForm(request.POST or None),
        title="Withdraw these figures",
        caption=str(publication).capitalize(),
        back_url=reverse("performance:dashboard"),
        back_to="the performance dashboard",
        run=lambda data: services.publication_withdraw(publication=publication, reason=data["reason"], by=request.user),
        success_url=reverse("performance:dashboard"),
        success_message="Withdrawn. Readers see the figures published before them; the business manager and the "
        "scrutineer were told.",
        submit="Withdraw figures",
    )
