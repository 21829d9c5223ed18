"""Console sessions: a signed-in browser, kept as the SHA-256 of its cookie's secret only.

The cookie secret is never stored, so the table's rows cannot be replayed as cookies; the
token behind a session is checked again on every request (revoked or expired ends it).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import ForeignKey, String, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from catalog.base import Base, UTCDateTime, utcnow


class ConsoleSession(Base):
    __tablename__ = "console_sessions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    """SHA-256 (hex) of the cookie's secret."""
    token_id: Mapped[str] = mapped_column(ForeignKey("api_tokens.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)


def add_console_session(session: Session, session_id: str, token_id: str,
                        now: datetime | None = None) -> ConsoleSession:
    at = now or utcnow()
    row = ConsoleSession(id=session_id, token_id=token_id, created_at=at, last_seen_at=at)
    session.add(row)
    session.flush()
    return row


def live_console_session(session: Session, session_id: str, idle: timedelta,
                         lifetime: timedelta, now: datetime | None = None,
                         ) -> ConsoleSession | None:
    """The session if it was not ended, was used within `idle` and began within `lifetime`."""
    row = session.get(ConsoleSession, session_id)
    at = now or utcnow()
    if (row is None or row.ended_at is not None or row.last_seen_at + idle <= at
            or row.created_at + lifetime <= at):
        return None
    return row


def end_console_sessions(session: Session, before: datetime) -> int:
    """Delete the rows of sessions ended, or idle since, before `before`; how many."""
    rows = session.execute(select(ConsoleSession).where(
        (ConsoleSession.last_seen_at < before) | (ConsoleSession.ended_at.is_not(None))
    )).scalars().all()
    for row in rows:
        session.delete(row)
    return len(rows)
