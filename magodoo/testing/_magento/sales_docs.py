"""What invoices, shipments and credit memos share: comments, validation errors, lookups.

``parent_id`` on a document's items, comments and tracks is the document's id (not a parent
item). Document comments are listed as a search result filtered on ``parent_id``.
"""

from __future__ import annotations

import copy
from typing import Any

from magodoo.testing._magento import errors
from magodoo.testing._magento.sales_orders import NOT_FOUND
from magodoo.testing._magento.state import Row, State


def get_doc(state: State, table: str, doc_id: int) -> Row:
    row = state.table(table).get(doc_id)
    if row is None:
        raise errors.not_found(NOT_FOUND)
    return row


def validation_error(kind: str, messages: list[str]) -> errors.MagentoError:
    """``Invoice Document Validation Error(s):\\n...`` (one message per line, no parameters)."""
    return errors.bad_request(f"{kind} Document Validation Error(s):\n" + "\n".join(messages))


def add_comment(
    state: State,
    table: str,
    parent_id: int,
    comment: str,
    *,
    notified: int = 0,
    visible: int = 0,
    style: str = "invoice",
) -> Row:
    """A document comment; key order follows what each document type answers."""
    comments = state.table(table)
    entity_id = comments.next_id()
    now = state.timestamp()
    row: Row
    if style == "creditmemo":
        row = {
            "comment": comment,
            "created_at": now,
            "entity_id": entity_id,
            "is_customer_notified": notified,
            "is_visible_on_front": visible,
            "parent_id": parent_id,
        }
    else:
        row = {
            "is_customer_notified": notified,
            "parent_id": parent_id,
            "comment": comment,
            "is_visible_on_front": visible,
            "created_at": now,
            "entity_id": entity_id,
        }
    comments.rows[entity_id] = row
    return row


def append_from_body(
    state: State, table: str, parent_id: int, body: Any, style: str = "invoice"
) -> None:
    """``appendComment`` + ``comment`` of an invoice/ship/refund call."""
    if not isinstance(body, dict) or not body.get("appendComment"):
        return
    comment = body.get("comment")
    if not isinstance(comment, dict) or not comment.get("comment"):
        return
    add_comment(
        state,
        table,
        parent_id,
        str(comment["comment"]),
        notified=1 if body.get("notify") else 0,
        visible=int(comment.get("is_visible_on_front") or 0),
        style=style,
    )


def comments_of(state: State, table: str, parent_id: int) -> list[Row]:
    rows = state.table(table).where("parent_id", parent_id)
    return [copy.deepcopy(c) for c in sorted(rows, key=lambda c: c["entity_id"])]


def comments_result(state: State, table: str, parent_id: int) -> dict[str, Any]:
    items = comments_of(state, table, parent_id)
    return {
        "items": items,
        "search_criteria": {
            "filter_groups": [
                {
                    "filters": [
                        {"field": "parent_id", "value": str(parent_id), "condition_type": "eq"}
                    ]
                }
            ]
        },
        "total_count": len(items),
    }


def comment_from_entity(
    state: State, table: str, parent_id: int, entity: Any, style: str = "invoice"
) -> Row:
    """``POST .../comments`` with ``entity`` = ``{comment, is_visible_on_front, ...}``."""
    if not isinstance(entity, dict) or not entity.get("comment"):
        raise errors.required("comment")
    return add_comment(
        state,
        table,
        parent_id,
        str(entity["comment"]),
        notified=int(entity.get("is_customer_notified") or 0),
        visible=int(entity.get("is_visible_on_front") or 0),
        style=style,
    )


def requested_qtys(body: Any) -> dict[int, Any] | None:
    """``items[]`` as ``{order_item_id: qty}``; None when the key is absent or empty."""
    items = body.get("items") if isinstance(body, dict) else None
    if not items:
        return None
    out: dict[int, Any] = {}
    for entry in items:
        out[int(entry.get("order_item_id") or 0)] = entry.get("qty")
    return out
