"""Sweep designs, one module each, registered with ``@design`` (see :mod:`.base`)."""
