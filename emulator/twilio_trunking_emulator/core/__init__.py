"""Plumbing shared by every API: errors, auth, middleware, faults, paging, forms, rendering."""
