"""Real cycles: `newswatch run` (or the daemon) in a child process against the local server,
checked through the store: end to end, hostile input, crashes, concurrency, outages."""
