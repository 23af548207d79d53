"""Forms of the register pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from mamori.detect.categories import BY_ID, CATEGORY_IDS
from mamori.guard.register.models import Form

_TEXT = forms.Textarea(attrs={"rows": 2})


class EntryForm(forms.Form):
    """The official columns, then what mamori compares with the scans (kinds of data, where the files are)."""

    name = forms.CharField(label=_("ui.reg.name_of_the_file"), max_length=200)
    organ = forms.CharField(label=_("ui.reg.agency_and_department_in_charge"), max_length=300)
    purpose = forms.CharField(label=_("ui.reg.purpose_of_use"), widget=_TEXT)
    record_items = forms.CharField(label=_("ui.reg.recorded_items"), widget=_TEXT)
    record_scope = forms.CharField(label=_("ui.reg.scope_of_the_records"), widget=_TEXT)
    collection = forms.CharField(label=_("ui.reg.how_the_records_are_collected"), widget=_TEXT)
    special_care = forms.BooleanField(label=_("ui.reg.contains_special_care_personal_information"), required=False)
    recipients = forms.CharField(label=_("ui.reg.regular_recipients"), widget=_TEXT, required=False)
    disclosure_office = forms.CharField(label=_("ui.reg.office_receiving_disclosure_requests"), max_length=300)
    form = forms.ChoiceField(label=_("ui.reg.computer_processed_or_manual"), choices=Form.choices)
    remarks = forms.CharField(label=_("ui.reg.remarks"), widget=_TEXT, required=False)
    categories = forms.MultipleChoiceField(label=_("ui.reg.kinds_of_personal_data"), required=False,
                                           choices=[(c, c) for c in CATEGORY_IDS],
                                           widget=forms.SelectMultiple(attrs={"size": 8}))
    locations = forms.CharField(label=_("ui.reg.where_the_files_are_one_path"),
                                widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        lang = "en" if (get_language() or "ja").startswith("en") else "ja"
        self.fields["categories"].choices = [(c, BY_ID[c].label(lang)) for c in CATEGORY_IDS]  # type: ignore[attr-defined]

    def values(self) -> dict[str, object]:
        """The cleaned values as the services take them (locations as a list)."""
        data = dict(self.cleaned_data)
        data["locations"] = [line.strip() for line in str(data.get("locations", "")).splitlines() if line.strip()]
        return data
