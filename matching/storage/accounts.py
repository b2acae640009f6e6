"""Users (scoped to a county, or city-wide when ``county`` is empty) and the audit log."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import DateTime, String
from sqlalchemy.orm import Mapped, mapped_column

from matching.storage.base import Base, Timestamped, utcnow


class User(Timestamped, Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(50), unique=True)
    display_name: Mapped[str] = mapped_column(String(50))
    role: Mapped[str] = mapped_column(String(20))
    county: Mapped[str | None] = mapped_column(String(8))
    password_hash: Mapped[str | None] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(default=True)
    # Tokens carry the version they were issued under; raising it (logout, password change,
    # deactivation) revokes every token of the user at their next request.
    token_version: Mapped[int] = mapped_column(default=0, server_default="0")


class AuditEntry(Base):
    """Who revealed, exported or imported what, and when. Rows are never updated or deleted:
    the migration installs triggers that refuse UPDATE and DELETE on both SQLite and PostgreSQL."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(50))
    action: Mapped[str] = mapped_column(String(32))
    entity: Mapped[str] = mapped_column(String(32))
    entity_id: Mapped[str | None] = mapped_column(String(40))
    detail: Mapped[dict[str, Any]] = mapped_column(default=dict)
