"""Entry points: the `newswatch` command line, the daemon, and starting crawls."""
