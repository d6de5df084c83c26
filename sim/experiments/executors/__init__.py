"""Executors, one module each, registered with ``@register`` (see :mod:`.base`)."""
