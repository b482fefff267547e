"""What the areas' forms share: the filter that strips text, and an operation's
refusal shown next to the field it concerns."""

from __future__ import annotations


def strip(value):
    """A field filter: text without the white space around it."""
    return value.strip() if isinstance(value, str) else value


def refused(form, error) -> None:
    """Show a refusal (an error with a ``field``) next to the field it concerns,
    or above the form."""
    if error.field and error.field in form:
        form[error.field].errors.append(str(error))
    else:
        form.form_errors.append(str(error))
