"""The `qotd` command: the entry points, and the one place that wires the core to its front
ends (the core in `bot/` never imports `adapters/`; only this package imports both)."""
