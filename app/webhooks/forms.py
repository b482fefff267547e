"""The admin pages' forms: an endpoint's URL, description and events."""

from wtforms import (
    BooleanField,
    SelectChoice,
    SelectMultipleField,
    StringField,
    URLField,
    widgets,
)
from wtforms.validators import DataRequired, Length

from app.fields import NAME_MAX
from app.forms import FlaskForm, strip
from app.models import WEBHOOK_EVENTS
from app.models.webhook import URL_MAX


class _CheckBoxes(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class EndpointForm(FlaskForm):
    url = URLField("URL", filters=[strip], validators=[DataRequired(), Length(max=URL_MAX)])
    description = StringField("Description", filters=[strip], validators=[Length(max=NAME_MAX)])
    events = _CheckBoxes(
        "Events",
        choices=[SelectChoice(name, name) for name in WEBHOOK_EVENTS],
        default=list(WEBHOOK_EVENTS),
    )


class EditEndpointForm(EndpointForm):
    active = BooleanField("Active: deliver events to it")
