"""People, teams, accounts and messages: the names tickets refer to by id."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class User:
    id: str
    name: str
    email: str = ""
    is_deactivated: bool = False
    """A teammate who left: still named on their old tickets, never offered in a picker."""

    @property
    def short_name(self) -> str:
        return self.name.split()[0] if self.name.strip() else self.email.split("@")[0]


@dataclass(frozen=True, slots=True)
class Team:
    id: str
    name: str


@dataclass(frozen=True, slots=True)
class Account:
    id: str
    name: str


@dataclass(frozen=True, slots=True)
class Message:
    id: str
    html: str
    timestamp: datetime | None
    author_name: str
    is_private: bool = False
    is_customer: bool = False
    source: str | None = None
    thread_id: str | None = None


@dataclass(frozen=True, slots=True)
class Directory:
    """Display names for ids; a missing name falls back to a short id, never an error."""

    users: dict[str, User]
    teams: dict[str, Team]
    accounts: dict[str, Account]

    @classmethod
    def empty(cls) -> Directory:
        return cls({}, {}, {})

    def user_name(self, user_id: str | None) -> str:
        if not user_id:
            return ""
        user = self.users.get(user_id)
        return user.short_name if user else user_id[:8]

    def account_name(self, account_id: str | None) -> str:
        if not account_id:
            return ""
        account = self.accounts.get(account_id)
        return account.name if account else account_id[:8]

    def active_users(self) -> list[User]:
        """Who a picker may offer, by name: deactivated users can no longer be assigned."""
        return sorted(
            (u for u in self.users.values() if not u.is_deactivated), key=lambda u: u.name
        )

    def user_by_email(self, email: str | None) -> User | None:
        if not email:
            return None
        wanted = email.strip().lower()
        return next((u for u in self.users.values() if u.email.lower() == wanted), None)
