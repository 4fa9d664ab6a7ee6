from django import forms
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.debug import sensitive_post_parameters

from assure.core.pages import form_page, list_page
from assure.core.permissions import Action, Area, get_scoped_object_or_404, permission_required, scoped
from assure.core.tables import Column, Table

from .models import Concern


class ConcernForm(forms.ModelForm):
    class Meta:
        model = Concern
        fields = ["subject_name", "narrative"]


@permission_required(Area.LADO)
def concern_list(request):
    table = Table(
        request,
        scoped(Concern.objects.all(), request.user),
        [
            Column("Reference", lambda c: c.reference, sort="reference", link=True),
            Column("Subject", lambda c: c.subject_name, sort="subject_name"),
        ],
        name="concerns",
        search_fields=["subject_name", "narrative"],
        default_sort="reference",
    )
    return list_page(request, table, "compartment_app/concern_list.html", Area.LADO)


@permission_required(Area.LADO, open_to_grantees=True)
def concern_detail(request, pk):
    concern = get_scoped_object_or_404(Concern.objects.all(), request.user, pk=pk)
    return render(request, "compartment_app/concern_detail.html", {"concern": concern})


@permission_required(Area.LADO, Action.EDIT)
@sensitive_post_parameters()
def concern_edit(request, pk):
    concern = get_scoped_object_or_404(Concern.objects.all(), request.user, Action.EDIT, pk=pk)
    return form_page(
        request,
        ConcernForm(request.POST or None, instance=concern),
        title=f"Change {concern}",
        success_url=concern.get_absolute_url(),
        success_message="Saved.",
        back_url=reverse("compartment:concern-list"),
    )
