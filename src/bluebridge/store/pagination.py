"""Pages of query results: every list in the API and the portal is paginated."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import Select, func, literal_column, select
from sqlalchemy.orm import Session

T = TypeVar("T")
MAX_PAGE_SIZE = 200


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    items: list[T]
    page: int
    per_page: int
    total: int
    # False when counting stopped at a cap: there are at least `total` items.
    total_exact: bool = True

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def has_previous(self) -> bool:
        return self.page > 1


def paginate(
    session: Session,
    query: Select[Any],
    *,
    page: int,
    per_page: int,
    count_cap: int | None = None,
) -> Page[Any]:
    """Run one page of a select (scalars) and count the whole, both under the same filters.
    With a cap, counting stops there: over a large store an exact count of everything a
    principal may see costs far more than the page itself, and nobody pages that far."""
    page = max(1, page)
    per_page = min(max(1, per_page), MAX_PAGE_SIZE)
    # Count rows, not their content: a constant per row keeps wide columns (JSON payloads) out.
    counted: Select[Any] = query.order_by(None).with_only_columns(
        literal_column("1"), maintain_column_froms=True
    )
    if count_cap is not None:
        counted = counted.limit(count_cap + 1)
    total = session.scalar(select(func.count()).select_from(counted.subquery())) or 0
    exact = count_cap is None or total <= count_cap
    items = list(session.scalars(query.limit(per_page).offset((page - 1) * per_page)).unique())
    return Page(
        items=items,
        page=page,
        per_page=per_page,
        total=total if exact else count_cap or 0,
        total_exact=exact,
    )
