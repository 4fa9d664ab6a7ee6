from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from assure.core.downloads import file_download
from assure.core.middleware import public
from assure.core.models import Agency, Partnership, User
from assure.core.pages import form_page, list_page, service_form_page
from assure.core.pdf import pdf_download
from assure.core.permissions import (
    Action,
    Area,
    Scope,
    acts_for_agencies,
    agencies_for,
    can,
    get_agency_or_404,
    get_scoped_object_or_404,
    is_partnership_wide,
    leads_agencies_only,
    may,
    permission_required,
    scoped,
)
from assure.core.tables import Column, Table

from . import selectors, services
from .calendar import booking_calendar as booking_calendar_file
from .filters import BookingFilter, CourseFilter
from .forms import (
    AgencyTrainingProfileForm,
    BookingForm,
    ConfirmCancellationForm,
    CourseForm,
    EvaluationForm,
    ModuleForm,
    RegisterForm,
    StaffBookingForm,
    WaiverRequestForm,
    WorkforceHeadcountForm,
)
from .models import (
    AgencyTrainingProfile,
    Attendance,
    Booking,
    BookingStatus,
    Course,
    CourseStatus,
    Module,
    Stage,
    WaiverStatus,
    WorkforceHeadcount,
)


def is_coordinator(user) -> bool:
    """The training coordinator (a partnership admin) runs the whole programme."""
    return is_partnership_wide(user, Area.TRAINING, Action.EDIT)


# Pages only the training coordinator uses: changing the programme, the register, charging.
coordinator_required = permission_required(Area.TRAINING, Action.EDIT, scope=Scope.PARTNERSHIP)
# Pages for the people who manage others' training: an agency's lead, or the coordinator.
agency_lead_required = permission_required(Area.TRAINING, Action.EDIT, scope=Scope.AGENCY)


def staff_bookable_by(user):
    """The people ``user`` may book onto courses: everyone for the coordinator, their own agency's staff for an agency lead."""
    return User.objects.filter(is_active=True, agency__in=agencies_for(user, Area.TRAINING, Action.EDIT))


@permission_required(Area.TRAINING)
def programme(request):
    table = Table(
        request,
        Module.objects.filter(partnership=Partnership.current()).select_related("priority"),
        [
            Column("Module", lambda m: m.code, sort="code", link=True),
            Column("Title", lambda m: m.title, sort="title"),
            Column("Priority", lambda m: m.priority or "", sort="priority__name"),
            Column("Hours", lambda m: m.hours, sort="hours", numeric=True),
            Column("Delivery", lambda m: m.get_delivery_display(), sort="delivery"),
        ],
        name="training-programme",
        search_fields=["code", "title", "learning_outcomes"],
        default_sort="code",
    )
    return list_page(request, table, "training/programme.html", Area.TRAINING, can_edit=is_coordinator(request.user))


@permission_required(Area.TRAINING)
def module_detail(request, pk):
    module = get_object_or_404(Module, pk=pk, partnership=Partnership.current())
    today = timezone.localdate()
    upcoming = selectors.with_places_taken(module.courses.filter(date__gte=today)).order_by("date", "start_time")
    return render(
        request,
        "training/module_detail.html",
        {
            "module": module,
            "upcoming": [(course, course.availability(today, places_taken=course.taken)) for course in upcoming],
            "past_count": module.courses.filter(date__lt=today).count(),
            "can_edit": is_coordinator(request.user),
            "can_book": can(request.user, Area.TRAINING, Action.EDIT),
            "today": today,
        },
    )


@coordinator_required
def module_create(request):
    form = ModuleForm(request.POST or None, partnership=Partnership.current())
    return form_page(
        request,
        form,
        title="Add a module",
        success_url=reverse("training:programme"),
        success_message="Added the module.",
        back_url=reverse("training:programme"),
    )


@coordinator_required
def module_edit(request, pk):
    module = get_object_or_404(Module, pk=pk, partnership=Partnership.current())
    form = ModuleForm(request.POST or None, instance=module, partnership=module.partnership)
    return form_page(
        request,
        form,
        title=f"Change module {module.code}",
        success_url=module.get_absolute_url(),
        success_message="Saved.",
        back_url=module.get_absolute_url(),
    )


