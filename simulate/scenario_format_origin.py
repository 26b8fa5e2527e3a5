"""The format of a returner's attributes by origin and of close contacts (docs/scenarios.md, "returners").

Kept apart from :mod:`simulate.scenario_format` (which imports these) so the season's
returner format can grow without that module passing its size bound. A table per origin
must add up to 1: a share may be ``rest`` (once per table), what the others leave, so a
world that moves an assumed share keeps the table whole.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeAlias

from pydantic import Field, StrictStr

from policy.formats import Strict

from .scenario_values import Share, Shares, choice, either, number

REST = "rest"
RestShare: Any = either("scenario.type", "expected a share or rest",
                        ("<number>", Share), ("<name>", choice((REST,))))
Attribute: Any = either("scenario.type", "expected a share (bool input) or {value: share} (enum)",
                        ("<number>", Share), ("<mapping>", Shares))
OriginAttribute: Any = either("scenario.type", "expected a share (bool input) or {value: share or rest} (enum)",
                              ("<number>", Share), ("<mapping>", dict[StrictStr, RestShare]))
if TYPE_CHECKING:
    Days: TypeAlias = int
else:
    Days = number(0, 365, integer=True)


class DaysBefore(Strict):
    """A whole number of days drawn uniformly from *low* to *high* (both included)."""

    low: Days
    high: Days


class CloseContactsDoc(Strict):
    """Returners who had contact with a confirmed case: a share (per origin where given) and
    the contact's day, a uniform number of days before their return."""

    share: Share = Field(description="share of returners from origins not in by_origin")
    by_origin: dict[StrictStr, Share] = Field({}, description="the share for an origin")
    days_before_return: DaysBefore
