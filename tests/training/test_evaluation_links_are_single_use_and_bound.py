from datetime import timedelta

from django.core import signing
from django.urls import reverse
from django.utils import timezone

from assure.core.permissions import Role
from assure.training.models import EvaluationResponse, Stage
from assure.training.services import EVALUATION_LINK_SALT, evaluation_link_issue, evaluation_token

SCORES = {"knowledge": "7", "skills": "6", "confidence": "8", "used_in_practice": "Used GCP2 with a family"}


def _url(link):
    return reverse("training:evaluate", args=[evaluation_token(link)])


def test_the_link_works_once_without_signing_in(client, course, book, school):
    link = evaluation_link_issue(booking=book(course, school), stage=Stage.POST)
    page = client.get(_url(link))
    assert page.status_code == 200
    assert "Your knowledge of the subject, out of 10" in page.content.decode()

    sent = client.post(_url(link), SCORES)
    assert sent.status_code == 200
    assert "Evaluation sent" in sent.content.decode()
    response = EvaluationResponse.objects.get()
    assert (response.booking, response.stage, response.knowledge, response.confidence) == (link.booking, "post", 7, 8)

    again = client.get(_url(link))
    assert again.status_code == 410
    assert "You have already given this evaluation" in again.content.decode()
    assert client.post(_url(link), SCORES).status_code == 410
    assert EvaluationResponse.objects.count() == 1


def test_an_expired_link_is_refused(client, course, book, school):
    link = evaluation_link_issue(
        booking=book(course, school), stage=Stage.FOLLOW_UP, now=timezone.now() - timedelta(days=29)
    )
    response = client.get(_url(link))
    assert response.status_code == 410
    assert "This evaluation link has expired" in response.content.decode()
    assert client.post(_url(link), SCORES).status_code == 410
    assert not EvaluationResponse.objects.exists()


def test_another_signed_in_delegate_cannot_use_the_link(client, course, book, school, make_person):
    link = evaluation_link_issue(booking=book(course, school), stage=Stage.POST)
    client.force_login(make_person(Role.PRACTITIONER, school))
    response = client.post(_url(link), SCORES)
    assert response.status_code == 403
    assert "This evaluation link was sent to someone else" in response.content.decode()
    assert not EvaluationResponse.objects.exists()


def test_the_delegate_signed_in_can_use_their_own_link(client, course, book, school):
    booking = book(course, school)
    link = evaluation_link_issue(booking=booking, stage=Stage.POST)
    client.force_login(booking.delegate)
    assert client.post(_url(link), SCORES).status_code == 200


def test_a_link_altered_to_another_stage_or_booking_is_refused(client, course, book, school):
    booking, other = book(course, school), book(course, school)
    link = evaluation_link_issue(booking=booking, stage=Stage.PRE)
    payload = signing.loads(evaluation_token(link), salt=EVALUATION_LINK_SALT)
    forged_stage = signing.dumps({**payload, "s": Stage.FOLLOW_UP}, salt="guessed-salt")
    other_booking = signing.dumps({**payload, "b": other.pk}, salt=EVALUATION_LINK_SALT)
    tampered = evaluation_token(link)[:-2] + "xx"
    for token in (forged_stage, other_booking, tampered):
        response = client.post(reverse("training:evaluate", args=[token]), SCORES)
        assert response.status_code == 404, token
        assert "This evaluation link does not work" in response.content.decode()
    assert not EvaluationResponse.objects.exists()


def test_the_link_for_one_stage_records_only_that_stage(client, course, book, school):
    booking = book(course, school)
    pre = evaluation_link_issue(booking=booking, stage=Stage.PRE)
    post = evaluation_link_issue(booking=booking, stage=Stage.POST)
    client.post(_url(pre), SCORES)
    assert list(booking.evaluations.values_list("stage", flat=True)) == ["pre"]
    assert client.get(_url(post)).status_code == 200
