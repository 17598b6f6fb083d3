"""Alerts: new relevant stories matching a rule, sent once through Apprise, or as a daily digest."""
