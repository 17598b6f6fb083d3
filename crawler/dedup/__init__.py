"""One story, one record: the content hash, MinHash signatures and article versions (pure functions)."""
