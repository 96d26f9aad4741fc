"""A list call returns a PagedList: iterate it for every item of every page (fetched as you go),
or ask for ``first_page()`` / ``pages()`` / ``all(max=...)``. Nothing is fetched before that."""

from typing import Callable, Generic, Iterator, List, Optional, TypeVar

from .types import Page

T = TypeVar("T")


class PagedList(Generic[T]):
    def __init__(self, fetch_page: Callable[[Optional[str]], Page[T]], cursor: Optional[str] = None) -> None:
        self._fetch_page = fetch_page
        self._cursor = cursor
        self._first: Optional[Page[T]] = None

    def first_page(self) -> Page[T]:
        """The first page (fetched once)."""
        if self._first is None:
            self._first = self._fetch_page(self._cursor)
        return self._first

    def pages(self) -> Iterator[Page[T]]:
        """Every page in turn, starting with the first."""
        page = self.first_page()
        yield page
        while page.next_cursor:
            page = self._fetch_page(page.next_cursor)
            yield page

    def __iter__(self) -> Iterator[T]:
        for page in self.pages():
            yield from page.data

    def all(self, *, max: Optional[int] = None) -> List[T]:  # noqa: A002 - the TS SDK's name
        """Every item of every page, collected; stops at ``max`` items when given."""
        collected: List[T] = []
        if max is not None and max <= 0:
            return collected
        for item in self:
            collected.append(item)
            if max is not None and len(collected) >= max:
                break
        return collected
