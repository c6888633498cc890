"""Business calendars, SLA clocks, policies and regulatory presets."""
