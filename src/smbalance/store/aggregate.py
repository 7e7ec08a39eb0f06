"""Report queries: time per person and category, clipped to periods, summed in SQL."""

from __future__ import annotations

from smbalance.store.base import StoreBase


class AggregateMixin(StoreBase):
    pass
