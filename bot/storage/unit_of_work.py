"""A unit of work: the repositories over one transaction."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager

from sqlalchemy.exc import DBAPIError, IntegrityError, InterfaceError, OperationalError
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.errors import StorageConflict, StorageUnavailable
from bot.storage.answers import AnswerBatchQueries, AnswerRepository
from bot.storage.cards import CardRepository
from bot.storage.clocks import ClockRepository
from bot.storage.database import LOCK_NOT_AVAILABLE, QUERY_CANCELED, Database
from bot.storage.group_questions import GroupQuestionRepository
from bot.storage.members import MemberRepository
from bot.storage.posts import PostRepository
from bot.storage.quizzes import QuizRepository
from bot.storage.subscriptions import SubscriptionRepository
from bot.storage.votes import VoteRepository
from bot.storage.workers import WorkerRepository


class UnitOfWork:
    def __init__(self, connection: AsyncConnection) -> None:
        self.connection = connection
        self.members = MemberRepository(connection)
        self.subscriptions = SubscriptionRepository(connection)
        self.posts = PostRepository(connection)
        self.answers = AnswerRepository(connection)
        self.answer_batches = AnswerBatchQueries(connection)  # set-wise reads and writes
        self.quizzes = QuizRepository(connection)
        self.cards = CardRepository(connection)
        self.clocks = ClockRepository(connection)
        self.workers = WorkerRepository(connection)
        self.group_questions = GroupQuestionRepository(connection)
        self.votes = VoteRepository(connection)


class Storage:
    """Opens units of work: `write()` commits on success, `read()` changes nothing."""

    def __init__(self, database: Database) -> None:
        self.database = database

    @asynccontextmanager
    async def write(self) -> AsyncIterator[UnitOfWork]:
        with unavailable_as_domain_error():
            async with self.database.write() as connection:
                yield UnitOfWork(connection)

    @asynccontextmanager
    async def read(self) -> AsyncIterator[UnitOfWork]:
        with unavailable_as_domain_error():
            async with self.database.read() as connection:
                yield UnitOfWork(connection)


@contextmanager
def unavailable_as_domain_error() -> Iterator[None]:
    """A database that does not answer becomes StorageUnavailable, a constraint the database
    enforced becomes StorageConflict; both are told apart from bugs, which pass through."""
    try:
        yield
    except IntegrityError as error:
        raise StorageConflict() from error
    except TimeoutError as error:
        raise StorageUnavailable(timed_out=True) from error
    except DBAPIError as error:
        if getattr(error.orig, "sqlstate", None) in (QUERY_CANCELED, LOCK_NOT_AVAILABLE):
            raise StorageUnavailable(timed_out=True) from error
        if isinstance(error, OperationalError | InterfaceError) or error.connection_invalidated:
            raise StorageUnavailable(timed_out=False) from error
        raise
    except OSError as error:
        raise StorageUnavailable(timed_out=False) from error
