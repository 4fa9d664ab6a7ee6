"""Training workflows that touch several records: booking, cancelling, approval, attendance,
fees, invoices and evaluation links. Each is keyword-only and runs in one transaction."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from assure.core.notify import email_body, notify
from assure.core.periods import Period, add_months
from assure.core.workdays import add_working_days

from .calendar import CANCEL, calendar_attachment
from .models import (
    AgencyTrainingProfile,
    Attendance,
    Booking,
    BookingStatus,
    BookingWorkforceRole,
    ChargeRule,
    Course,
    CourseStatus,
    EvaluationLink,
    EvaluationResponse,
    PersonWorkforceRole,
    Stage,
    WaiverStatus,
    WorkforceRole,
)

EVALUATION_LINK_SALT = "assure.training.evaluation-link"
EVALUATION_LINK_VALID_DAYS = 28
FOLLOW_UP_MONTHS = 3
# Follow-ups are sent for courses whose three months ended within this many days, so a missed
# cron run is caught up but years-old courses are never suddenly mailed.
FOLLOW_UP_CATCH_UP_DAYS = 30


class BookingRefused(ValidationError):
    """A booking, cancellation or register change that the rules do not allow; the message says why."""


class CourseFull(BookingRefused):
    pass


class EvaluationLinkRefused(Exception):
    """Why an evaluation link cannot be used; ``status`` is the HTTP status of the page that says so."""

    def __init__(self, title: str, explanation: str, status: int = 410):
        super().__init__(title)
        self.title = title
        self.explanation = explanation
        self.status = status


def _profile(agency) -> AgencyTrainingProfile | None:
    return AgencyTrainingProfile.objects.filter(agency=agency).first()


def _locked(course: Course) -> Course:
    # Every change to a course's places locks the course row first, so two people racing for the
    # last place are served one after the other (SQLite's IMMEDIATE transactions do the same).
    return Course.objects.select_for_update().get(pk=course.pk)


def workforce_roles_set(*, person, roles) -> list[str]:
    """The person's roles in safeguarding are now ``roles`` (several may apply); returns them in order."""
    roles = sorted(set(roles))
    unknown = [role for role in roles if role not in WorkforceRole.values]
    if unknown:
        raise BookingRefused(f"Choose roles in safeguarding from the list; {', '.join(unknown)} is not one.")
    with transaction.atomic():
        person.workforce_roles.exclude(role__in=roles).delete()
        held = set(person.workforce_roles.values_list("role", flat=True))
        PersonWorkforceRole.objects.bulk_create(
            [PersonWorkforceRole(person=person, role=role) for role in roles if role not in held]
        )
    return roles


def course_book(
    *,
    course: Course,
    delegate,
    booked_by,
    workforce_roles=(),
    job_title: str = "",
    service: str = "",
    manager=None,
    join_waiting_list: bool = False,
    today: date | None = None,
) -> Booking:
    """Book ``delegate`` a place on ``course``, or a waiting-list position when asked and it is full.

    ``workforce_roles`` become the delegate's roles in safeguarding; the booking copies the delegate's roles as
    they are when it is made. The first email after booking is the confirmation, with a calendar file for a place;
    the pre-course self-rating comes with the reminder two working days before the course.
    """
    today = today or timezone.localdate()
    with transaction.atomic():
        course = _locked(course)
        if course.status == CourseStatus.CANCELLED:
            raise BookingRefused("This course has been cancelled, so it cannot be booked.")
        if today > course.booking_deadline:
            raise BookingRefused(f"Booking for this course closed on {course.booking_deadline:%-d %B %Y}.")
        if delegate.agency_id is None:
            raise BookingRefused(f"{delegate} has no agency in Assure; ask the training coordinator to add one.")
        live = course.bookings.exclude(status__in=[BookingStatus.CANCELLED, BookingStatus.DECLINED])
        if live.filter(delegate=delegate).exists():
            raise BookingRefused(f"{delegate} is already booked on this course.")
        full = live.filter(status__in=BookingStatus.holding_a_place()).count() >= course.capacity
        if full and not join_waiting_list:
            raise CourseFull(
                f"This course is full: all {course.capacity} places are taken. You can join the waiting list instead."
            )
        profile = _profile(delegate.agency)
        needs_approval = bool(profile and profile.requires_manager_approval and booked_by == delegate)
        if full:
            status = BookingStatus.WAITING_LIST
        else:
            status = BookingStatus.AWAITING_APPROVAL if needs_approval else BookingStatus.BOOKED
        booking = Booking(
            course=course,
            delegate=delegate,
            agency=delegate.agency,
            job_title=job_title or delegate.job_title,
            service=service,
            manager=manager,
            status=status,
            booked_by=booked_by,
            # Booked by someone else (the agency lead, the coordinator): their booking is the approval.
            approved_by=None if booked_by == delegate else booked_by,
        )
        if manager is not None and not booking.manager_may_evaluate():
            raise BookingRefused(
                f"Choose a line manager who can sign in, from {delegate.agency}, other than {delegate} themselves."
            )
        booking.save()
        if workforce_roles:
            workforce_roles_set(person=delegate, roles=workforce_roles)
        held = list(delegate.workforce_roles.values_list("role", flat=True)) or [WorkforceRole.OTHER]
        BookingWorkforceRole.objects.bulk_create([BookingWorkforceRole(booking=booking, role=role) for role in held])
        booking_confirm(booking=booking)
        return booking


