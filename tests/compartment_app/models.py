"""One record type of a compartment, shaped like the LADO's allegations: a neutral reference, a person's name and a
narrative that must never leave the compartment."""

from django.db import models
from django.urls import reverse

from assure.core.audit import AuditedModel
from assure.core.permissions import Area


class Concern(AuditedModel):
    permission_area = Area.LADO
    access_logged = True

    reference = models.CharField(max_length=20, unique=True)
    subject_name = models.CharField(max_length=200)
    narrative = models.TextField()

    class Meta:
        ordering = ["reference"]

    def __str__(self):
        return f"Concern {self.reference}"

    def get_absolute_url(self):
        return reverse("compartment:concern-detail", args=[self.pk])
