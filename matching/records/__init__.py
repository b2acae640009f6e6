"""Records: read, search, create and update persons, assessments, employers, vacancies and
courses, and import uploaded files, for the API.

Every write is validated by the import specs of :mod:`matching.imports` (``rows``), so a value an
import rejects is rejected here with the same reason code and Chinese message. Persons and their
assessments are scoped by the access policy (``matching.access.Caller``): outside it they do not
exist.
"""

from matching.errors import ConflictError, NotFoundError, OutOfCounty
from matching.pages import DEFAULT_PAGE_SIZE, MAX_PAGE, MAX_PAGE_SIZE, Page
from matching.records.assessments import (
    create_assessment,
    get_assessment,
    list_assessments,
    update_assessment,
)
from matching.records.courses import (
    CourseFilters,
    create_course,
    get_course,
    search_courses,
    update_course,
)
from matching.records.employers import (
    EmployerFilters,
    create_employer,
    get_employer,
    search_employers,
    update_employer,
)
from matching.records.persons import (
    PersonFilters,
    create_person,
    get_person,
    persons_by_number,
    search_persons,
    update_person,
)
from matching.records.uploads import MAX_REJECTS_SHOWN, UploadOutcome, import_upload
from matching.records.vacancies import (
    VacancyFilters,
    create_vacancy,
    get_vacancy,
    search_vacancies,
    update_vacancy,
)

__all__ = [
    "DEFAULT_PAGE_SIZE",
    "MAX_PAGE",
    "MAX_PAGE_SIZE",
    "MAX_REJECTS_SHOWN",
    "ConflictError",
    "CourseFilters",
    "EmployerFilters",
    "NotFoundError",
    "OutOfCounty",
    "Page",
    "PersonFilters",
    "UploadOutcome",
    "VacancyFilters",
    "create_assessment",
    "create_course",
    "create_employer",
    "create_person",
    "create_vacancy",
    "get_assessment",
    "get_course",
    "get_employer",
    "get_person",
    "get_vacancy",
    "import_upload",
    "list_assessments",
    "persons_by_number",
    "search_courses",
    "search_employers",
    "search_persons",
    "search_vacancies",
    "update_assessment",
    "update_course",
    "update_employer",
    "update_person",
    "update_vacancy",
]
