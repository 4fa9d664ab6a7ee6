from django.urls import reverse

from tests.compartments import register

from .models import Concern


def make_concern():
    number = Concern.objects.count() + 1
    return Concern.objects.create(
        reference=f"C-2019-{number:03d}",
        subject_name=f"Jordan Subjectname{number}",
        narrative=f"Narrative that must stay inside the compartment {number}.",
    )


def concern_urls(concern):
    return [
        reverse("compartment:concern-list"),
        reverse("compartment:concern-list") + "?q=Jordan",
        reverse("compartment:concern-detail", args=[concern.pk]),
        reverse("compartment:concern-edit", args=[concern.pk]),
        reverse("compartment:concern-shares", args=[concern.pk]),
        reverse("core:record-history", args=[concern.record_type_slug(), concern.pk]),
    ]


register(Concern, make=make_concern, urls=concern_urls)
