"""What every stage shares and nothing else: errors and reasons, the clock, durations, configuration, URLs."""
