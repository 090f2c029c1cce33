"""The component kinds, one strategy class each (see ``registry.STRATEGIES``)."""
