"""Integrations with host frameworks; each is an optional extra and imports nothing here.

``iso10002.contrib.django`` is a reusable Django app (the ``[django]`` extra);
``iso10002.contrib.flask`` a Flask extension (the ``[flask]`` extra). Importing
:mod:`iso10002` never imports any of them.
"""
