"""Is an article on the topic, and which facts does it report: relevance and facts."""
