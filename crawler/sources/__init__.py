"""Reading what sources list: feeds, sitemaps, section pages, aggregator links, polling, discovery."""
