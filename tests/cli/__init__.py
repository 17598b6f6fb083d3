"""The `newswatch` command as a user runs it, in a child process: errors and exit statuses,
`init`, `feeds discover`, the installed wheel."""