@dataclass(frozen=True)
class Charges:
    """What an agency pays for a place on a module's course: the place, an empty place, a late cancellation."""

    place: Decimal
    did_not_attend: Decimal
    late_cancellation: Decimal
    contributing: bool

    @property
    def free(self) -> bool:
        return not (self.place or self.did_not_attend or self.late_cancellation)


def charges_for(*, agency, module) -> Charges:
    """The charging policy for ``agency``'s staff on ``module``'s courses (nothing, where no rule applies)."""
    rule = charge_rule_for(agency=agency, module=module)
    contributing = agency_type(agency) == ChargeRule.AgencyType.CONTRIBUTING
    if rule is None:
        return Charges(Decimal("0.00"), Decimal("0.00"), Decimal("0.00"), contributing)
    return Charges(rule.place_fee, rule.non_attendance_fee, rule.late_cancellation_fee, contributing)


def cancellation_charge(booking: Booking, today: date | None = None) -> Decimal | None:
    """What cancelling the booking now would cost its agency: the late-cancellation fee inside the cut-off, else
    None. A waiting-list place, a cancelled course or a waived fee costs nothing."""
    if not booking.holds_a_place or booking.course.status == CourseStatus.CANCELLED:
        return None
    if booking.waiver_status == WaiverStatus.APPROVED or not booking.cancelling_now_is_late(today):
        return None
    fee = charges_for(agency=booking.agency, module=booking.course.module).late_cancellation
    return fee if fee > 0 else None


def booking_confirm(*, booking: Booking) -> None:
    """Email the delegate what they have: a place (with its calendar file), a place held for approval, or a
    waiting-list position; with the date, time, venue and the terms for cancelling."""
    course = booking.course
    notify(
        to=[booking.delegate],
        subject=f"{_confirmation_subject(booking)}: {course.module}, {course.date:%-d %B %Y}",
        body=email_body("training/emails/booking_confirmed.txt", _email_context(booking)),
        path=booking.get_absolute_url(),
        attachments=(calendar_attachment(booking),) if booking.status == BookingStatus.BOOKED else (),
    )


def _confirmation_subject(booking: Booking) -> str:
    return {
        BookingStatus.BOOKED: "Place booked",
        BookingStatus.AWAITING_APPROVAL: "Place held for approval",
        BookingStatus.WAITING_LIST: "On the waiting list",
    }[booking.status]


def _email_context(booking: Booking) -> dict:
    return {
        "booking": booking,
        "course": booking.course,
        "charges": charges_for(agency=booking.agency, module=booking.course.module),
        "position": booking.waiting_list_position(),
    }


