"""Which records a caller may see and write: every county, one county, or nothing.

Persons and their assessments are county-scoped: a record outside the scope is reported as not
found. Employers, vacancies and courses are readable by every staff role; a county-scoped writer
may only write those of their own county (``require_county``, answered 403: the record is
visible, so its existence is no secret).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, false, true

from matching.codes import COUNTIES
from matching.records.errors import OutOfCounty
from matching.storage import Person


@dataclass(frozen=True)
class Scope:
    """``city_wide`` sees every county; otherwise only ``county`` (None: nothing at all).

    ``graduates_only`` narrows persons to university graduates (graduate case workers).
    """

    county: str | None = None
    city_wide: bool = False
    graduates_only: bool = False

    def sees(self, county: str | None) -> bool:
        if self.city_wide:
            return True
        return self.county is not None and county == self.county

    def sees_person(self, person: Person) -> bool:
        return self.sees(person.county) and (person.is_graduate or not self.graduates_only)

    def person_condition(self) -> ColumnElement[bool]:
        """The SQL condition selecting the persons this scope sees."""
        if self.county is None and not self.city_wide:
            return false()
        county = true() if self.city_wide else Person.county == self.county
        return county & Person.is_graduate if self.graduates_only else county

    @property
    def county_zh(self) -> str:
        """The caller's county as users read it."""
        if self.city_wide:
            return "全市"
        return COUNTIES.label(self.county) if self.county is not None else "（未指定县区）"

    def require_county(self, county: str, what_zh: str) -> None:
        """Refuse (403) a write that would place a record of kind ``what_zh`` in ``county``."""
        if self.sees(county):
            return
        raise OutOfCounty(
            f"you may only write records of your own county ({self.county}); got {county}",
            f"只能登记或修改本县（市、区）（{self.county_zh}）的{what_zh}，"
            f"不能登记到或改为{COUNTIES.label(county)}",
        )


CITY_WIDE = Scope(city_wide=True)
