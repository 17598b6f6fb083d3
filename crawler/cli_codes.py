"""Exit statuses of the `newswatch` command, shared by the CLI and the daemon, and the error
that carries one."""

EXIT_OK = 0
EXIT_CONFIG = 2  # usage or configuration error
EXIT_STORE = 3  # the database cannot be opened or written: nothing was crawled
EXIT_LOCKED = 75  # EX_TEMPFAIL: another cycle holds the lock; cron may simply try again next time


class CliError(Exception):
    """A problem already worded for the user: the CLI prints it as one line and exits with `status`."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