@permission_required(Area.TRAINING)
def course_list(request):
    today = timezone.localdate()
    # Unless a column is chosen: upcoming courses first, soonest first, then past ones, latest first.
    courses = selectors.upcoming_first(
        selectors.with_places_taken(Course.objects.filter(module__partnership=Partnership.current())), today
    ).select_related("module")
    table = Table(
        request,
        courses,
        [
            Column("Date", lambda c: c.date, sort="date", link=True),
            Column("Module", lambda c: f"{c.module.code}: {c.module.title}", sort="module__code"),
            Column("Where", lambda c: c.venue or "Online"),
            Column(
                "Booking",
                lambda c: c.availability(today, places_taken=c.taken)[0],
                tag=lambda c: c.availability(today, places_taken=c.taken)[1],
            ),
            Column("Places", lambda c: c.capacity, sort="capacity", numeric=True),
        ],
        name="training-courses",
        search_fields=["module__title", "module__code", "venue", "trainer", "edition"],
        filterset_class=CourseFilter,
    )
    return list_page(request, table, "training/course_list.html", Area.TRAINING, can_edit=is_coordinator(request.user))


@permission_required(Area.TRAINING)
def course_detail(request, pk):
    course = get_object_or_404(
        Course.objects.select_related("module"), pk=pk, module__partnership=Partnership.current()
    )
    return render(
        request,
        "training/course_detail.html",
        {
            "course": course,
            "places_left": course.places_left(),
            "availability": course.availability(),
            "open": course.is_open_for_booking(),
            "own_booking": course.bookings.filter(delegate=request.user)
            .exclude(status__in=[BookingStatus.CANCELLED, BookingStatus.DECLINED])
            .first(),
            "bookings": scoped(course.bookings.select_related("delegate", "agency"), request.user).order_by(
                "status", "booked_at"
            ),
            "can_book_staff": staff_bookable_by(request.user).exists(),
            "coordinator": is_coordinator(request.user),
        },
    )


@coordinator_required
def course_create(request):
    form = CourseForm(request.POST or None, partnership=Partnership.current(), initial=request.GET.dict() or None)
    return form_page(
        request,
        form,
        title="Add a course",
        success_url=reverse("training:course-list"),
        success_message="Added the course.",
        back_url=reverse("training:course-list"),
    )


@coordinator_required
def course_edit(request, pk):
    course = get_object_or_404(Course, pk=pk, module__partnership=Partnership.current())
    form = CourseForm(request.POST or None, instance=course, partnership=course.module.partnership)
    return form_page(
        request,
        form,
        title=f"Change the course on {course.date:%-d %B %Y}",
        success_url=course.get_absolute_url(),
        success_message="Saved.",
        back_url=course.get_absolute_url(),
    )


def _book(request, course, form, *, delegate, title, charges):
    """Book through the service; its refusals (full, closed, already booked) show as form errors and save nothing."""
    if request.method == "POST" and form.is_valid():
        try:
            booking = services.course_book(
                course=course,
                delegate=delegate or form.cleaned_data["delegate"],
                booked_by=request.user,
                workforce_roles=form.cleaned_data["workforce_roles"],
                job_title=form.cleaned_data["job_title"],
                service=form.cleaned_data["service"],
                manager=form.cleaned_data["manager"],
                join_waiting_list=request.POST.get("waiting_list") == "yes",
            )
        except services.BookingRefused as refusal:
            form.add_error(None, refusal.message)
        else:
            if delegate:
                return redirect("training:booking-confirmed", pk=booking.pk)
            messages.success(request, f"{booking.get_status_display()}: {booking.delegate} on {course}.")
            return redirect(course.get_absolute_url())
    context = {
        "form": form,
        "course": course,
        "title": title,
        "full": course.places_left() == 0,
        "charges": charges,
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "training/course_book.html", context, status=status)


@permission_required(Area.TRAINING, Action.EDIT)
def course_book(request, pk):
    course = get_object_or_404(Course, pk=pk, module__partnership=Partnership.current())
    form = BookingForm(request.POST or None, delegate=request.user)
    agency = request.user.agency
    charges = [(agency, services.charges_for(agency=agency, module=course.module))] if agency else []
    return _book(request, course, form, delegate=request.user, title="Book a place", charges=charges)


