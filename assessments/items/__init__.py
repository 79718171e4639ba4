"""Item types: each knows how to check its content, read an answer from the form, and score it."""

from assessments.items.registry import ADAPTIVE_TYPES, ITEM_TYPES, ItemType, item_type

__all__ = ["ADAPTIVE_TYPES", "ITEM_TYPES", "ItemType", "item_type"]
