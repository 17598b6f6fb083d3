"""What one crawl shares and decides: its runtime, its ledger and the item it carries."""
