"""How the dashboard names conflict states for people (types: ``app.alignment.text``)."""

STATE_LABELS = {"open": "Open", "acknowledged": "Acknowledged", "accepted": "Accepted risk"}
