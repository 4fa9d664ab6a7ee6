from django.urls import reverse

from assure.audits.models import Framework, Standard

from . import builders


def test_a_used_framework_keeps_its_wording_and_changes_go_into_a_new_version(admin_client, partnership, police):
    round_ = builders.section11_round(partnership, [police])
    standard = round_.framework.standards.get(number="7.5")
    response = admin_client.post(
        reverse("audits:standard-edit", args=[standard.pk]),
        {"number": "7.5", "section": "Section 7", "wording": "Reworded after the round."},
    )
    assert response.status_code == 400
    assert "Make a new version to change it." in response.content.decode()
    assert Standard.objects.get(pk=standard.pk).wording == "Standard 7.5"

    admin_client.post(reverse("audits:framework-new-version", args=[round_.framework.pk]), {"version": "2"})
    new = Framework.objects.get(name=round_.framework.name, version="2")
    assert list(new.standards.values_list("number", flat=True)) == ["1.1", "7.5", "8.6"]
    new_standard = new.standards.get(number="7.5")
    admin_client.post(
        reverse("audits:standard-edit", args=[new_standard.pk]),
        {"number": "7.5", "section": "Section 7", "wording": "Reworded for the next round."},
    )
    assert Standard.objects.get(pk=new_standard.pk).wording == "Reworded for the next round."
    assert round_.returns.get().answers.get(standard__number="7.5").standard.wording == "Standard 7.5"


def test_standards_sort_by_each_part_of_their_number(partnership):
    framework = builders.framework(partnership, numbers=("10.1", "2.10", "2.9"))
    assert list(framework.standards.values_list("number", flat=True)) == ["2.9", "2.10", "10.1"]
