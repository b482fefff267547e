"""What the areas' forms share: the base classes that check what any field may
hold, the filter that strips text, and an operation's refusal shown next to the
field it concerns.

Every form of the app derives from `Form` (read from the query string or nested
in another form) or `FlaskForm` (a submitted form, with its CSRF token). Both
refuse, next to the field concerned, what no field can store: a NUL character
(PostgreSQL text cannot hold it), a whole number beyond 64 bits and a number
that is not finite. `FlaskForm` also reads a JSON body, when one is sent instead
of form fields, as an object of field values (text, numbers, booleans for check
boxes, lists for multiple choices); any other shape, and a body that is neither
form fields nor JSON, is refused on the form.
"""

from __future__ import annotations

import math

import flask_wtf
import wtforms
from flask import request
from werkzeug.datastructures import ImmutableMultiDict
from wtforms import BooleanField, SelectMultipleField

from app.errors import Refused

NUL_MESSAGE = "Contains a NUL character, which cannot be saved: remove it."
INT_MESSAGE = "This number is too large."
FLOAT_MESSAGE = "Enter a finite number."
BODY_MESSAGE = "The request's body is neither form fields nor a JSON object of them."
JSON_OBJECT_MESSAGE = "Send the form's fields as a JSON object of field values."
JSON_VALUE_MESSAGE = "Expected text or a number here."
INT_LIMIT = 2**63 - 1
SUBMIT_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def strip(value):
    """A field filter: text without the white space around it."""
    return value.strip() if isinstance(value, str) else value


def refused(form, error: Refused, default: str | None = None) -> None:
    """Show a refusal next to the field it concerns (else next to ``default``),
    or above the form."""
    name = error.field if error.field and error.field in form else default
    if name:
        form[name].errors.append(str(error))
    else:
        form.form_errors.append(str(error))


def input_error(field) -> str | None:
    """Why the field's input cannot be stored, or None."""
    if any(
        isinstance(raw, str) and "\x00" in raw for raw in getattr(field, "raw_data", None) or ()
    ):
        return NUL_MESSAGE
    data = field.data
    if isinstance(data, int) and not isinstance(data, bool) and abs(data) > INT_LIMIT:
        return INT_MESSAGE
    if isinstance(data, float) and not math.isfinite(data):
        return FLOAT_MESSAGE
    return None


class InputChecks:
    """The checks every field gets, after its own validators."""

    # What a JSON body sent in the wrong shape, by field name (None: the body itself)
    _body_errors: dict[str | None, list[str]] = {}

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        for field in self._fields.values():
            message = input_error(field)
            if message and isinstance(field.errors, list):
                field.errors.append(message)
                valid = False
        for name, messages in self._body_errors.items():
            errors = self.form_errors if name is None else self._fields[name].errors
            errors.extend(m for m in messages if m not in errors)
            valid = False
        return valid


class Form(InputChecks, wtforms.Form):
    """A form read from the query string, or nested in another form."""


def _json_value(field, value) -> list[str] | None:
    """The form values of one JSON value for `field` (None: a key that is not one of
    the form's own fields, such as a nested form's), or None if it has the wrong shape."""
    if isinstance(value, list):
        if field is not None and not isinstance(field, SelectMultipleField):
            return None
        values = [_json_scalar(field, item) for item in value]
        return None if None in values else values
    scalar = _json_scalar(field, value)
    return None if scalar is None else [scalar]


def _json_scalar(field, value) -> str | None:
    if value is None:
        return ""
    if isinstance(value, bool):
        if field is None or isinstance(field, BooleanField):
            return "y" if value else ""
        return None
    if isinstance(value, (str, int, float)):
        return str(value)
    return None


class FlaskForm(InputChecks, flask_wtf.FlaskForm):
    """A submitted form: fields from the request's form data or its JSON body."""

    class Meta(flask_wtf.FlaskForm.Meta):
        def wrap_formdata(self, form, formdata):
            reads_request = formdata is not None and not hasattr(formdata, "getlist")
            if (
                reads_request
                and request.method in SUBMIT_METHODS
                and not request.form
                and not request.files
            ):
                if request.is_json:
                    return _json_formdata(form, request.get_json())
                if request.content_length or request.get_data(cache=True):
                    form._body_errors = {None: [BODY_MESSAGE]}
                    return ImmutableMultiDict()
            return super().wrap_formdata(form, formdata)


def _json_formdata(form, body) -> ImmutableMultiDict:
    """The JSON body as form data; what has the wrong shape is put on the form."""
    form._body_errors = errors = {}
    if not isinstance(body, dict):
        errors[None] = [JSON_OBJECT_MESSAGE]
        return ImmutableMultiDict()
    pairs = []
    for key, value in body.items():
        field = form._fields.get(key)
        values = _json_value(field, value)
        if values is None:
            if field is None:
                errors.setdefault(None, []).append(f"{key}: {JSON_VALUE_MESSAGE}")
            else:
                errors[key] = [JSON_VALUE_MESSAGE]
            continue
        pairs.extend((key, v) for v in values)
    return ImmutableMultiDict(pairs)
