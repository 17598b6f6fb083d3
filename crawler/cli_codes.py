"""Exit statuses of the `newswatch` command, shared by the CLI and the daemon."""

EXIT_OK = 0
EXIT_CONFIG = 2  # usage or configuration error
EXIT_STORE = 3  # the database cannot be opened or written: nothing was crawled
EXIT_LOCKED = 75  # EX_TEMPFAIL: another cycle holds the lock; cron may simply try again next time
