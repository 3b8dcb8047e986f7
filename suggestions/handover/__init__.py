"""交办会 pages' forms and reads (services in services/handover.py)."""
