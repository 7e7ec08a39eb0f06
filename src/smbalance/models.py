"""The stored tables (SQLModel): the schema that migrations and the store share.

Instants are stored as integer seconds since the Unix epoch, in UTC.  That keeps
clipping, grouping and overlap checks plain integer arithmetic that SQLite and
PostgreSQL evaluate identically, and it is exact to the second, as the spec asks.
Column names say so (``start_utc``), so anyone reading the tables directly knows.

Importing this module imports SQLModel (and so pydantic and SQLAlchemy): only the
store imports it, never the CLI start-up path.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, CheckConstraint, Column, Index, Integer, String, Text
from sqlmodel import Field, SQLModel


class Person(SQLModel, table=True):
    __tablename__ = "person"
    # One login role is linked to at most one person (revision 0004).
    __table_args__ = (Index("ux_person_login", "login", unique=True),)

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(sa_column=Column(String(32), nullable=False, unique=True))
    role: str = Field(sa_column=Column(String(16), nullable=False, default="both"))
    commission: int = Field(default=0, sa_column=Column(Integer, nullable=False, default=0))
    target: int | None = Field(default=None, sa_column=Column(Integer, nullable=True))
    created_utc: int = Field(sa_column=Column(BigInteger, nullable=False))
    updated_utc: int = Field(sa_column=Column(BigInteger, nullable=False))
    # The PostgreSQL login role this person writes as on a team store (`team add`);
    # row-level security compares it with CURRENT_USER.  None: nobody logs in as them.
    login: str | None = Field(default=None, sa_column=Column(String(63), nullable=True))


class Entry(SQLModel, table=True):
    __tablename__ = "entry"
    __table_args__ = (
        Index("ix_entry_person_start", "person_id", "start_utc"),
        Index("ix_entry_start", "start_utc"),
        Index("ix_entry_change", "change_id"),
        # MAX(seconds) bounds how far before a period an overlapping entry can start,
        # so period queries scan only an index range instead of all of history.
        Index("ix_entry_seconds", "seconds"),
        # The database refuses impossible rows, whoever writes them (revision 0002).
        CheckConstraint("end_utc > start_utc", name="ck_entry_span"),
        CheckConstraint("seconds = end_utc - start_utc", name="ck_entry_seconds"),
        CheckConstraint("category IN ('sales', 'marketing')", name="ck_entry_category"),
        # An id, once used, is never handed out again, even on SQLite (revision 0003).
        {"sqlite_autoincrement": True},
    )

    id: int | None = Field(default=None, primary_key=True)
    uid: str = Field(sa_column=Column(String(36), nullable=False, unique=True))
    person_id: int = Field(foreign_key="person.id", nullable=False)
    category: str = Field(sa_column=Column(String(16), nullable=False))
    start_utc: int = Field(sa_column=Column(BigInteger, nullable=False))
    end_utc: int = Field(sa_column=Column(BigInteger, nullable=False))
    seconds: int = Field(sa_column=Column(BigInteger, nullable=False))
    note: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    # Tags cannot contain spaces, so one space-joined column is exact and cheap.
    tags: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    created_utc: int = Field(sa_column=Column(BigInteger, nullable=False))
    updated_utc: int = Field(sa_column=Column(BigInteger, nullable=False))
    # The journal change that inserted this row, so `undo` can remove a whole import
    # without keeping a list of a million ids.
    change_id: int | None = Field(default=None, sa_column=Column(Integer, nullable=True))


class Timer(SQLModel, table=True):
    __tablename__ = "timer"
    __table_args__ = (
        CheckConstraint("category IN ('sales', 'marketing')", name="ck_timer_category"),
    )

    person_id: int = Field(foreign_key="person.id", primary_key=True)
    category: str = Field(sa_column=Column(String(16), nullable=False))
    start_utc: int = Field(sa_column=Column(BigInteger, nullable=False))
    note: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    tags: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    created_utc: int = Field(sa_column=Column(BigInteger, nullable=False))


class Change(SQLModel, table=True):
    """One mutating command, for `undo` and `db log`."""

    __tablename__ = "change"
    # `undo` looks for the caller's newest change (revision 0004).
    __table_args__ = (Index("ix_change_actor", "actor", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    at_utc: int = Field(sa_column=Column(BigInteger, nullable=False))
    command: str = Field(sa_column=Column(String(32), nullable=False))
    summary: str = Field(sa_column=Column(Text, nullable=False))
    undone: bool = Field(default=False, nullable=False)
    # Who made the change: the database role on PostgreSQL (the column defaults to
    # CURRENT_USER there), the login name of the file's one user on SQLite.
    actor: str = Field(default="", sa_column=Column(String(63), nullable=False))


class ChangeRow(SQLModel, table=True):
    """The before-image of one row a change touched (``before`` NULL: it was inserted)."""

    __tablename__ = "change_row"
    __table_args__ = (Index("ix_change_row_change", "change_id"),)

    id: int | None = Field(default=None, primary_key=True)
    change_id: int = Field(foreign_key="change.id", nullable=False)
    table_name: str = Field(sa_column=Column(String(32), nullable=False))
    row_key: str = Field(sa_column=Column(String(64), nullable=False))
    before: str | None = Field(default=None, sa_column=Column(Text, nullable=True))


class Team(SQLModel, table=True):
    """The group roles of a team store (`smbalance team init`); no row: no team."""

    __tablename__ = "team"
    __table_args__ = (CheckConstraint("id = 1", name="ck_team_one_row"),)

    id: int = Field(default=1, sa_column=Column(Integer, primary_key=True, autoincrement=False))
    owner_group: str = Field(sa_column=Column(String(63), nullable=False))
    member_group: str = Field(sa_column=Column(String(63), nullable=False))


metadata = SQLModel.metadata
person_t = Person.__table__
entry_t = Entry.__table__
timer_t = Timer.__table__
change_t = Change.__table__
change_row_t = ChangeRow.__table__
team_t = Team.__table__
