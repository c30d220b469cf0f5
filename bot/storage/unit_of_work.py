"""A unit of work: the repositories over one transaction."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy.ext.asyncio import AsyncConnection

from bot.storage.answers import AnswerRepository
from bot.storage.cards import CardRepository
from bot.storage.clocks import ClockRepository
from bot.storage.database import Database
from bot.storage.members import MemberRepository
from bot.storage.posts import PostRepository
from bot.storage.quizzes import QuizRepository
from bot.storage.subscriptions import SubscriptionRepository


class UnitOfWork:
    def __init__(self, connection: AsyncConnection) -> None:
        self.connection = connection
        self.members = MemberRepository(connection)
        self.subscriptions = SubscriptionRepository(connection)
        self.posts = PostRepository(connection)
        self.answers = AnswerRepository(connection)
        self.quizzes = QuizRepository(connection)
        self.cards = CardRepository(connection)
        self.clocks = ClockRepository(connection)


class Storage:
    """Opens units of work: `write()` commits on success, `read()` changes nothing."""

    def __init__(self, database: Database) -> None:
        self.database = database

    @asynccontextmanager
    async def write(self) -> AsyncIterator[UnitOfWork]:
        async with self.database.write() as connection:
            yield UnitOfWork(connection)

    @asynccontextmanager
    async def read(self) -> AsyncIterator[UnitOfWork]:
        async with self.database.read() as connection:
            yield UnitOfWork(connection)
