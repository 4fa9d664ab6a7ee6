"""The audit trail people can read: a sentence for every entry, record types and fields in words."""

import re
from collections import Counter
from datetime import date

import pytest
from django.apps import apps
from django.urls import reverse

from assure.actions.models import Action, SourceKind
from assure.audits import services as audit_services
from assure.audits.models import Rating, Section11Return
from assure.core.audit import ANY_VALUE, AuditedModel, acting_as
from assure.core.models import AccessLogEntry, Agency, AuditEntry, Sector, User
from assure.core.permissions import Role
from assure.core.sentences import change_sentence, record_type_choices
from tests.audits import builders

# "core.Agency", "audits.Section11Return": how a record type must never be shown.
MODEL_LABEL = re.compile(r"\b[a-z_]+\.[A-Z][A-Za-z0-9]+\b")
AUDITED = [model for model in apps.get_models() if issubclass(model, AuditedModel)]


def entry(model, action: str, changes: dict) -> AuditEntry:
    return AuditEntry(
        actor_label="command: assure demo",
        action=action,
        record_type=model._meta.label,
        object_id="1",
        object_repr="Example record",
        changes=changes,
    )


@pytest.mark.parametrize("model", AUDITED, ids=lambda model: model._meta.label)
def test_every_audited_model_has_a_sentence_for_create_update_and_delete(model):
    fields = [f for f in model._meta.concrete_fields if not f.primary_key and f.name not in model.audit_exclude]
    fields += list(model._meta.many_to_many)
    kind = str(model._meta.verbose_name)
    assert not re.search(r"[a-z]\d|\d[a-z]", kind), f"{model._meta.label}'s verbose name {kind!r} is not in words"
    sentences = [
        change_sentence(entry(model, "create", {f.name: [None, "x"] for f in fields})),
        change_sentence(entry(model, "delete", {f.name: ["x", None] for f in fields})),
        *(change_sentence(entry(model, "update", {f.name: ["x", "y"]})) for f in fields),
    ]
    for sentence in sentences:
        assert sentence.startswith("The assure demo command ")
        assert f"{kind} Example record" in sentence
        assert not MODEL_LABEL.search(sentence) and model.__name__ not in sentence
        assert "_" not in sentence, f"a field's code name instead of its label: {sentence}"
    for field, sentence in zip(fields, sentences[2:], strict=True):
        declared = [d for d in model.audit_sentences if d.field == field.name and d.to is ANY_VALUE]
        said = declared[0].says.split(" {record}")[0] if declared else f"changed the {field.verbose_name} of"
        assert f"command {said} " in sentence


@pytest.mark.parametrize("model", [m for m in AUDITED if m.audit_sentences], ids=lambda model: model._meta.label)
def test_declared_sentences_describe_real_fields_and_values(model):
    for sentence in model.audit_sentences:
        assert "{record}" in sentence.says
        assert sentence.action in ("create", "update", "delete")
        if sentence.action != "update":
            continue
        field = model._meta.get_field(sentence.field)
        if field.choices and sentence.to not in (ANY_VALUE, None):
            assert sentence.to in dict(field.flatchoices), f"{model._meta.label}: {sentence.to!r} is not a choice"


def test_a_declared_sentence_reads_as_people_say_it(partnership, make_person):
    police = Agency.objects.create(
        partnership=partnership, name="West Midlands Police", sector=Sector.POLICE, is_statutory_partner=True
    )
    round_ = audit_services.section11_round_open(
        partnership=partnership,
        name="Section 11 audit 2021-22",
        framework=builders.framework(partnership),
        opens_on=date(2021, 9, 6),
        deadline=date(2021, 12, 17),
        agencies=[police],
    )
    section11_return = round_.returns.get()
    builders.rate_all(section11_return, Rating.GOOD)
    pat = make_person(Role.AGENCY_LEAD, police, full_name="Pat Lead")
    with acting_as(pat):
        audit_services.section11_return_submit(section11_return=section11_return, by=pat, **builders.DECLARATION)
    submitted = Section11Return.objects.get(pk=section11_return.pk).history().filter(action="update").latest("pk")
    assert change_sentence(submitted) == "Pat Lead submitted West Midlands Police's Section 11 return 2021-22"


def test_a_generic_sentence_names_the_fields_changed_and_the_record(police, council, make_person):
    bea = make_person(Role.PARTNERSHIP_ADMIN, council, full_name="Bea Manager")
    action = Action.objects.create(
        partnership=police.partnership,
        text="Publish the dashboard.",
        source_kind=SourceKind.PEER_REVIEW,
        source_label="Peer review October 2019, recommendation 1",
        agency=police,
        due_date=date(2020, 3, 31),
    )
    with acting_as(bea):
        action.due_date = date(2020, 6, 30)
        action.save()
        action.due_date, action.text, action.source_label = date(2020, 9, 30), "Publish it.", "Peer review"
        action.save()
        kim = User.objects.create_user("kim@test.example", None, full_name="Kim Practitioner", agency=police)
        kim.delete()
    due_date, three_fields, created, deleted = AuditEntry.objects.order_by("pk").reverse()[:4][::-1]
    assert change_sentence(due_date) == f"Bea Manager changed the due date of action A{action.pk}"
    assert change_sentence(three_fields) == (
        f"Bea Manager changed the action, where it comes from and due date of action A{action.pk}"
    )
    assert change_sentence(created) == "Bea Manager created the person Kim Practitioner"
    assert change_sentence(deleted) == "Bea Manager deleted the person Kim Practitioner"