def _promote_waiting_list(course: Course) -> list[Booking]:
    """Give freed places to the waiting list, first come first served."""
    promoted = []
    free = course.capacity - course.bookings.filter(status__in=BookingStatus.holding_a_place()).count()
    for booking in course.bookings.filter(status=BookingStatus.WAITING_LIST).order_by("booked_at", "pk")[
        : max(free, 0)
    ]:
        profile = _profile(booking.agency)
        needs_approval = bool(profile and profile.requires_manager_approval and booking.approved_by_id is None)
        booking.status = BookingStatus.AWAITING_APPROVAL if needs_approval else BookingStatus.BOOKED
        booking.save()
        promoted.append(booking)
    for booking in promoted:
        notify(
            to=[booking.delegate],
            subject=f"You have a place: {booking.course.module}",
            body=email_body("training/emails/place_offered.txt", _email_context(booking)),
            path=booking.get_absolute_url(),
            attachments=(calendar_attachment(booking),) if booking.status == BookingStatus.BOOKED else (),
        )
    return promoted


def booking_cancel(*, booking: Booking, by, today: date | None = None) -> Booking:
    """Cancel a booking; inside the cut-off it counts as a late cancellation. A freed place goes to the waiting list."""
    today = today or timezone.localdate()
    with transaction.atomic():
        course = _locked(booking.course)
        booking = Booking.objects.get(pk=booking.pk)
        if booking.status in (BookingStatus.CANCELLED, BookingStatus.DECLINED):
            raise BookingRefused("This booking is already cancelled.")
        if booking.attendance:
            raise BookingRefused("Attendance is already recorded for this booking, so it cannot be cancelled.")
        if today > course.date:
            raise BookingRefused("The course has taken place: ask the coordinator to record attendance instead.")
        held_a_place, confirmed = booking.holds_a_place, booking.status == BookingStatus.BOOKED
        charge = cancellation_charge(booking, today)
        if held_a_place and course.status == CourseStatus.SCHEDULED and booking.cancelling_now_is_late(today):
            booking.attendance = Attendance.CANCELLED_LATE
        booking.status = BookingStatus.CANCELLED
        booking.cancelled_at = timezone.now()
        booking.save()
        notify(
            to=[booking.delegate],
            subject=f"Booking cancelled: {course.module}, {course.date:%-d %B %Y}",
            body=email_body(
                "training/emails/booking_cancelled.txt",
                {"course": course, "charge": charge, "agency": booking.agency, "was_waiting": not held_a_place},
            ),
            path=reverse("training:my-training"),
            attachments=(calendar_attachment(booking, method=CANCEL),) if confirmed else (),
        )
        if held_a_place:
            _promote_waiting_list(course)
        return booking


def course_cancelled(*, course: Course) -> int:
    """Tell everyone with a place or a waiting-list position that the course is cancelled (no fees are due); a
    confirmed place's calendar event is cancelled too."""
    bookings = course.bookings.filter(status__in=[*BookingStatus.holding_a_place(), BookingStatus.WAITING_LIST])
    for booking in bookings.select_related("delegate", "course__module"):
        notify(
            to=[booking.delegate],
            subject=f"Cancelled: {course.module}, {course.date:%-d %B %Y}",
            body=email_body("training/emails/course_cancelled.txt", {"course": course}),
            path=reverse("training:my-training"),
            attachments=(calendar_attachment(booking, method=CANCEL),)
            if booking.status == BookingStatus.BOOKED
            else (),
        )
    return len(bookings)


# A change to any of these moves the event in people's calendars.
CALENDAR_FIELDS = ("date", "start_time", "end_time", "venue", "online_link")


def course_changed(*, course: Course) -> int:
    """The course's date, times or place changed: raise its calendar sequence and send everyone with a confirmed
    place the updated event. Returns how many were told."""
    with transaction.atomic():
        course = _locked(course)
        course.calendar_sequence += 1
        course.save()
        bookings = list(course.bookings.filter(status=BookingStatus.BOOKED).select_related("delegate", "agency"))
        for booking in bookings:
            notify(
                to=[booking.delegate],
                subject=f"Changed: {course.module}, now {course.date:%-d %B %Y}",
                body=email_body("training/emails/course_changed.txt", _email_context(booking)),
                path=booking.get_absolute_url(),
                attachments=(calendar_attachment(booking),),
            )
    return len(bookings)


