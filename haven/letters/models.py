"""Letters generated from templates: no records of their own (each is audited)."""
