"""The jobs app runs no task: offers are asked for when a page shows them, and kept in the
cache (``offers``); the ROME referential is loaded by its migration."""