def booking_decide(*, booking: Booking, approve: bool, by) -> Booking:
    """The agency's approval (or not) of a booking that waits for it."""
    with transaction.atomic():
        course = _locked(booking.course)
        booking = Booking.objects.get(pk=booking.pk)
        if booking.status != BookingStatus.AWAITING_APPROVAL:
            raise BookingRefused("This booking is not waiting for approval.")
        booking.status = BookingStatus.BOOKED if approve else BookingStatus.DECLINED
        booking.approved_by = by
        booking.save()
        if approve:
            booking_confirm(booking=booking)
        else:
            notify(
                to=[booking.delegate],
                subject=f"Booking not approved: {course.module}, {course.date:%-d %B %Y}",
                body=f"{booking.agency} did not approve your place on {course}. Ask your safeguarding lead why.",
                path=reverse("training:my-training"),
            )
            _promote_waiting_list(course)
        return booking


def attendance_record(*, course: Course, attendance: dict[int, str], by, today: date | None = None):
    """Record the register for ``course`` ({booking id: Attendance}); attendees get their post-course evaluation link."""
    today = today or timezone.localdate()
    with transaction.atomic():
        course = _locked(course)
        if course.date > today:
            raise BookingRefused("Attendance can be recorded from the day of the course, not before.")
        if course.status == CourseStatus.CANCELLED:
            raise BookingRefused("This course was cancelled, so it has no register.")
        bookings = {b.pk: b for b in course.bookings.filter(pk__in=list(attendance))}
        for booking_id, mark in attendance.items():
            booking = bookings.get(booking_id)
            if booking is None or booking.status != BookingStatus.BOOKED:
                raise BookingRefused("The register can only mark people with a confirmed place.")
            if mark not in Attendance.values:
                raise BookingRefused(f"Choose attended, did not attend or cancelled late for {booking.delegate}.")
            newly_attended = mark == Attendance.ATTENDED and booking.attendance != Attendance.ATTENDED
            booking.attendance = mark
            booking.save()
            if newly_attended:
                evaluation_link_send(booking=booking, stage=Stage.POST)


def booking_request_waiver(*, booking: Booking, reason: str, by) -> Booking:
    if not reason.strip():
        raise BookingRefused("Enter why the fee should be waived")
    with transaction.atomic():
        booking.waiver_status = WaiverStatus.REQUESTED
        booking.waiver_reason = reason.strip()
        booking.waiver_decided_by = None
        booking.save()
        return booking


def booking_decide_waiver(*, booking: Booking, approve: bool, by) -> Booking:
    with transaction.atomic():
        if booking.waiver_status != WaiverStatus.REQUESTED:
            raise BookingRefused("No waiver has been requested for this booking.")
        booking.waiver_status = WaiverStatus.APPROVED if approve else WaiverStatus.REFUSED
        booking.waiver_decided_by = by
        booking.save()
        return booking


@dataclass(frozen=True)
class Fee:
    description: str
    amount: Decimal


def agency_type(agency) -> str:
    profile = _profile(agency)
    contributes = profile.contributes_to_budget if profile else False
    return ChargeRule.AgencyType.CONTRIBUTING if contributes else ChargeRule.AgencyType.OTHER


def charge_rule_for(*, agency, module) -> ChargeRule | None:
    """The module's own rule for the agency's type if there is one, otherwise the type's rule for every module."""
    rules = ChargeRule.objects.filter(partnership=module.partnership, agency_type=agency_type(agency))
    return rules.filter(module=module).first() or rules.filter(module__isnull=True).first()


