"""/api/v1/items/<key>/history: an item's audit history, and its dependencies',
in the words of the item page."""

from __future__ import annotations

from app.api.base import allow, api_blueprint
from app.api.items import item_or_404
from app.api.representations import history_entry_json
from app.api.schemas import ItemHistory
from app.planning.history import item_history
from app.planning.pages import all_periods, links_of

blp = api_blueprint("api_history", __name__, "/api/v1/items", "The audit history of items.")


@blp.route("/<key>/history")
@blp.response(200, ItemHistory)
def get_item_history(key: str):
    """The item's audit history, newest first.

    Who changed what of the item and of its dependencies, and when, each change with
    its old and new value, as the item page lists them."""
    allow("view")
    item = item_or_404(key)
    needs, needed_by = links_of(item)
    entries = item_history(item, [*needs, *needed_by], all_periods())
    return {"data": [history_entry_json(entry) for entry in entries]}