@agency_lead_required
def course_book_staff(request, pk):
    course = get_object_or_404(Course, pk=pk, module__partnership=Partnership.current())
    form = StaffBookingForm(request.POST or None, people=staff_bookable_by(request.user))
    # An agency's lead sees their own agency's terms; the coordinator has the whole policy on the charging page.
    led = (
        agencies_for(request.user, Area.TRAINING, Action.EDIT)
        if leads_agencies_only(request.user, Area.TRAINING, Action.EDIT)
        else Agency.objects.none()
    )
    charges = [(agency, services.charges_for(agency=agency, module=course.module)) for agency in led]
    return _book(request, course, form, delegate=None, title="Book a member of staff", charges=charges)


@permission_required(Area.TRAINING)
def booking_confirmed(request, pk):
    booking = get_scoped_object_or_404(Booking.objects.select_related("course__module", "agency"), request.user, pk=pk)
    return render(
        request,
        "training/booking_confirmed.html",
        {
            "booking": booking,
            "course": booking.course,
            "charges": services.charges_for(agency=booking.agency, module=booking.course.module),
        },
    )


@permission_required(Area.TRAINING)
def booking_calendar(request, pk):
    booking = get_scoped_object_or_404(Booking.objects.select_related("course__module"), request.user, pk=pk)
    if booking.status != BookingStatus.BOOKED:
        raise Http404("Only a confirmed place has a calendar event.")
    return file_download(
        request,
        content=booking_calendar_file(booking).encode(),
        filename=f"course-{booking.course.date:%Y-%m-%d}.ics",
        content_type="text/calendar",
        description=f"Calendar file for {booking}",
        record=booking,
    )


@coordinator_required
def course_register(request, pk):
    course = get_object_or_404(
        Course.objects.select_related("module"), pk=pk, module__partnership=Partnership.current()
    )
    bookings = course.bookings.filter(status=BookingStatus.BOOKED).select_related("delegate", "agency")
    # "Mark everyone as attended" sends the register with every person marked attended.
    everyone = request.method == "POST" and "everyone" in request.POST
    data = {f"booking_{pk}": Attendance.ATTENDED for pk in bookings.values_list("pk", flat=True)} if everyone else None
    form = RegisterForm(data or request.POST or None, bookings=bookings.order_by("delegate__full_name"))
    if request.method == "POST" and form.is_valid():
        try:
            services.attendance_record(course=course, attendance=form.marks(), by=request.user)
        except services.BookingRefused as refusal:
            form.add_error(None, refusal.message)
        else:
            saved = f"Marked all {len(form.bookings)} people as attended." if everyone else "Saved the register."
            messages.success(request, f"{saved} Everyone who attended has been sent the post-course evaluation.")
            return redirect(course.get_absolute_url())
    status = 400 if request.method == "POST" else 200
    context = {"course": course, "form": form, "before_the_day": course.date > timezone.localdate()}
    return render(request, "training/course_register.html", context, status=status)


@permission_required(Area.TRAINING)
def my_training(request):
    """Coming courses soonest first; cancelled places and courses apart; then earlier courses, latest first."""
    bookings = Booking.objects.filter(delegate=request.user).select_related("course__module")
    today = timezone.localdate()
    called_off = [BookingStatus.CANCELLED, BookingStatus.DECLINED]
    cancelled = [b for b in bookings.order_by("-course__date") if b.status in called_off or b.course.is_cancelled]
    live = bookings.exclude(status__in=called_off).exclude(course__status=CourseStatus.CANCELLED)
    return render(
        request,
        "training/my_training.html",
        {
            "upcoming": live.filter(course__date__gte=today).order_by("course__date", "course__start_time"),
            "cancelled": cancelled,
            "past": live.filter(course__date__lt=today).order_by("-course__date"),
        },
    )