def fees_for_booking(booking: Booking) -> list[Fee]:
    """What the booking's agency owes for it under the charging policy (an empty list: nothing)."""
    if booking.waiver_status == WaiverStatus.APPROVED or booking.course.status == CourseStatus.CANCELLED:
        return []
    rule = charge_rule_for(agency=booking.agency, module=booking.course.module)
    if rule is None:
        return []
    if booking.attendance == Attendance.CANCELLED_LATE:
        fee = Fee("Late cancellation", rule.late_cancellation_fee)
    elif booking.attendance == Attendance.DID_NOT_ATTEND:
        fee = Fee("Did not attend", rule.non_attendance_fee)
    elif booking.attendance == Attendance.ATTENDED:
        fee = Fee("Place", rule.place_fee)
    else:
        return []
    return [fee] if fee.amount > 0 else []


INVOICE_HEADERS = ["Course date", "Module", "Delegate", "Charge", "Amount (£)"]


def invoice_rows(*, agency, quarter: Period) -> list[list]:
    """One agency's chargeable lines for courses held in ``quarter``."""
    bookings = (
        Booking.objects.filter(agency=agency, course__date__range=(quarter.start, quarter.end))
        .exclude(attendance="")
        .select_related("course__module__partnership", "delegate", "agency")
        .order_by("course__date", "delegate__full_name")
    )
    rows = []
    for booking in bookings:
        for fee in fees_for_booking(booking):
            rows.append(
                [
                    booking.course.date,
                    str(booking.course.module),
                    booking.delegate.full_name,
                    fee.description,
                    fee.amount,
                ]
            )
    return rows


def evaluation_token(link: EvaluationLink) -> str:
    return signing.dumps({"b": link.booking_id, "s": link.stage, "n": link.nonce}, salt=EVALUATION_LINK_SALT)


def evaluation_link_issue(*, booking: Booking, stage: str, now: datetime | None = None) -> EvaluationLink:
    now = now or timezone.now()
    if stage == Stage.MANAGER and not booking.manager_may_evaluate():
        raise BookingRefused("There is no line manager from the delegate's agency to send this evaluation to.")
    recipient = booking.manager.email if stage == Stage.MANAGER else booking.delegate.email
    return EvaluationLink.objects.create(
        booking=booking,
        stage=stage,
        sent_to=recipient,
        created_at=now,
        expires_at=now + timedelta(days=EVALUATION_LINK_VALID_DAYS),
    )


def evaluation_link_send(*, booking: Booking, stage: str) -> EvaluationLink:
    """Issue a link and email it to the person who answers at that stage."""
    link = evaluation_link_issue(booking=booking, stage=stage)
    course = booking.course
    notify(
        to=[link.sent_to],
        subject=f"Evaluation: {course.module}",
        body=email_body(
            "training/emails/evaluation_link.txt",
            {"course": course, "stage": stage, "valid_days": EVALUATION_LINK_VALID_DAYS},
        ),
        path=reverse("training:evaluate", args=[evaluation_token(link)]),
    )
    return link


REFUSED_INVALID = EvaluationLinkRefused(
    "This evaluation link does not work",
    "Check that you copied the whole link from your email. If it still does not work, ask the training coordinator for a new one.",
    status=404,
)


def evaluation_link_resolve(token: str, *, user, now: datetime | None = None) -> EvaluationLink:
    """The link a token stands for, if it may be used now by this person; otherwise EvaluationLinkRefused."""
    now = now or timezone.now()
    try:
        payload = signing.loads(token, salt=EVALUATION_LINK_SALT)
        link = EvaluationLink.objects.select_related("booking__course__module", "booking__delegate").get(
            nonce=payload["n"], booking_id=payload["b"], stage=payload["s"]
        )
    except (signing.BadSignature, EvaluationLink.DoesNotExist, KeyError, TypeError):
        raise REFUSED_INVALID from None
    if link.used_at is not None or link.booking.evaluations.filter(stage=link.stage).exists():
        raise EvaluationLinkRefused(
            "You have already given this evaluation",
            "Each evaluation link works once. Thank you for your answers: they are saved.",
        )
    if now >= link.expires_at:
        raise EvaluationLinkRefused(
            "This evaluation link has expired",
            f"Links work for {EVALUATION_LINK_VALID_DAYS} days. Ask the training coordinator to send you a new one.",
        )
    if link.stage != Stage.MANAGER and user.is_authenticated and user.pk != link.booking.delegate_id:
        raise EvaluationLinkRefused(
            "This evaluation link was sent to someone else",
            f"It is for {link.booking.delegate}'s evaluation. Sign out, or use the link in your own email.",
            status=403,
        )
    if link.stage == Stage.MANAGER and user.is_authenticated and user.pk == link.booking.delegate_id:
        raise EvaluationLinkRefused(
            "This evaluation is for your line manager",
            "It asks your manager what difference the course made to your work, so only they can give it.",
            status=403,
        )
    return link


