"""Validated imports of CSV and .xlsx files with Chinese or English headers."""

from matching.imports.assessments import SPEC as ASSESSMENTS
from matching.imports.courses import SPEC as COURSES
from matching.imports.employers import SPEC as EMPLOYERS
from matching.imports.persons import SPEC as PERSONS
from matching.imports.runner import ImportResult, default_report_path, import_file
from matching.imports.spec import EntitySpec, Field
from matching.imports.templates import write_template
from matching.imports.vacancies import SPEC as VACANCIES

SPECS: dict[str, EntitySpec] = {
    spec.name: spec for spec in (PERSONS, ASSESSMENTS, EMPLOYERS, VACANCIES, COURSES)
}

__all__ = [
    "SPECS",
    "EntitySpec",
    "Field",
    "ImportResult",
    "default_report_path",
    "import_file",
    "write_template",
]
