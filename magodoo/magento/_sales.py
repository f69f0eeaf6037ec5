"""Typed routes of orders, invoices, credit memos and shipments."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Mapping
from typing import Any

from magodoo._converter import converter
from magodoo.magento._base import plain
from magodoo.magento._core import ClientCore, seg
from magodoo.magento.models_common import Page
from magodoo.magento.models_sales import (
    CreditMemo,
    CreditMemoComment,
    Invoice,
    InvoiceComment,
    Order,
    OrderItem,
    OrderStatusHistory,
    Shipment,
    ShipmentComment,
    Track,
)
from magodoo.magento.search import SearchCriteria

__all__ = ["SalesApi"]

Fields = str | Iterable[str] | None
Items = Mapping[int, float] | None


def _id(value: Any) -> int:
    """Magento answers new document ids as JSON strings (``"9"``)."""
    result: int = converter.structure(value, int)
    return result


def _items(items: Items) -> list[dict[str, Any]]:
    return [{"order_item_id": item_id, "qty": qty} for item_id, qty in (items or {}).items()]


def _document_body(
    items: Items, notify: bool, comment: str | None, comment_visible: bool
) -> dict[str, Any]:
    body: dict[str, Any] = {"notify": notify}
    if items:
        body["items"] = _items(items)
    if comment:
        body["appendComment"] = True
        body["comment"] = {"comment": comment, "is_visible_on_front": int(comment_visible)}
    return body


def _comments(data: Any) -> list[Any]:
    if isinstance(data, Mapping):
        return list(data.get("items") or [])
    return list(data or [])


class SalesApi(ClientCore):
    """Orders and their documents."""

    __slots__ = ()

    # ---- orders ---------------------------------------------------------------------------

    async def search_orders(
        self, criteria: SearchCriteria | None = None, *, fields: Fields = None
    ) -> Page[Order]:
        """``GET /V1/orders``: one page as ``criteria`` say."""
        return await self.fetch_page("/V1/orders", criteria, model=Order, fields=fields)

    def iter_orders(
        self, criteria: SearchCriteria | None = None, *, page_size: int | None = None,
        fields: Fields = None,
    ) -> AsyncIterator[Order]:
        """Every order matching ``criteria``, paged. Many orders share one ``updated_at``
        second: sort on ``entity_id`` too and re-read the boundary second."""
        return self.paginate("/V1/orders", criteria, page_size=page_size, fields=fields,
                             model=Order)

    async def get_order(self, order_id: int) -> Order:
        """``GET /V1/orders/{id}`` (the entity id, not the increment id)."""
        return Order.from_api(await self.get(f"/V1/orders/{seg(order_id)}"))

    def iter_order_items(
        self, criteria: SearchCriteria | None = None, *, page_size: int | None = None
    ) -> AsyncIterator[OrderItem]:
        """``GET /V1/orders/items`` (e.g. ``order_id in (...)``), paged."""
        return self.paginate("/V1/orders/items", criteria, page_size=page_size,
                             model=OrderItem)

    async def get_order_item(self, item_id: int) -> OrderItem:
        """``GET /V1/orders/items/{id}``."""
        return OrderItem.from_api(await self.get(f"/V1/orders/items/{seg(item_id)}"))

    async def list_order_comments(self, order_id: int) -> list[OrderStatusHistory]:
        """``GET /V1/orders/{id}/comments`` (newest first)."""
        data = await self.get(f"/V1/orders/{seg(order_id)}/comments")
        return [OrderStatusHistory.from_api(x) for x in _comments(data)]

    async def get_order_status(self, order_id: int) -> str | None:
        """``GET /V1/orders/{id}/statuses``: the current status (None when it is NULL)."""
        data = await self.get(f"/V1/orders/{seg(order_id)}/statuses")
        return data if isinstance(data, str) and data else None

    async def add_order_comment(
        self, order_id: int, comment: str, *, status: str | None = None,
        notify: bool = False, visible_on_front: bool = False,
    ) -> bool:
        """``POST /V1/orders/{id}/comments``.

        Magento 2.4.6 sets the order status to NULL when a comment has no ``status``
        (magento/magento2#34180), so without ``status`` the current one is read and sent.
        """
        if status is None:
            status = await self.get_order_status(order_id)
        history: dict[str, Any] = {
            "comment": comment,
            "is_customer_notified": int(notify),
            "is_visible_on_front": int(visible_on_front),
            "parent_id": order_id,
        }
        if status is not None:
            history["status"] = status
        return bool(await self.post(f"/V1/orders/{seg(order_id)}/comments",
                                    {"statusHistory": history}))

    async def hold_order(self, order_id: int) -> bool:
        """``POST /V1/orders/{id}/hold`` (400 when the order cannot be held)."""
        return bool(await self.post(f"/V1/orders/{seg(order_id)}/hold"))

    async def unhold_order(self, order_id: int) -> bool:
        """``POST /V1/orders/{id}/unhold`` (400 when it is not on hold)."""
        return bool(await self.post(f"/V1/orders/{seg(order_id)}/unhold"))

    async def cancel_order(self, order_id: int) -> bool:
        """``POST /V1/orders/{id}/cancel``: False (not an error) when the order is complete,
        closed or already canceled."""
        return bool(await self.post(f"/V1/orders/{seg(order_id)}/cancel"))

    # ---- invoices -------------------------------------------------------------------------

    async def create_invoice(
        self, order_id: int, items: Items = None, *, capture: bool = False,
        notify: bool = False, comment: str | None = None, comment_visible: bool = False,
    ) -> int:
        """``POST /V1/order/{orderId}/invoice``: the new invoice id.

        ``items`` maps order item ids (of the parent rows) to quantities; None invoices
        everything left. Not retried blindly: search invoices by ``order_id`` first.
        """
        body = _document_body(items, notify, comment, comment_visible)
        body["capture"] = capture
        return _id(await self.post(f"/V1/order/{seg(order_id)}/invoice", body))

    async def search_invoices(
        self, criteria: SearchCriteria | None = None, *, fields: Fields = None
    ) -> Page[Invoice]:
        """``GET /V1/invoices``."""
        return await self.fetch_page("/V1/invoices", criteria, model=Invoice, fields=fields)

    def iter_invoices(
        self, criteria: SearchCriteria | None = None, *, page_size: int | None = None,
        fields: Fields = None,
    ) -> AsyncIterator[Invoice]:
        """Every invoice matching ``criteria``, paged."""
        return self.paginate("/V1/invoices", criteria, page_size=page_size, fields=fields,
                             model=Invoice)

    async def get_invoice(self, invoice_id: int) -> Invoice:
        """``GET /V1/invoices/{id}``."""
        return Invoice.from_api(await self.get(f"/V1/invoices/{seg(invoice_id)}"))

    async def list_invoice_comments(self, invoice_id: int) -> list[InvoiceComment]:
        """``GET /V1/invoices/{id}/comments``."""
        data = await self.get(f"/V1/invoices/{seg(invoice_id)}/comments")
        return [InvoiceComment.from_api(x) for x in _comments(data)]

    async def add_invoice_comment(
        self, invoice_id: int, comment: str, *, notify: bool = False,
        visible_on_front: bool = False,
    ) -> InvoiceComment:
        """``POST /V1/invoices/comments``."""
        entity = {"parent_id": invoice_id, "comment": comment,
                  "is_customer_notified": int(notify),
                  "is_visible_on_front": int(visible_on_front)}
        return InvoiceComment.from_api(await self.post("/V1/invoices/comments",
                                                       {"entity": entity}))

    # ---- credit memos ---------------------------------------------------------------------

    async def refund_order(
        self, order_id: int, items: Items = None, *, shipping_amount: float | None = None,
        adjustment_positive: float | None = None, adjustment_negative: float | None = None,
        return_to_stock_items: Iterable[int] = (), notify: bool = False,
        comment: str | None = None, comment_visible: bool = False,
    ) -> int:
        """``POST /V1/order/{orderId}/refund``: an offline credit memo; its id.

        Without ``shipping_amount`` Magento refunds all remaining shipping: pass 0 for an
        items-only refund. ``items`` None refunds everything left.
        """
        body = _document_body(items, notify, comment, comment_visible)
        arguments = _refund_arguments(shipping_amount, adjustment_positive,
                                      adjustment_negative, return_to_stock_items)
        if arguments:
            body["arguments"] = arguments
        return _id(await self.post(f"/V1/order/{seg(order_id)}/refund", body))

    async def refund_invoice(
        self, invoice_id: int, items: Items = None, *, online: bool = False,
        shipping_amount: float | None = None, adjustment_positive: float | None = None,
        adjustment_negative: float | None = None, return_to_stock_items: Iterable[int] = (),
        notify: bool = False, comment: str | None = None, comment_visible: bool = False,
    ) -> int:
        """``POST /V1/invoice/{invoiceId}/refund``: the credit memo id. Magento refuses it for
        every offline payment method but ``free``; use :meth:`refund_order` for those."""
        body = _document_body(items, notify, comment, comment_visible)
        body["isOnline"] = online
        arguments = _refund_arguments(shipping_amount, adjustment_positive,
                                      adjustment_negative, return_to_stock_items)
        if arguments:
            body["arguments"] = arguments
        return _id(await self.post(f"/V1/invoice/{seg(invoice_id)}/refund", body))

    async def search_credit_memos(
        self, criteria: SearchCriteria | None = None, *, fields: Fields = None
    ) -> Page[CreditMemo]:
        """``GET /V1/creditmemos``."""
        return await self.fetch_page("/V1/creditmemos", criteria, model=CreditMemo,
                                     fields=fields)

    def iter_credit_memos(
        self, criteria: SearchCriteria | None = None, *, page_size: int | None = None,
        fields: Fields = None,
    ) -> AsyncIterator[CreditMemo]:
        """Every credit memo matching ``criteria``, paged."""
        return self.paginate("/V1/creditmemos", criteria, page_size=page_size, fields=fields,
                             model=CreditMemo)

    async def get_credit_memo(self, credit_memo_id: int) -> CreditMemo:
        """``GET /V1/creditmemo/{id}``."""
        return CreditMemo.from_api(await self.get(f"/V1/creditmemo/{seg(credit_memo_id)}"))

    async def list_credit_memo_comments(self, credit_memo_id: int) -> list[CreditMemoComment]:
        """``GET /V1/creditmemo/{id}/comments``."""
        data = await self.get(f"/V1/creditmemo/{seg(credit_memo_id)}/comments")
        return [CreditMemoComment.from_api(x) for x in _comments(data)]

    # ---- shipments ------------------------------------------------------------------------

    async def create_shipment(
        self, order_id: int, items: Items = None, *, tracks: Iterable[Track] = (),
        source_code: str | None = None, notify: bool = False, comment: str | None = None,
        comment_visible: bool = False,
    ) -> int:
        """``POST /V1/order/{orderId}/ship``: the new shipment id.

        Magento silently ships less than asked when less is left: compare the shipment's
        quantities. ``source_code`` is the MSI source.
        """
        body = _document_body(items, notify, comment, comment_visible)
        track_list = [_track_creation(t) for t in tracks]
        if track_list:
            body["tracks"] = track_list
        if source_code:
            body["arguments"] = {"extension_attributes": {"source_code": source_code}}
        return _id(await self.post(f"/V1/order/{seg(order_id)}/ship", body))

    async def search_shipments(
        self, criteria: SearchCriteria | None = None, *, fields: Fields = None
    ) -> Page[Shipment]:
        """``GET /V1/shipments``."""
        return await self.fetch_page("/V1/shipments", criteria, model=Shipment, fields=fields)

    def iter_shipments(
        self, criteria: SearchCriteria | None = None, *, page_size: int | None = None,
        fields: Fields = None,
    ) -> AsyncIterator[Shipment]:
        """Every shipment matching ``criteria``, paged."""
        return self.paginate("/V1/shipments", criteria, page_size=page_size, fields=fields,
                             model=Shipment)

    async def get_shipment(self, shipment_id: int) -> Shipment:
        """``GET /V1/shipment/{id}``."""
        return Shipment.from_api(await self.get(f"/V1/shipment/{seg(shipment_id)}"))

    async def list_shipment_comments(self, shipment_id: int) -> list[ShipmentComment]:
        """``GET /V1/shipment/{id}/comments``."""
        data = await self.get(f"/V1/shipment/{seg(shipment_id)}/comments")
        return [ShipmentComment.from_api(x) for x in _comments(data)]

    async def add_track(self, track: Track) -> Track:
        """``POST /V1/shipment/track``: ``track.parent_id`` is the shipment id, ``order_id``
        the order's. Not retried blindly (read the shipment's tracks first)."""
        entity = track.to_api()
        for key, default in (("qty", 1), ("weight", 0), ("description", "")):
            entity.setdefault(key, default)  # the schema requires them
        return Track.from_api(await self.post("/V1/shipment/track", {"entity": entity}))

    async def delete_track(self, track_id: int) -> bool:
        """``DELETE /V1/shipment/track/{id}``."""
        return bool(await self.delete(f"/V1/shipment/track/{seg(track_id)}"))


def _refund_arguments(
    shipping_amount: float | None, adjustment_positive: float | None,
    adjustment_negative: float | None, return_to_stock_items: Iterable[int],
) -> dict[str, Any]:
    arguments: dict[str, Any] = {}
    if shipping_amount is not None:
        arguments["shipping_amount"] = shipping_amount
    if adjustment_positive is not None:
        arguments["adjustment_positive"] = adjustment_positive
    if adjustment_negative is not None:
        arguments["adjustment_negative"] = adjustment_negative
    stock = list(return_to_stock_items)
    if stock:
        arguments["extension_attributes"] = {"return_to_stock_items": stock}
    return arguments


def _track_creation(track: Track) -> dict[str, Any]:
    data: dict[str, Any] = plain(track)
    return {k: data[k] for k in ("track_number", "title", "carrier_code") if k in data}