@permission_required(Area.TRAINING)
def booking_list(request):
    table = Table(
        request,
        selectors.visible_bookings(request.user).select_related("course__module", "delegate", "agency"),
        [
            Column("Delegate", lambda b: b.delegate.full_name, sort="delegate__full_name", link=True),
            Column("Agency", lambda b: b.agency.name, sort="agency__name"),
            Column("Course", lambda b: f"{b.course.module.code}, {b.course.date:%d/%m/%Y}", sort="course__date"),
            Column("Status", lambda b: b.get_status_display(), sort="status"),
            Column("Attendance", lambda b: b.get_attendance_display(), sort="attendance"),
            Column("Booked", lambda b: b.booked_at, sort="booked_at"),
        ],
        name="training-bookings",
        search_fields=["delegate__full_name", "delegate__email", "course__module__title", "course__module__code"],
        filterset_class=BookingFilter,
        default_sort="-course__date",
    )
    awaiting = scoped(Booking.objects.filter(status=BookingStatus.AWAITING_APPROVAL), request.user, Action.EDIT)
    if not acts_for_agencies(request.user, Area.TRAINING, Action.EDIT):
        awaiting = awaiting.none()
    # An agency lead's way to their agency's training terms and headcount.
    led = (
        Agency.objects.none()
        if is_partnership_wide(request.user, Area.TRAINING, Action.EDIT)
        else agencies_for(request.user, Area.TRAINING, Action.EDIT)
    )
    return list_page(
        request, table, "training/booking_list.html", Area.TRAINING, awaiting=awaiting.count(), led_agencies=led
    )


@permission_required(Area.TRAINING)
def booking_detail(request, pk):
    booking = get_scoped_object_or_404(
        Booking.objects.select_related("course__module", "delegate", "agency"), request.user, pk=pk
    )
    user = request.user
    may_edit = may(user, Action.EDIT, booking)
    manages = may_edit and acts_for_agencies(user, Area.TRAINING, Action.EDIT)
    return render(
        request,
        "training/booking_detail.html",
        {
            "booking": booking,
            "fees": services.fees_for_booking(booking),
            "evaluations": booking.evaluations.all(),
            "links": booking.evaluation_links.all(),
            "can_cancel": may_edit and booking.status not in (BookingStatus.CANCELLED, BookingStatus.DECLINED),
            "can_decide": manages and booking.status == BookingStatus.AWAITING_APPROVAL,
            "can_request_waiver": manages and booking.waiver_status != WaiverStatus.APPROVED,
            "can_decide_waiver": can(user, Area.TRAINING, Action.APPROVE)
            and booking.waiver_status == WaiverStatus.REQUESTED,
            "coordinator": is_coordinator(user),
        },
    )


@permission_required(Area.TRAINING, Action.EDIT)
def booking_cancel(request, pk):
    """Are you sure? Cancelling a place (saying what it will cost), or leaving the waiting list."""
    booking = get_scoped_object_or_404(
        Booking.objects.select_related("course__module", "agency", "delegate"), request.user, Action.EDIT, pk=pk
    )
    waiting = booking.status == BookingStatus.WAITING_LIST
    return service_form_page(
        request,
        ConfirmCancellationForm(request.POST if request.method == "POST" else None),
        title="Leave the waiting list?" if waiting else "Are you sure you want to cancel this place?",
        caption=f"{booking.course.module}, {booking.course.date:%-d %B %Y}",
        run=lambda data: services.booking_cancel(booking=booking, by=request.user),
        success_url=booking.get_absolute_url(),
        success_message=lambda cancelled: _cancelled_message(cancelled, waiting),
        back_url=booking.get_absolute_url(),
        back_to="the booking",
        template="training/booking_cancel.html",
        booking=booking,
        waiting=waiting,
        charge=services.cancellation_charge(booking),
        late=booking.holds_a_place and booking.cancelling_now_is_late(),
    )


def _cancelled_message(booking, waiting: bool) -> str:
    if waiting:
        return f"{booking.delegate} has left the waiting list for {booking.course}."
    late = " It was inside the cut-off, so it counts as a late cancellation." if booking.attendance else ""
    return f"Cancelled {booking.delegate}'s place on {booking.course}.{late}"


@require_POST
@agency_lead_required
def booking_decide(request, pk):
    booking = get_scoped_object_or_404(Booking.objects.all(), request.user, Action.EDIT, pk=pk)
    try:
        booking = services.booking_decide(
            booking=booking, approve=request.POST.get("decision") == "approve", by=request.user
        )
    except services.BookingRefused as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, f"{booking.get_status_display()}: {booking.delegate} on {booking.course}.")
    return redirect(booking.get_absolute_url())


@agency_lead_required
def waiver_request(request, pk):
    booking = get_scoped_object_or_404(Booking.objects.all(), request.user, Action.EDIT, pk=pk)
    form = WaiverRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.booking_request_waiver(booking=booking, reason=form.cleaned_data["reason"], by=request.user)
        messages.success(request, "Asked the training coordinator to waive the fee.")
        return redirect(booking.get_absolute_url())
    context = {
        "form": form,
        "title": "Ask for the fee to be waived",
        "back_url": booking.get_absolute_url(),
        "back_to": "the booking",
    }
    return render(request, "core/form_page.html", context, status=400 if request.method == "POST" else 200)