def evaluation_submit(*, link: EvaluationLink, knowledge: int, skills: int, confidence: int, used_in_practice: str):
    with transaction.atomic():
        link = EvaluationLink.objects.select_for_update().get(pk=link.pk)
        if link.used_at is not None:
            raise EvaluationLinkRefused("You have already given this evaluation", "Each evaluation link works once.")
        response = EvaluationResponse(
            booking=link.booking,
            stage=link.stage,
            knowledge=knowledge,
            skills=skills,
            confidence=confidence,
            used_in_practice=used_in_practice,
        )
        response.full_clean()
        response.save()
        link.used_at = timezone.now()
        link.save()
        return response


# Delegates are reminded this many working days before their course (or on the next run, if they booked later).
REMINDER_WORKING_DAYS = 2


def course_reminders_send(*, today: date | None = None) -> int:
    """Remind each delegate with a confirmed place two working days before the course, with the pre-course
    self-rating (the first of the three evaluations). Safe to run daily: nobody is reminded twice."""
    today = today or timezone.localdate()
    horizon = add_working_days(today, REMINDER_WORKING_DAYS)
    bookings = Booking.objects.filter(
        status=BookingStatus.BOOKED,
        reminded_on__isnull=True,
        course__status=CourseStatus.SCHEDULED,
        course__date__gt=today,
        course__date__lte=horizon,
    ).select_related("course__module__partnership", "delegate", "agency")
    reminded = 0
    for booking in bookings:
        with transaction.atomic():
            notify(
                to=[booking.delegate],
                subject=f"Reminder: {booking.course.module}, {booking.course.date:%A %-d %B}",
                body=email_body("training/emails/course_reminder.txt", _email_context(booking)),
                path=booking.get_absolute_url(),
                attachments=(calendar_attachment(booking),),
            )
            stages = set(booking.evaluation_links.values_list("stage", flat=True))
            if Stage.PRE not in stages and not booking.evaluations.filter(stage=Stage.PRE).exists():
                evaluation_link_send(booking=booking, stage=Stage.PRE)
            booking.reminded_on = today
            booking.save()
            reminded += 1
    return reminded


def follow_ups_due(today: date) -> list[tuple[Booking, str]]:
    """Attended bookings whose three-month evaluations (delegate's and manager's) are due and not yet sent."""
    latest_course_date = add_months(today, -FOLLOW_UP_MONTHS)
    earliest_course_date = add_months(today - timedelta(days=FOLLOW_UP_CATCH_UP_DAYS), -FOLLOW_UP_MONTHS)
    bookings = Booking.objects.filter(
        attendance=Attendance.ATTENDED, course__date__range=(earliest_course_date, latest_course_date)
    ).select_related("delegate", "manager")
    due = []
    for booking in bookings:
        sent = set(booking.evaluation_links.values_list("stage", flat=True))
        answered = set(booking.evaluations.values_list("stage", flat=True))
        if Stage.FOLLOW_UP not in sent | answered:
            due.append((booking, Stage.FOLLOW_UP))
        if booking.manager_may_evaluate() and Stage.MANAGER not in sent | answered:
            due.append((booking, Stage.MANAGER))
    return due


def send_follow_ups(*, today: date | None = None) -> int:
    """Send every due three-month follow-up; safe to run daily, as nothing is sent twice."""
    due = follow_ups_due(today or timezone.localdate())
    with transaction.atomic():
        for booking, stage in due:
            evaluation_link_send(booking=booking, stage=stage)
    return len(due)
