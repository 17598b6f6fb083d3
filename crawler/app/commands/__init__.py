"""The `newswatch` commands, one module per group; ``crawler.app.cli`` is the argparse front."""