@require_POST
@permission_required(Area.TRAINING, Action.APPROVE)
def waiver_decide(request, pk):
    booking = get_scoped_object_or_404(Booking.objects.all(), request.user, Action.APPROVE, pk=pk)
    try:
        services.booking_decide_waiver(
            booking=booking, approve=request.POST.get("decision") == "approve", by=request.user
        )
    except services.BookingRefused as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, "Recorded the decision on the waiver.")
    return redirect(booking.get_absolute_url())


def _attended_booking_or_404(request, pk):
    booking = get_scoped_object_or_404(
        Booking.objects.select_related("course__module__partnership", "delegate"), request.user, pk=pk
    )
    if booking.attendance != "attended":
        raise Http404("A certificate is only given for a course the delegate attended.")
    return booking


@permission_required(Area.TRAINING)
def certificate(request, pk):
    booking = _attended_booking_or_404(request, pk)
    return render(request, "training/certificate.html", {"booking": booking})


@permission_required(Area.TRAINING)
def certificate_pdf(request, pk):
    booking = _attended_booking_or_404(request, pk)
    return pdf_download(
        request,
        "training/certificate_pdf.html",
        {"booking": booking},
        filename=f"certificate-{booking.pk}",
        record=booking,
        description=f"Certificate for {booking}",
    )


@public
def evaluate(request, token):
    try:
        link = services.evaluation_link_resolve(token, user=request.user)
    except services.EvaluationLinkRefused as refusal:
        return render(request, "training/evaluation_refused.html", {"refusal": refusal}, status=refusal.status)
    form = EvaluationForm(request.POST or None, stage=link.stage)
    if request.method == "POST" and form.is_valid():
        try:
            services.evaluation_submit(link=link, **form.cleaned_data)
        except services.EvaluationLinkRefused as refusal:
            return render(request, "training/evaluation_refused.html", {"refusal": refusal}, status=refusal.status)
        return render(request, "training/evaluation_thanks.html", {"link": link})
    status = 400 if request.method == "POST" else 200
    return render(request, "training/evaluate.html", {"form": form, "link": link, "Stage": Stage}, status=status)


@permission_required(Area.TRAINING)
def agency_detail(request, pk):
    agency = get_agency_or_404(request.user, Area.TRAINING, Action.VIEW, pk)
    headcounts = WorkforceHeadcount.objects.filter(agency=agency).select_related("reporting_year")
    return render(
        request,
        "training/agency_detail.html",
        {
            "agency": agency,
            "profile": AgencyTrainingProfile.objects.filter(agency=agency).first(),
            "headcounts": headcounts,
            "bookings": Booking.objects.filter(agency=agency).count(),
            "coordinator": is_coordinator(request.user),
            "can_edit_headcount": acts_for_agencies(request.user, Area.TRAINING, Action.EDIT),
        },
    )


@coordinator_required
def agency_profile_edit(request, pk):
    agency = get_agency_or_404(request.user, Area.TRAINING, Action.EDIT, pk)
    profile = AgencyTrainingProfile.objects.filter(agency=agency).first() or AgencyTrainingProfile(agency=agency)
    form = AgencyTrainingProfileForm(request.POST or None, instance=profile)
    return form_page(
        request,
        form,
        title=f"Training terms for {agency}",
        success_url=reverse("training:agency-detail", args=[agency.pk]),
        success_message="Saved.",
        back_url=reverse("training:agency-detail", args=[agency.pk]),
    )


@agency_lead_required
def headcount_edit(request, pk, headcount_pk=None):
    agency = get_agency_or_404(request.user, Area.TRAINING, Action.EDIT, pk)
    headcount = get_object_or_404(WorkforceHeadcount, pk=headcount_pk, agency=agency) if headcount_pk else None
    form = WorkforceHeadcountForm(request.POST or None, instance=headcount, agency=agency)
    return form_page(
        request,
        form,
        title=f"Staff in referring or conference roles: {agency}",
        success_url=reverse("training:agency-detail", args=[agency.pk]),
        success_message="Saved the headcount.",
        back_url=reverse("training:agency-detail", args=[agency.pk]),
    )
