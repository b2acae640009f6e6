"""Storage: SQLAlchemy 2 models, engine and sessions, Alembic migrations."""

from matching.storage.accounts import AuditEntry, User
from matching.storage.base import Base
from matching.storage.conflicts import PersonConflict
from matching.storage.db import append_audit, make_engine, make_sessionmaker, upgrade_database
from matching.storage.employers import Employer, Vacancy
from matching.storage.fairs import Fair, FairCandidate, FairVacancy
from matching.storage.jobs import BackgroundJob
from matching.storage.ledgers import GraduateLedger, LedgerFollowUp
from matching.storage.people import Assessment, Person
from matching.storage.referrals import Referral, ReferralEvent
from matching.storage.training_bases import Course, TrainingBase

__all__ = [
    "Assessment",
    "AuditEntry",
    "BackgroundJob",
    "Base",
    "Course",
    "Employer",
    "Fair",
    "FairCandidate",
    "FairVacancy",
    "GraduateLedger",
    "LedgerFollowUp",
    "Person",
    "PersonConflict",
    "Referral",
    "ReferralEvent",
    "TrainingBase",
    "User",
    "Vacancy",
    "append_audit",
    "make_engine",
    "make_sessionmaker",
    "upgrade_database",
]
