"""Bulk reads and writes for export and import: streamed out, batched in."""

from __future__ import annotations

from smbalance.store.base import StoreBase


class BulkMixin(StoreBase):
    pass