def test_the_audit_trail_and_its_download_show_no_model_labels(admin_client, police, make_person):
    make_person(Role.PRACTITIONER, police, full_name="Kim Practitioner")
    entry_page = reverse("core:audit-entry", args=[AuditEntry.objects.latest("pk").pk])
    pages = [(entry_page, {}), (police.history_url(), {})]
    pages += [
        (url, query)
        for url in (reverse("core:audit-trail"), reverse("core:access-log"))
        for query in ({}, {"export": "csv"})
    ]
    for url, query in pages:  # the list pages last, so that they show the views of the others
        response = admin_client.get(url, query)
        assert response.status_code == 200
        assert MODEL_LABEL.findall(response.content.decode("utf-8-sig")) == [], url
    page = admin_client.get(reverse("core:audit-trail")).content.decode()
    assert "created the person Kim Practitioner" in page
    assert '<option value="section-11-return">Section 11 return</option>' in page


def test_the_audit_trail_filters_by_person_record_type_in_words_and_dates(client, partnership, council, make_person):
    pat = make_person(Role.PARTNERSHIP_ADMIN, council, full_name="Pat Admin")
    with acting_as(pat):
        Agency.objects.create(partnership=partnership, name="Youth Offending Service", sector=Sector.OTHER)
    client.force_login(pat)

    def sentences(**query):
        response = client.get(reverse("core:audit-trail"), query)
        assert response.status_code == 200
        return [row[1]["value"] for row in response.context["table"].rows()]

    assert sentences(person="pat admin", record_type="agency") == [
        "Pat Admin created the agency Youth Offending Service"
    ]
    assert sentences(person="nobody") == []
    today = AuditEntry.objects.latest("pk").at.date()
    assert len(sentences(record_type="agency", date_from=today.strftime("%d/%m/%Y"))) == 2
    assert sentences(record_type="agency", date_to="01/01/2020") == []
    assert ("agency", "Agency") in record_type_choices()


def test_an_entry_shows_its_detail_in_words(admin_client, partnership):
    Agency.objects.create(partnership=partnership, name="Housing Trust", sector=Sector.HOUSING)
    created = AuditEntry.objects.get(record_type="core.Agency", object_repr="Housing Trust")
    html = admin_client.get(reverse("core:audit-entry", args=[created.pk])).content.decode()
    assert "Assure created the agency Housing Trust" in html
    for label, value in [("Sector", "Housing"), ("Statutory safeguarding partner", "No"), ("Name", "Housing Trust")]:
        assert re.search(rf">{label}</th>\s*<td[^>]*>{value}</td>", html), label
    assert f'href="{reverse("core:record-history", args=["agency", created.object_id])}"' in html


def test_the_access_log_reads_as_sentences(client, council, make_person):
    pat = make_person(Role.PARTNERSHIP_ADMIN, council, full_name="Pat Admin")
    client.force_login(pat)
    viewed = AuditEntry.objects.latest("pk")
    client.get(reverse("core:audit-entry", args=[viewed.pk]))
    AccessLogEntry.objects.create(user_label="guess@test.example", event=AccessLogEntry.Event.SIGN_IN_FAILED)
    response = client.get(reverse("core:access-log"), {"person": "Pat", "record_type": "audit-entry"})
    [row] = list(response.context["table"].rows())
    assert [cell["value"] for cell in row[1:3]] == [f"Pat Admin viewed {viewed}", "Audit entry"]
    response = client.get(reverse("core:access-log"), {"event": "sign_in_failed"})
    assert [row[1]["value"] for row in response.context["table"].rows()] == ["guess@test.example failed to sign in"]


def test_each_audited_record_type_has_a_name_of_its_own():
    """Filters and history addresses name record types in words, so no two may share a name."""
    slugs = [model.record_type_slug() for model in AUDITED]
    assert sorted(slug for slug in slugs if slugs.count(slug) > 1) == []


def test_a_record_history_address_names_its_record_type_in_words(admin_client, police):
    assert police.history_url() == f"/history/agency/{police.pk}/"
    response = admin_client.get(police.history_url())
    assert "created the agency Test Police" in response.content.decode()


def test_every_audited_record_type_has_its_own_name_in_addresses():
    slugs = Counter(model.record_type_slug() for model in apps.get_models() if issubclass(model, AuditedModel))
    assert [slug for slug, count in slugs.items() if count > 1] == []
