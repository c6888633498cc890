"""A small complaints site on iso10002's Django app: an intake form, handlers' pages, the admin.

Who may do what is decided by Django's groups and permissions, wired into the desk's access
policy (:mod:`complaints_site.access`); refused attempts are kept in a table of their own.
"""
