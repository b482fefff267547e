"""The Import page's forms: the upload, and the mapping adjusted on the preview."""

from __future__ import annotations

from flask_wtf.file import FileField, MultipleFileField
from wtforms import FieldList, FormField, HiddenField, SelectChoice, SelectField, SubmitField
from wtforms.validators import ValidationError

from app.alignment import PRIORITY_NAMES, STATUSES, TEAM_KINDS
from app.alignment.text import status_word
from app.forms import FlaskForm, Form
from app.importing.sources import KINDS


class UploadForm(FlaskForm):
    kind = SelectField(
        "Source", choices=[SelectChoice(kind, label) for kind, (_source, label) in KINDS.items()]
    )
    files = MultipleFileField("Files")
    mapping = FileField("Mapping (optional)")

    def validate_files(self, field) -> None:
        chosen = [f for f in field.data or [] if getattr(f, "filename", "")]
        if not chosen:
            raise ValidationError("Choose at least one file to import.")


class _Row(Form):
    name = HiddenField()
    value = SelectField(validate_choice=False)


class AdjustForm(FlaskForm):
    """Teams' kinds, priorities and statuses, as the preview shows them."""

    again = SubmitField("Preview again")
    confirm = SubmitField("Import")
    teams = FieldList(FormField(_Row), min_entries=0, max_entries=500)
    priorities = FieldList(FormField(_Row), min_entries=0, max_entries=500)
    statuses = FieldList(FormField(_Row), min_entries=0, max_entries=500)

    def offer(self) -> None:
        for row in self.teams:
            row.value.choices = [SelectChoice(kind, kind) for kind in TEAM_KINDS]
        for row in self.priorities:
            row.value.choices = [SelectChoice("", "Choose…")] + [
                SelectChoice(p, p) for p in PRIORITY_NAMES
            ]
        for row in self.statuses:
            row.value.choices = [SelectChoice("", "Choose…")] + [
                SelectChoice(s, status_word(s)) for s in STATUSES
            ]


__all__ = ["AdjustForm", "UploadForm"]
