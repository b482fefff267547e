"""Importing a plan from Jira, Linear or GitHub, and syncing it again: the sources
(``sources/``), the mapping, the plan built from both (``build``), what it does to
the database (``operations``), the ``flask import`` commands (app/cli/importing.py)
and the planners' Import page (this blueprint). See docs/import.md."""

from flask import Blueprint

bp = Blueprint("importing", __name__)


@bp.app_template_filter("source_name")
def source_name(source: str) -> str:
    """An imported item's source as people name it: "Jira", "Linear", "GitHub"."""
    from app.importing.issues import SOURCE_NAMES

    return SOURCE_NAMES.get(source, source)


from app.importing import routes  # noqa: E402, F401
