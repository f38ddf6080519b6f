"""Pages of the shared core: the portal-wide audit log."""
