"""Page: one page of a cursor-paginated list."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, Iterator, TypeVar

T = TypeVar("T")

__all__ = ["Page"]


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a list: at most ``limit`` items and the cursor of the next page.

    Lists are never unbounded. Pass ``next_cursor`` back as ``cursor`` to get the next page;
    it is empty on the last page. A page iterates over, and has the length of, its items.
    """

    items: list[T]
    next_cursor: str = ""

    @property
    def has_more(self) -> bool:
        """True when there is a next page."""
        return self.next_cursor != ""

    def __iter__(self) -> Iterator[T]:
        """Iterates over the items."""
        return iter(self.items)

    def __len__(self) -> int:
        """The number of items on this page."""
        return len(self.items)
