"""Children's words are kept only with consent to record and published only with consent to publish; counts of
children consulted pass disclosure control."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from assure.governance import selectors
from assure.governance.models import ChildQuote, Consultation


@pytest.fixture
def consultation(partnership):
    return Consultation.objects.create(
        partnership=partnership,
        held_on=date(2020, 2, 18),
        activity="Advice for the lived experience briefing",
        age_band="16_plus",
        setting="Children in care council",
        children_count=12,
        what_children_said="Find other ways to communicate with us.",
    )


def _quote(consultation, text, *, record=True, publish=False):
    quote = ChildQuote(
        consultation=consultation,
        text=text,
        consent_to_record=record,
        consent_to_publish=publish,
        consent_recorded_on=consultation.held_on,
    )
    quote.full_clean()
    quote.save()
    return quote


def test_words_without_consent_to_record_are_refused(consultation, admin_client):
    with pytest.raises(ValidationError, match="Only keep a child's words when they have agreed"):
        _quote(consultation, "Ask me first.", record=False)
    response = admin_client.post(
        reverse("governance:quote-add", args=[consultation.pk]),
        {
            "text": "Ask me first.",
            "consent_recorded_on_day": "18",
            "consent_recorded_on_month": "2",
            "consent_recorded_on_year": "2020",
        },
    )
    assert response.status_code == 400
    assert not ChildQuote.objects.exists()


def test_only_words_with_consent_to_publish_reach_a_public_output(consultation, partnership):
    _quote(consultation, "I want to speak for myself.", publish=True)
    _quote(consultation, "Only for you to know.")
    public = selectors.voice_of_the_child(partnership, 2019)
    internal = selectors.voice_of_the_child(partnership, 2019, public=False)
    assert public["consultations"][0]["quotes"] == ["I want to speak for myself."]
    assert internal["consultations"][0]["quotes"] == ["I want to speak for myself.", "Only for you to know."]


def test_counts_of_children_consulted_pass_disclosure_control(consultation, partnership, admin_client):
    Consultation.objects.create(
        partnership=partnership,
        held_on=date(2019, 11, 14),
        activity="Return home interviews",
        age_band="11_15",
        setting="Return home interviews",
        children_count=3,
        what_children_said="Someone we know, soon.",
    )
    counted = {row["age_band"]: row["children"] for row in selectors.children_consulted(partnership, 2019, public=True)}
    # 3 is small; the other band in the row is hidden too, so the total cannot give it away.
    assert (str(counted["11 to 15"]), str(counted["16 and over"])) == ("[c]", "[c]")
    page = admin_client.get(reverse("governance:voice") + "?year=2019").content.decode()
    assert ">[c]<" in page and "Return home interviews" in page
    assert ">12<" not in page.split("Consultations and feedback")[0]


def test_you_said_we_did_is_logged_against_the_consultation(consultation, admin_client):
    admin_client.post(
        reverse("governance:you-said-we-did-add", args=[consultation.pk]),
        {"you_said": "Think of different ways to communicate.", "we_did": "A briefing on lived experience."},
    )
    assert "A briefing on lived experience." in admin_client.get(reverse("governance:voice")).content.decode()
